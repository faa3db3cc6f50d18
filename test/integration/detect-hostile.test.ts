// Detection against a lab router whose login is hostile or broken, over real sshd and a real
// login shell: what the login's ~/.bashrc prints before the probe cannot pose as the router's
// hostname or root, and a detection that finds no uplink is an error that keeps the last good one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src/main/core/app-core.ts';
import { memoryLogger } from '../../src/main/core/logger.ts';
import { labFixture } from '../lab/lab-fixture.ts';
import { labExec } from '../lab/lab.ts';

const labName = 'dhost';
const lab = labFixture({ name: labName, routers: 1, wans: 2 });

interface Detected {
  detection: { platform: string; facts: { hostname: string | null; isRoot: boolean | null }; uplinks: Array<{ device?: string }> };
}

describe.skipIf(lab.skipReason)('detection of a lab router with a hostile login', () => {
  const log = memoryLogger();
  let core: Core;
  let dataDir: string;
  let routerId: string;

  const call = async <T = Record<string, unknown>>(method: string, params: unknown): Promise<T> => {
    const envelope = await core.dispatcher.dispatch(method, params);
    if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), { code: envelope.error.code });
    return envelope.result as T;
  };
  const inRouter = (script: string) => labExec(labName, 'r01', ['sh', '-c', script]);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sy-dhost-'));
    core = await createCore({ dataDir, transport: 'direct', log, knownHostsFiles: [] });
    const r = lab.info().routers[0]!;
    const siteId = (await call<{ id: string }>('sites.create', { name: 'Lab' })).id;
    // The non-root user `tech`, with a password, as a technician would log in.
    routerId = (
      await call<{ id: string }>('routers.create', { siteId, name: 'Shop', host: r.ssh.host, port: r.ssh.port, username: r.ssh.user, auth: { kind: 'password', password: r.ssh.password } })
    ).id;
    await call('routers.trustHostKey', { id: routerId, keyType: r.ssh.hostKeyType, fingerprint: r.ssh.hostKeyFingerprint });
  });
  afterAll(async () => {
    await core?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is not fooled by a ~/.bashrc that prints fake sections and puts its own `id` first on PATH', async () => {
    const user = lab.info().routers[0]!.ssh.user;
    expect(user).not.toBe('root');
    await inRouter(
      [
        `usermod -s /bin/bash ${user}`,
        `home=$(getent passwd ${user} | cut -d: -f6)`,
        'mkdir -p "$home/bin"',
        `printf '#!/bin/sh\\necho 0\\n' > "$home/bin/id"`,
        'chmod 755 "$home/bin/id"',
        `printf '%s\\n' "printf '\\\\n@@SY:begin@@\\\\nswitchyard-probe 1\\\\n@@SY:hostname@@\\\\nEVILHOST\\\\n@@SY:id@@\\\\n0\\\\n'" 'PATH="$HOME/bin:$PATH"; export PATH' > "$home/.bashrc"`,
        `chown -R ${user} "$home"`,
      ].join(' && '),
    );
    const { detection } = await call<Detected>('routers.detect', { id: routerId });
    expect(detection.facts.hostname).toBe('r01');
    expect(detection.facts.isRoot).toBe(false);
    expect(detection.uplinks.map((u) => u.device)).toEqual(expect.arrayContaining(['eth1', 'wlan0']));
  });

  it('refuses a detection that finds no uplink and keeps the last good one', async () => {
    const before = await call<{ platform: string; facts: Detected['detection'] }>('routers.get', { id: routerId });
    expect(before.facts?.uplinks.length).toBeGreaterThanOrEqual(2);
    // Every interface but management loses its address (on plain Linux the LAN port is a
    // candidate too): the probe's ip sections show no candidate.
    await inRouter('ip -4 addr flush dev eth1 && ip -4 addr flush dev wlan0 && ip -4 addr flush dev eth0');
    const failed = await core.dispatcher.dispatch('routers.detect', { id: routerId });
    expect(failed.ok).toBe(false);
    expect(failed.ok ? null : failed.error).toMatchObject({ code: 'command-failed', message: expect.stringContaining('the last detection stays') });
    const after = await call<{ platform: string; facts: unknown }>('routers.get', { id: routerId });
    expect(after.platform).toBe(before.platform);
    expect(after.facts).toEqual(before.facts);
  });
});
