// Raw frames a careless or hostile client might send over WebSocket: each gets a typed error
// on the same socket, and the server keeps answering afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { maxRequestBytes } from '../../src/shared/api/contract.ts';
import { startWsTestServer, type WsTestServer } from './contract-clients.ts';

let lab: WsTestServer;
let socket: WebSocket;

beforeAll(async () => {
  lab = await startWsTestServer();
  socket = await lab.open();
});
afterAll(async () => {
  socket.close();
  await lab.server.close();
  await lab.core.close();
});

function roundTrip(data: string | Buffer, binary = false): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    socket.once('message', (reply) => resolve(JSON.parse(String(reply))));
    socket.send(data, { binary });
  });
}

describe('bad frames over WebSocket', () => {
  it('malformed JSON → bad-request', async () => {
    expect(await roundTrip('{"id":1,"method":')).toMatchObject({ id: null, ok: false, error: { code: 'bad-request', message: expect.stringContaining('JSON') } });
  });

  it('a frame without a method → bad-request, echoing the id', async () => {
    expect(await roundTrip(JSON.stringify({ id: 7 }))).toMatchObject({ id: 7, ok: false, error: { code: 'bad-request' } });
  });

  it('a binary frame → bad-request', async () => {
    expect(await roundTrip(Buffer.from([1, 2, 3]), true)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('a frame over 1 MiB → bad-request, and the connection stays usable', async () => {
    const big = JSON.stringify({ id: 9, method: 'sites.create', params: { name: 'x', notes: 'y'.repeat(maxRequestBytes) } });
    expect(await roundTrip(big)).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('1 MiB') } });
    expect(await roundTrip(JSON.stringify({ id: 10, method: 'app.info', params: {} }))).toMatchObject({ id: 10, ok: true });
  });

  it('unknown method and wrong types → typed errors', async () => {
    expect(await roundTrip(JSON.stringify({ id: 11, method: 'nope.nope' }))).toMatchObject({ id: 11, error: { code: 'unknown-method' } });
    expect(await roundTrip(JSON.stringify({ id: 12, method: 'sites.create', params: { name: [] } }))).toMatchObject({ id: 12, error: { code: 'bad-request' } });
  });
});
