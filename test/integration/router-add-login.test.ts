// Adding a router logs in to it once. The add dialog tests the connection with the details as
// entered (routers.testNewConnection), saves the router (routers.create) and detects it at once
// (routers.detect): the login the test made is the new router's, so detection needs no second SSH
// handshake and login. Only a login made with exactly the details saved is taken over; with any
// other the test's connection is closed and the saved details log in on their own.
// Real lab router, real sshd; the core's SSH connect only counts the logins that succeed.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core/app-core.ts';
import { connectSsh, type SshConnection } from '../../src/main/core/transport/ssh/ssh-connection.ts';
import { contractCaller, openLabCore, type LabCore } from '../helpers/lab-router.ts';
import { labFixture } from '../lab/lab-fixture.ts';
import { busyDeadlineMs } from '../lab/wait-until.ts';

const lab = labFixture({ name: 'radd', routers: 1, wans: 1 });

describe.skipIf(lab.skipReason)('adding a lab router', { timeout: 3 * busyDeadlineMs }, () => {
  let labCore: LabCore | undefined;
  let core: Core;
  let keyDir: string;
  const logins: SshConnection[] = [];
  const { call } = contractCaller(() => core);

  beforeAll(async () => {
    keyDir = mkdtempSync(join(tmpdir(), 'sy-radd-key-'));
    labCore = await openLabCore('sy-radd-', {
      sshConnect: async (options) => {
        const conn = await connectSsh(options);
        logins.push(conn);
        return conn;
      },
    });
    core = labCore.core;
  });
  afterAll(async () => {
    await labCore?.close();
    rmSync(keyDir, { recursive: true, force: true });
  });

  /** The add dialog's steps: test (the key unknown, then trusted), save, detect. */
  async function addAsTheDialogDoes(name: string, keyPathAtSave?: string): Promise<{ platform: string }> {
    const r = lab.info().routers[0]!;
    const site = await call<{ id: string }>('sites.create', { name: `Site of ${name}` });
    const input = { siteId: site.id, name, host: r.ssh.host, port: r.ssh.port, username: 'root', auth: { kind: 'key', keyPath: r.ssh.rootKeyPath } };
    expect(await call('routers.testNewConnection', input)).toMatchObject({ status: 'unknown-host-key', fingerprint: r.ssh.hostKeyFingerprint });
    const hostKey = { keyType: r.ssh.hostKeyType, fingerprint: r.ssh.hostKeyFingerprint };
    expect(await call('routers.testNewConnection', { ...input, hostKey })).toMatchObject({ status: 'trusted' });
    const saved = await call<{ id: string }>('routers.create', { ...input, hostKey, ...(keyPathAtSave && { auth: { kind: 'key', keyPath: keyPathAtSave } }) });
    const { router } = await call<{ router: { platform: string } }>('routers.detect', { id: saved.id });
    return router;
  }

  it('logs in once: detection right after saving uses the connection the test made', async () => {
    const before = logins.length;
    expect(await addAsTheDialogDoes('Shop router')).toMatchObject({ platform: 'linux' });
    expect(logins.length - before).toBe(1);
  });

  it('logs in again when the details saved are not the ones tested, and closes the tested connection', async () => {
    const otherKeyPath = join(keyDir, 'id_other');
    copyFileSync(lab.info().routers[0]!.ssh.rootKeyPath, otherKeyPath);
    const before = logins.length;
    expect(await addAsTheDialogDoes('Back office', otherKeyPath)).toMatchObject({ platform: 'linux' });
    const made = logins.slice(before);
    expect(made).toHaveLength(2);
    expect(made[0]!.state).toBe('closed');
  });

  it('detects a router saved but never detected when its status is first asked for (the sites page\'s health)', async () => {
    const r = lab.info().routers[0]!;
    const site = await call<{ id: string }>('sites.create', { name: 'Site of an undetected router' });
    const hostKey = { keyType: r.ssh.hostKeyType, fingerprint: r.ssh.hostKeyFingerprint };
    const saved = await call<{ id: string; platform: string | null }>('routers.create', { siteId: site.id, name: 'Never detected', host: r.ssh.host, port: r.ssh.port, username: 'root', auth: { kind: 'key', keyPath: r.ssh.rootKeyPath }, hostKey });
    expect(saved.platform).toBeNull();
    // Two pages asking at once (they share the one detection).
    const [a, b] = await Promise.all([call<{ enabled: boolean }>('failover.status', { routerId: saved.id }), call<{ enabled: boolean }>('failover.status', { routerId: saved.id })]);
    expect(a).toMatchObject({ enabled: false });
    expect(b).toMatchObject({ enabled: false });
    expect(await call('routers.get', { id: saved.id })).toMatchObject({ platform: 'linux' });
  });

  it('closes the tested login when the user leaves the dialog without saving', async () => {
    const r = lab.info().routers[0]!;
    const site = await call<{ id: string }>('sites.create', { name: 'Site of a cancelled add' });
    const input = { siteId: site.id, name: 'Not added', host: r.ssh.host, port: r.ssh.port, username: 'root', auth: { kind: 'key', keyPath: r.ssh.rootKeyPath } };
    const before = logins.length;
    expect(await call('routers.testNewConnection', { ...input, hostKey: { keyType: r.ssh.hostKeyType, fingerprint: r.ssh.hostKeyFingerprint } })).toMatchObject({ status: 'trusted' });
    const tested = logins.slice(before);
    expect(tested).toHaveLength(1);
    expect(tested[0]!.state).not.toBe('closed');
    expect(await call('routers.dropTestedConnection', {})).toEqual({ closed: true });
    expect(tested[0]!.state).toBe('closed');
    // Nothing left to close the second time (the dialog may be closed after a save took it over).
    expect(await call('routers.dropTestedConnection', {})).toEqual({ closed: false });
  });
});
