// The failover cycle from a terminal against a lab router: enable writes a draft and says what
// is missing, apply --file refuses an incomplete one and applies a complete one with the revert
// timer, confirm keeps it, force moves traffic, remove restores the router.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RouterStatus } from '../../src/shared/failover-schemas.ts';
import type { FailoverPolicy } from '../../src/shared/model.ts';
import { isProbed } from '../helpers/lab-router.ts';
import { labFixture } from '../lab/lab-fixture.ts';
import { busyDeadlineMs } from '../lab/wait-until.ts';

const lab = labFixture({ name: 'clifo', routers: 1, wans: 2 });
const bin = resolve(import.meta.dirname, '../../bin/switchyard');
const dir = mkdtempSync(join(tmpdir(), 'sy-clifo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function switchyard(...args: string[]) {
  const result = spawnSync(bin, [...args, '--data-dir', join(dir, 'data')], { encoding: 'utf8', env: { ...process.env, SWITCHYARD_NO_KEYRING: '1' }, timeout: 3 * busyDeadlineMs });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/**
 * `failover status` once the router's probes have answered (isProbed): right after an apply the
 * agent calls every uplink online before any probe answered, and with the default 0.4 s probe
 * timeout a first reply late on a loaded machine shows eth1 `disconnecting` a moment later.
 */
function probedStatusText(router: string): string {
  const deadlineMs = Date.now() + busyDeadlineMs;
  while (Date.now() < deadlineMs && !isProbed(JSON.parse(switchyard('failover', 'status', router, '--json').out) as RouterStatus, 'eth1'));
  return switchyard('failover', 'status', router).out;
}

// A whole enable → remove cycle over several CLI processes: minutes on a loaded 2-core machine.
describe.skipIf(lab.skipReason)('switchyard failover … against the lab', { timeout: 10 * busyDeadlineMs }, () => {
  it('enables, applies, confirms, forces and removes', () => {
    const r = lab.info().routers[0]!;
    const site = JSON.parse(switchyard('sites', 'add', 'Lab', '--json').out) as { id: string };
    const router = JSON.parse(switchyard('routers', 'add', site.id, 'shop', r.ssh.host, '--user', 'root', '--key', r.ssh.rootKeyPath, '--json').out) as { id: string };
    expect(switchyard('routers', 'trust', 'shop', '--fingerprint', r.ssh.hostKeyFingerprint).code).toBe(0);
    expect(switchyard('routers', 'detect', 'shop').code).toBe(0);

    const file = join(dir, 'policy.json');
    const draft = switchyard('failover', 'enable', 'shop', '--out', file);
    expect(draft.code).toBe(0);
    expect(draft.out).toMatch(/Before it can be applied:[\s\S]*needs at least one target/);
    expect(switchyard('failover', 'apply', 'shop', '--file', file).out).toMatch(/Nothing was applied/);

    const policy = JSON.parse(readFileSync(file, 'utf8')) as FailoverPolicy;
    const targets = lab.info().probeTargets.icmp;
    const complete: FailoverPolicy = {
      ...policy,
      wans: policy.wans.map((w, i) => ({ ...w, gateway: r.wans.find((x) => x.name === w.device)!.gateway, tracking: { ...w.tracking, targets: [targets[i]!] } })),
    };
    writeFileSync(file, JSON.stringify(complete));
    const applied = switchyard('failover', 'apply', 'shop', '--file', file, '--confirm');
    expect(applied.code).toBe(0);
    expect(applied.out).toMatch(/Verified: eth1 carries the traffic/);
    expect(applied.out).toMatch(/Confirmed/);

    expect(probedStatusText('shop')).toMatch(/\* eth1\s+online/);
    expect(switchyard('failover', 'force', 'shop', 'wlan0').out).toMatch(/forced onto wlan0[\s\S]*\* wlan0/);
    expect(switchyard('failover', 'force', 'shop', 'auto').out).not.toMatch(/forced onto/);
    // Remove shows its plan and changes nothing until --yes.
    const preview = switchyard('failover', 'remove', router.id).out;
    expect(preview).toMatch(/Remove changes on the router:[\s\S]*Nothing was removed/);
    expect(probedStatusText('shop')).toMatch(/\* eth1\s+online/);
    expect(switchyard('failover', 'remove', router.id, '--yes').out).toMatch(/back as it was/);
    expect(switchyard('failover', 'status', 'shop').out).toMatch(/not enabled/);

    // Issue 11: no monitor ever ran, yet the history has what the router did, each kind as it was,
    // and the remove is a remove (it was recorded as an apply).
    const csv = switchyard('history', 'export', 'shop', '--what', 'events', '--hours', '1').out;
    expect(csv).toMatch(/,force,.*wlan0/);
    expect(csv).toMatch(/,switch,.*Traffic moved from eth1 to wlan0/);
    expect(csv).toMatch(/,auto,/);
    expect(csv).toMatch(/,remove,.*Removed Switchyard failover/);
    expect(csv).not.toMatch(/,apply,.*Removed/);
  });

  it('refuses a policy file that is not valid, saying where', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ mode: 'sideways', wans: [] }));
    const result = switchyard('failover', 'apply', 'shop', '--file', file);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/not a valid policy: mode/);
  });
});
