// Adding a router is all or nothing. The connection is tested with the details as entered before
// anything is written (routers.testNewConnection), and the router, the key the user trusted and
// its encrypted password are written in one transaction (routers.create). So a router whose SSH
// never answers, with the app closed or crashed while it waits, leaves no router and no secret.
// Real sockets and a real database file; the "router" is a TCP listener that never speaks.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../../../../test/lab/wait-until.ts';
import { createCore, type Core } from '../app-core.ts';
import { memoryLogger } from '../logger.ts';
import { openNodeSecretStore } from '../secrets/open-secret-store.ts';
import { databaseFileName } from '../store/open-store.ts';

const fingerprint = `SHA256:${'K'.repeat(43)}`;

describe('adding a router', () => {
  let dataDir: string;
  let server: Server;
  let port: number;
  const accepted: Socket[] = [];
  const cores: Core[] = [];

  const openCore = async () => {
    const core = await createCore({
      dataDir,
      transport: 'direct',
      knownHostsFiles: [],
      openSecrets: (db) => openNodeSecretStore(db, { passphrase: 'a long test passphrase', useKeyring: false }, memoryLogger()),
    });
    cores.push(core);
    return core;
  };
  const call = async <T = Record<string, unknown>>(core: Core, method: string, params: unknown): Promise<T> => {
    const envelope = await core.dispatcher.dispatch(method, params);
    if (!envelope.ok) throw Object.assign(new Error(`${method}: ${envelope.error.message}`), { code: envelope.error.code });
    return envelope.result as T;
  };
  /** What a crash right now would leave: the database file as another process reads it. */
  const onDisk = () => {
    const db = new DatabaseSync(join(dataDir, databaseFileName), { readOnly: true });
    try {
      const routers = (db.prepare('SELECT name FROM routers').all() as Array<{ name: string }>).map((r) => r.name);
      const secrets = (db.prepare("SELECT ref FROM secrets WHERE ref LIKE 'router/%'").all() as Array<{ ref: string }>).map((s) => s.ref);
      return { routers, secrets };
    } finally {
      db.close();
    }
  };
  const details = (siteId: string, name = 'Back office') => ({ siteId, name, host: '127.0.0.1', port, username: 'root', auth: { kind: 'password', password: 'hunter2-not-kept' } });

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sy-router-add-'));
    // Accepts and never says a word: an SSH client waits for the banner until its deadline.
    server = createServer((socket) => void accepted.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterEach(async () => {
    for (const socket of accepted.splice(0)) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    for (const core of cores.splice(0)) await core.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes nothing while the connection test waits, and nothing is left when the app closes in the middle', async () => {
    const core = await openCore();
    const site = await call<{ id: string }>(core, 'sites.create', { name: 'Corner Bakery' });
    const testing = core.dispatcher.dispatch('routers.testNewConnection', details(site.id));
    await waitUntil(() => accepted.length, (n) => n > 0, { what: 'the connection test to reach the silent router' });
    expect(onDisk()).toEqual({ routers: [], secrets: [] });

    // The user quits (or the app dies) while the test still waits for the router.
    await core.close();
    expect(await testing).toMatchObject({ ok: false });
    expect(onDisk()).toEqual({ routers: [], secrets: [] });
    const again = await openCore();
    expect(await call(again, 'routers.list', {})).toEqual({ routers: [] });
  }, 60_000);

  it('checks the details as saving would before connecting: a name already taken is refused at once', async () => {
    const core = await openCore();
    const site = await call<{ id: string }>(core, 'sites.create', { name: 'Corner Bakery' });
    await call(core, 'routers.create', details(site.id, 'Till'));
    await expect(call(core, 'routers.testNewConnection', details(site.id, 'till'))).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/already has a router named "till"\. Choose another name\./) });
    expect(accepted).toHaveLength(0);
  });

  it('saves the router, the key the user trusted and the encrypted password in one write', async () => {
    const core = await openCore();
    const site = await call<{ id: string }>(core, 'sites.create', { name: 'Corner Bakery' });
    const router = await call<{ id: string; hostKey: { type: string; fingerprint: string } | null; hasSecret: boolean }>(core, 'routers.create', { ...details(site.id), hostKey: { keyType: 'ssh-ed25519', fingerprint } });
    expect(router).toMatchObject({ hostKey: { type: 'ssh-ed25519', fingerprint }, hasSecret: true });
    expect(onDisk()).toEqual({ routers: ['Back office'], secrets: [`router/${router.id}/ssh`] });

    // A refused write (the name is taken now) leaves no secret behind either.
    await expect(call(core, 'routers.create', { ...details(site.id), auth: { kind: 'password', password: 'another' } })).rejects.toMatchObject({ code: 'conflict' });
    expect(onDisk()).toEqual({ routers: ['Back office'], secrets: [`router/${router.id}/ssh`] });
    await expect(call(core, 'routers.create', { ...details(site.id, 'Office'), hostKey: { keyType: 'ssh-ed25519', fingerprint: 'SHA256:short' } })).rejects.toMatchObject({ code: 'bad-request' });
  });
});
