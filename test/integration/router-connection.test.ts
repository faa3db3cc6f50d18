// Adding a lab router the way a technician does, over the contract: connect, see the unknown
// host key, trust it, detect the platform and uplinks. Then every kind of bad input gives its
// own error, nothing hangs, and the password never shows up in any log or at rest.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src/main/core/app-core.ts';
import { memoryLogger } from '../../src/main/core/logger.ts';
import { openNodeSecretStore } from '../../src/main/core/secrets/open-secret-store.ts';
import { labFixture } from '../lab/lab-fixture.ts';

const lab = labFixture({ name: 'conn', routers: 1, wans: 4 });

describe.skipIf(lab.skipReason)('router connections against the lab', () => {
  const log = memoryLogger();
  let core: Core;
  let dataDir: string;
  let siteId: string;

  const call = async <T = Record<string, unknown>>(method: string, params: unknown): Promise<T> => {
    const envelope = await core.dispatcher.dispatch(method, params);
    if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), { code: envelope.error.code, details: envelope.error.details });
    return envelope.result as T;
  };
  const failure = (method: string, params: unknown) => core.dispatcher.dispatch(method, params).then((e) => (e.ok ? null : e.error));
  const router = () => lab.info().routers[0]!;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sy-conn-'));
    core = await createCore({
      dataDir,
      transport: 'direct',
      log,
      knownHostsFiles: [],
      openSecrets: (db) => openNodeSecretStore(db, { passphrase: 'lab passphrase for tests', useKeyring: false }, log),
    });
    siteId = (await call<{ id: string }>('sites.create', { name: 'Lab' })).id;
  });
  afterAll(async () => {
    await core?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const addRouter = (name: string, extra: Record<string, unknown> = {}) =>
    call<{ id: string }>('routers.create', {
      siteId,
      name,
      host: router().ssh.host,
      port: router().ssh.port,
      username: router().ssh.user,
      auth: { kind: 'password', password: router().ssh.password },
      ...extra,
    });

  it('shows the unknown host key, trusts it, then connects and detects a Linux router with four uplinks', async () => {
    const { id } = await addRouter('Shop router');
    const first = await call<{ status: string; fingerprint: string; keyType: string }>('routers.testConnection', { id });
    expect(first).toEqual({ status: 'unknown-host-key', keyType: router().ssh.hostKeyType, fingerprint: router().ssh.hostKeyFingerprint });

    await call('routers.trustHostKey', { id, keyType: first.keyType, fingerprint: first.fingerprint });
    expect(await call('routers.testConnection', { id })).toMatchObject({ status: 'trusted', fingerprint: router().ssh.hostKeyFingerprint });

    const { detection, router: saved } = await call<{
      detection: { platform: string; uplinks: Array<{ name: string; device: string; kind: string; hasDefaultRoute: boolean; gateway?: string; gatewaySource?: string }>; ignoredInterfaces: Array<{ name: string; reason: string }> };
      router: { platform: string };
    }>('routers.detect', { id });
    expect(detection.platform).toBe('linux');
    expect(saved.platform).toBe('linux');
    const byDevice = Object.fromEntries(detection.uplinks.map((u) => [u.device, u]));
    // The LAN port (eth0, clients behind it) is not an uplink; each uplink's gateway is found.
    expect(Object.keys(byDevice).sort()).toEqual(['eth1', 'usb0', 'wlan0', 'wwan0']);
    expect(detection.ignoredInterfaces.find((i) => i.name === 'eth0')?.reason).toMatch(/^the LAN/);
    for (const wan of router().wans) expect(byDevice[wan.name], wan.name).toMatchObject({ gateway: wan.gateway });
    expect(byDevice.eth1!.gatewaySource).toBe('route');
    // Nothing on the router names the others' gateways: each answered a ping on its own link.
    for (const dev of ['wlan0', 'usb0', 'wwan0']) expect(byDevice[dev]!.gatewaySource, dev).toBe('answered');
    expect(detection.uplinks.filter((u) => u.hasDefaultRoute).map((u) => u.device)).toEqual(['eth1']);
    expect(byDevice.eth1).toMatchObject({ kind: 'ethernet', hasDefaultRoute: true });
    expect(byDevice.wlan0).toMatchObject({ kind: 'repeater' });
    expect(byDevice.usb0).toMatchObject({ kind: 'tethering' });
    expect(byDevice.wwan0).toMatchObject({ kind: 'cellular' });
  });

  it('refuses a changed host key, naming both fingerprints, until the user re-pins explicitly', async () => {
    const { id } = await addRouter('Re-keyed router');
    const other = 'SHA256:' + 'A'.repeat(43);
    await call('routers.trustHostKey', { id, keyType: 'ssh-ed25519', fingerprint: other });
    const error = await failure('routers.testConnection', { id });
    expect(error).toMatchObject({ code: 'host-key-mismatch' });
    expect(error!.message).toContain(other);
    expect(error!.message).toContain(router().ssh.hostKeyFingerprint);
    expect(await failure('routers.trustHostKey', { id, keyType: 'ssh-ed25519', fingerprint: router().ssh.hostKeyFingerprint })).toMatchObject({ code: 'conflict' });
    await call('routers.trustHostKey', { id, keyType: 'ssh-ed25519', fingerprint: router().ssh.hostKeyFingerprint, replace: true });
    expect(await call('routers.testConnection', { id })).toMatchObject({ status: 'trusted' });
  });

  it('gives each failure its own error, within seconds', async () => {
    const pinned = { keyType: router().ssh.hostKeyType, fingerprint: router().ssh.hostKeyFingerprint };
    const wrong = await addRouter('Wrong password', { auth: { kind: 'password', password: 'not-the-password' } });
    await call('routers.trustHostKey', { id: wrong.id, ...pinned });
    expect(await failure('routers.testConnection', { id: wrong.id })).toMatchObject({ code: 'auth-failed' });

    const closed = await addRouter('Closed port', { port: 2 });
    expect(await failure('routers.testConnection', { id: closed.id })).toMatchObject({ code: 'connection-refused' });

    const unknown = await addRouter('No such host', { host: 'no-such-router.invalid' });
    const started = Date.now();
    expect(await failure('routers.testConnection', { id: unknown.id })).toMatchObject({ code: expect.stringMatching(/host-unreachable|timeout/) });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('never writes the password to a log, an error or the database file', async () => {
    const password = router().ssh.password;
    expect(password.length).toBeGreaterThanOrEqual(8);
    const everything = [...log.lines];
    for (const file of readdirSync(dataDir)) everything.push(readFileSync(join(dataDir, file)).toString('latin1'));
    const exported = await call('inventory.export', {});
    everything.push(JSON.stringify(exported), JSON.stringify(await call('routers.list', {})));
    expect(everything.join('\n')).not.toContain(password);
  });
});
