// An edit of a router's login while something reconnects (the monitor does every second) must
// not leave the app on a connection made with the old login (found in the technician's walk:
// after tech → root, the router still showed `sshd: tech@…` sessions and detection said "not root").
import { describe, expect, it } from 'vitest';
import type { RouterRecord } from '../store/router-repository.ts';
import type { SshConnectOptions, SshConnection } from '../transport/ssh/ssh-connection.ts';
import { SshPool } from '../transport/ssh/ssh-pool.ts';
import { ConnectionService } from './connection-service.ts';
import type { RoutersService } from './routers-service.ts';

type FakeConnection = SshConnection & { username: string; state: string };

function setup() {
  const record = { id: 'r1', name: 'Shop router', host: '198.51.100.1', port: 22, username: 'tech', jumpRouterId: null, hostKey: null } as unknown as RouterRecord;
  const routers = { record: () => record, sshCredential: async () => ({ kind: 'password', password: 'pw' }) } as unknown as RoutersService;
  const connectStarted: Array<() => void> = [];
  const pool = new SshPool(async (options: SshConnectOptions) => {
    // Each connect takes until the test lets it finish.
    await new Promise<void>((resolve) => connectStarted.push(resolve));
    const conn = { username: options.username, state: 'ready', close: async () => void (conn.state = 'closed') };
    return conn as unknown as FakeConnection;
  });
  const connections = new ConnectionService({ routers, log: { info() {}, warn() {}, error() {} } as never, pool, knownHostsFiles: [] });
  const finishConnects = async () => {
    for (let i = 0; i < 50; i++) {
      connectStarted.splice(0).forEach((resolve) => resolve());
      await new Promise((r) => setTimeout(r, 1));
    }
  };
  return { record, connections, finishConnects };
}

describe('ConnectionService after an edit of the login', () => {
  it('does not hand out a connection that began with the old login', async () => {
    const { record, connections, finishConnects } = setup();
    const reconnect = connections.connection('r1'); // begins as tech
    await new Promise((r) => setTimeout(r, 1));
    Object.assign(record, { username: 'root' }); // routers.update saves first…
    const forgotten = connections.forget('r1'); // …then forgets the connection
    await finishConnects();
    await forgotten;
    const conn = (await reconnect) as FakeConnection;
    expect(conn.username).toBe('root');
    expect((await connections.connection('r1')) as FakeConnection).toBe(conn);
  });

  it('keeps sharing one connection when nothing was edited', async () => {
    const { connections, finishConnects } = setup();
    const both = Promise.all([connections.connection('r1'), connections.connection('r1')]);
    await finishConnects();
    const [a, b] = await both;
    expect(a).toBe(b);
    expect((a as FakeConnection).username).toBe('tech');
  });
});
