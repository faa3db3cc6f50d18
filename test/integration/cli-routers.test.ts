// The real `switchyard` command against a lab router: add with the password on stdin, see the
// host key, trust it by fingerprint, detect; and clear errors with their exit codes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labFixture } from '../lab/lab-fixture.ts';
import { busyDeadlineMs } from '../lab/wait-until.ts';

const lab = labFixture({ name: 'cli', routers: 1, wans: 2 });
const bin = resolve(import.meta.dirname, '../../bin/switchyard');
const dataDir = mkdtempSync(join(tmpdir(), 'sy-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function switchyard(args: string[], input = '') {
  const result = spawnSync(bin, [...args, '--data-dir', dataDir], { input, encoding: 'utf8', env: { ...process.env, SWITCHYARD_NO_KEYRING: '1', SWITCHYARD_PASSPHRASE: 'cli test passphrase' }, timeout: 3 * busyDeadlineMs });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

// Each CLI run is a Node start and an SSH session: seconds each on a loaded 2-core machine.
describe.skipIf(lab.skipReason)('switchyard routers … against the lab', { timeout: 10 * busyDeadlineMs }, () => {
  it('adds, trusts by fingerprint and detects a router', () => {
    const r = lab.info().routers[0]!;
    const site = JSON.parse(switchyard(['sites', 'add', 'Lab', '--json']).out) as { id: string };
    const added = switchyard(['routers', 'add', site.id, 'Shop', r.ssh.host, '--port', String(r.ssh.port), '--user', r.ssh.user, '--password-stdin', '--json'], `${r.ssh.password}\n`);
    expect(added.code).toBe(0);
    const { id } = JSON.parse(added.out) as { id: string };

    const offered = switchyard(['routers', 'trust', id]);
    expect(offered.code).toBe(0);
    expect(offered.out).toContain(r.ssh.hostKeyFingerprint);
    expect(offered.out).toContain('--fingerprint');

    const wrong = switchyard(['routers', 'trust', id, '--fingerprint', `SHA256:${'B'.repeat(43)}`]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('Check you are talking to the right router');

    expect(switchyard(['routers', 'trust', id, '--fingerprint', r.ssh.hostKeyFingerprint]).out).toContain('Pinned');
    const detected = switchyard(['routers', 'detect', id]);
    expect(detected.code).toBe(0);
    expect(detected.out).toMatch(/linux/);
    expect(detected.out).toMatch(/eth1\s+ethernet.*\(default route\)/);
    expect(detected.out).toMatch(/wlan0\s+repeater/);
  });

  it('needs the password on stdin (exit 2 without it) and reports a wrong one with exit 1', () => {
    const site = JSON.parse(switchyard(['sites', 'add', 'Lab 2', '--json']).out) as { id: string };
    const r = lab.info().routers[0]!;
    expect(switchyard(['routers', 'add', site.id, 'X', r.ssh.host, '--user', 'tech', '--password-stdin'], '').code).toBe(2);
    const added = JSON.parse(switchyard(['routers', 'add', site.id, 'X', r.ssh.host, '--port', String(r.ssh.port), '--user', r.ssh.user, '--password-stdin', '--json'], 'wrong-password').out) as { id: string };
    switchyard(['routers', 'trust', added.id, '--fingerprint', r.ssh.hostKeyFingerprint]);
    const refused = switchyard(['routers', 'trust', added.id, '--fingerprint', r.ssh.hostKeyFingerprint]);
    const detect = switchyard(['routers', 'detect', added.id, '--json']);
    expect(detect.code).toBe(1);
    expect(JSON.parse(detect.out)).toMatchObject({ error: { code: 'auth-failed' } });
    expect(refused.code).toBe(1);
  });
});
