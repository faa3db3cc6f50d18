// The two clients of `npm run bench -- import`, in a worker thread of their own: in use they are
// browser tabs or windows, other processes, so their own work (turning the 1 MiB file into a frame,
// reading a 2 MB router list) must not be counted as the core's. The importer sends the file, then
// asks `routers.list` as every window does when the core says the inventory changed; the other
// client keeps asking `app.info` and keeps its worst wait during each of the two steps.
import { parentPort, workerData } from 'node:worker_threads';
import { WebSocket } from 'ws';
import { syntheticInventory } from '../test/contract/synthetic-inventory.ts';

export interface ClientsInput {
  url: string;
  origin: string;
  cookie: string;
  sites: number;
  perSite: number;
}
export interface ClientsResult {
  importMs: number;
  refreshMs: number;
  worstWaitMs: number;
  worstWaitDuringRefreshMs: number;
  error?: string;
}

/** A minimal contract client: one call at a time is all this needs. */
function caller(socket: WebSocket): (method: string, params: unknown) => Promise<{ ok: boolean }> {
  let nextId = 1;
  const waiting = new Map<number, (frame: { ok: boolean }) => void>();
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { id?: number; ok: boolean };
    if (frame.id !== undefined) waiting.get(frame.id)?.(frame);
    if (frame.id !== undefined) waiting.delete(frame.id);
  });
  return (method, params) =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
}

async function run(input: ClientsInput): Promise<ClientsResult> {
  const open = () =>
    new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(input.url, { headers: { Origin: input.origin, Cookie: input.cookie } });
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    });
  const [importer, other] = [await open(), await open()];
  try {
    const callImport = caller(importer);
    const callOther = caller(other);
    const file = syntheticInventory(input.sites, input.perSite);
    // An object, not a variable, so the watcher's loop sees the steps the main flow moves it through.
    const now: { step: 'import' | 'refresh' | 'done' } = { step: 'import' };
    const worst = { import: 0, refresh: 0 };
    const watcher = (async () => {
      while (now.step !== 'done') {
        const during = now.step;
        const sent = performance.now();
        await callOther('app.info', {});
        // A wait that spans both steps counts for the one it began in.
        worst[during] = Math.max(worst[during], performance.now() - sent);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const started = performance.now();
    const imported = await callImport('inventory.import', { file });
    const importMs = performance.now() - started;
    now.step = 'refresh';
    const listed = await callImport('routers.list', {});
    const refreshMs = performance.now() - started - importMs;
    now.step = 'done';
    await watcher;
    const error = !imported.ok ? `the import failed: ${JSON.stringify(imported)}` : !listed.ok ? `routers.list failed: ${JSON.stringify(listed)}` : undefined;
    return { importMs, refreshMs, worstWaitMs: worst.import, worstWaitDuringRefreshMs: worst.refresh, ...(error ? { error } : {}) };
  } finally {
    importer.close();
    other.close();
  }
}

if (parentPort) {
  const port = parentPort;
  run(workerData as ClientsInput).then(
    (result) => port.postMessage(result),
    (error: unknown) => port.postMessage({ importMs: 0, refreshMs: 0, worstWaitMs: 0, worstWaitDuringRefreshMs: 0, error: String(error) } satisfies ClientsResult),
  );
}
