// The two ways the contract suite reaches the core: the dispatcher directly, and end to end
// through serve mode's WebSocket (real HTTP server, real socket, token and Origin included).
import { request } from 'node:http';
import { WebSocket } from 'ws';
import type { ResultEnvelope } from '../../src/shared/api/contract.ts';
import { createCore, type Core } from '../../src/main/core/app-core.ts';
import { startServeServer, type ServeHandle } from '../../src/main/server/serve-server.ts';

export interface ContractClient {
  call(method: string, params?: unknown): Promise<ResultEnvelope>;
  /** Resolves with the next event of that name. */
  nextEvent(name: string): Promise<unknown>;
  close(): Promise<void>;
}

export async function directClient(): Promise<ContractClient> {
  const core = await createCore({ dataDir: ':memory:', transport: 'direct' });
  return {
    call: (method, params) => core.dispatcher.dispatch(method, params),
    nextEvent: (name) => new Promise((resolve) => { const off = core.events.onAny((event, payload) => { if (event === name) { off(); resolve(payload); } }); }),
    close: async () => core.close(),
  };
}

export interface WsTestServer {
  core: Core;
  server: ServeHandle;
  open(headers?: Record<string, string>): Promise<WebSocket>;
}

/** Opens the tokened URL once, as a browser does, and returns the session cookie it was given. */
export function tradeServeToken(server: ServeHandle): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(server.url, (res) => {
      res.resume();
      const cookie = String(res.headers['set-cookie'] ?? '').split(';')[0]!;
      if (res.statusCode === 303 && cookie) resolve(cookie);
      else reject(new Error(`trading the serve token gave HTTP ${res.statusCode}`));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function startWsTestServer(rendererDir = '/nonexistent'): Promise<WsTestServer> {
  const core = await createCore({ dataDir: ':memory:', transport: 'websocket' });
  const server = await startServeServer({ core, rendererDir });
  const sessionCookie = await tradeServeToken(server);
  const open = (headers: Record<string, string> = { Origin: server.origin, Cookie: sessionCookie }) =>
    new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(`${server.origin.replace('http', 'ws')}/api`, { headers });
      socket.once('open', () => resolve(socket));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      socket.once('error', reject);
    });
  return { core, server, open };
}

export async function wsClient(): Promise<ContractClient> {
  const { core, server, open } = await startWsTestServer();
  const socket = await open();
  let nextId = 1;
  const waiting = new Map<number, (envelope: ResultEnvelope) => void>();
  const eventWaiters: Array<{ name: string; resolve: (payload: unknown) => void }> = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data));
    if ('event' in frame) {
      const index = eventWaiters.findIndex((w) => w.name === frame.event);
      if (index >= 0) eventWaiters.splice(index, 1)[0]!.resolve(frame.payload);
      return;
    }
    const { id, ...envelope } = frame;
    waiting.get(id)?.(envelope);
    waiting.delete(id);
  });
  return {
    call: (method, params) =>
      new Promise((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve);
        socket.send(JSON.stringify({ id, method, params }));
      }),
    nextEvent: (name) => new Promise((resolve) => eventWaiters.push({ name, resolve })),
    close: async () => {
      socket.close();
      await server.close();
      await core.close();
    },
  };
}
