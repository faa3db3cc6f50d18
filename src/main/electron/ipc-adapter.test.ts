// The IPC path of the contract: sender frames are checked, oversized payloads refused, and
// calls reach the same dispatcher as every other transport.
import { afterEach, describe, expect, it } from 'vitest';
import { ipcChannels } from '../../shared/api/method-names.ts';
import { createCore } from '../core/app-core.ts';
import { registerIpc } from './ipc-adapter.ts';

type Handler = (event: unknown, method: unknown, params: unknown) => Promise<unknown>;

async function setup() {
  const core = await createCore({ dataDir: ':memory:', transport: 'electron' });
  const handlers = new Map<string, Handler>();
  const sent: unknown[][] = [];
  registerIpc({ handle: (channel: string, fn: Handler) => handlers.set(channel, fn) } as never, core, (...args) => sent.push(args));
  const invoke = (url: string, method: unknown, params?: unknown) => handlers.get(ipcChannels.call)!({ senderFrame: { url } }, method, params);
  return { core, invoke, sent };
}

let current: Awaited<ReturnType<typeof setup>> | undefined;
afterEach(async () => current?.core.close());

describe('the IPC adapter', () => {
  it('routes calls from the app window and forwards events', async () => {
    current = await setup();
    expect(await current.invoke('app://switchyard/index.html', 'sites.create', { name: 'Depot' })).toMatchObject({ ok: true, result: { name: 'Depot' } });
    expect(current.sent).toContainEqual([ipcChannels.event, 'onDidChangeSites', expect.objectContaining({ atMs: expect.any(Number) })]);
  });

  it('refuses calls from any other frame', async () => {
    current = await setup();
    expect(await current.invoke('https://example.invalid/', 'sites.list', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('answers unknown methods, wrong types and oversized payloads with typed errors', async () => {
    current = await setup();
    const url = 'app://switchyard/index.html';
    expect(await current.invoke(url, 'nope', {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await current.invoke(url, 'sites.create', { name: false })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await current.invoke(url, 'sites.create', { name: 'x', notes: 'y'.repeat(1024 * 1024) })).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringContaining('1 MiB') },
    });
  });
});
