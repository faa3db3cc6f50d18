// The openwrt-mwan3 driver replayed against recorded router output (napalm's mocked_data): real
// captures from the 19.07 + mwan3 2.12.2 lab unless a line says otherwise. Apply/commit are
// golden tests of the exact commands and scripts sent.
import { describe, expect, it } from 'vitest';
import type { SwitchyardError } from '../../../../shared/errors.ts';
import type { FailoverPolicy, Wan } from '../../../../shared/model.ts';
import { md5sumLine, readPendingCommand, confirmScript, rollbackScript, stageFileCommand, stageOwnFileCommand, stagedExportCommand, discardStageCommand } from './mwan3-apply-script.ts';
import { normalizeMwan3Policy, policyToMwan3 } from './mwan3-policy-map.ts';
import { createOpenwrtMwan3Driver, detectOpenwrtMwan3, hookTextFor, mwan3Commands, type OpenwrtMwan3Facts } from './openwrt-mwan3-driver.ts';
import { conntrackHookSeedCommand } from './mwan3-conntrack-hook.ts';
import { createReplayShell, recorded, recordedFile, type Recording, type ReplayMap } from './replay-shell.ts';
import { createStagingShell, outsideSwitchyard } from './staging-replay.ts';
import { community, lab, readFixture } from './test-fixtures.ts';
import { applyUciBatchOps } from './uci/uci-batch.ts';
import { parseUciConfigFile, parseUciExport, parseUciShow } from './uci/uci-parse.ts';
import { serializeUciConfigFile, serializeUciExport } from './uci/uci-serialize.ts';

const L = (stem: string): Recording => recorded(lab, stem);
const fileOf = (exportText: string): string => exportText.replace(/^package mwan3\n/, '');
const labNetworkFile = serializeUciConfigFile(parseUciShow(readFixture(lab, 'a_both_online__uci-show-network.txt'), 'network'));
const ok = (stdout = ''): Recording => ({ stdout, exitCode: 0 });
// Synthetic: BusyBox cat's message for a missing file (the driver only looks at the exit code).
const noFile = (path: string): Recording => ({ stdout: '', stderr: `cat: can't open '${path}': No such file or directory\n`, exitCode: 1 });

const labFacts: OpenwrtMwan3Facts = { mwan3Installed: true, supportsUse: true, hasHttping: false, hasArping: false, hasConntrack: false };

/** The recorded state-a router; `extra` overrides or adds commands. */
function labRouter(state = 'a_both_online', extra: Record<string, Recording | readonly Recording[]> = {}): ReplayMap {
  return {
    [mwan3Commands.help.text]: L('common__mwan3-no-args-help'),
    [mwan3Commands.whichTools.text]: L('common__which-httping-arping'),
    // Derived: that router's `opkg list-installed` (recorded) has no conntrack package, and BusyBox
    // which prints nothing and exits 1 for a missing tool (as the recorded `which httping arping`).
    [mwan3Commands.whichConntrack.text]: { stdout: '', exitCode: 1 },
    // Switchyard's hook is not on the recorded router.
    [mwan3Commands.catHook.text]: noFile('/etc/hotplug.d/iface/19-switchyard-conntrack'),
    [mwan3Commands.exportMwan3.text]: L('a_both_online__uci-export-mwan3'),
    [mwan3Commands.changesMwan3.text]: L('uci_edit__uci-changes-mwan3-after-commit'),
    // Derived: the committed files are `uci export` without its package line (uci commit writes that
    // format); the network file is the recorded `uci show network` written out the same way.
    [mwan3Commands.catMwan3.text]: ok(fileOf(L('a_both_online__uci-export-mwan3').stdout)),
    [mwan3Commands.catNetwork.text]: ok(labNetworkFile),
    [mwan3Commands.networkDump.text]: L(`${state === 'e_mwan3_stopped' || state === 'd_wan_ifdown' ? state : 'a_both_online'}__ubus-call-network.interface-dump`),
    // Recorded without arguments: ubus answers "Command failed: Not found" (rc 4) for a missing
    // object before it looks at the message, so the reply is the same with {"section":…}.
    [mwan3Commands.ubusInterfaces.text]: L('common__ubus-call-mwan3-status'),
    [mwan3Commands.textInterfaces.text]: L(`${state}__mwan3-interfaces`),
    [readPendingCommand().text]: noFile('/etc/switchyard/pending/armed'),
    ...extra,
  };
}

const tracking = (targets: string[], extra: Partial<Wan['tracking']> = {}): Wan['tracking'] => ({
  method: 'ping', targets, reliability: 1, intervalSec: 5, timeoutSec: 2, downCount: 3, upCount: 3, failureIntervalSec: 2, ...extra,
});
const desired: FailoverPolicy = {
  mode: 'failover',
  forcedRefreshStreams: true,
  wans: [
    { name: 'wan', device: 'eth1', kind: 'ethernet', gateway: '192.0.2.1', priority: 1, weight: 1, enabled: true, tracking: tracking(['192.0.2.1', '192.0.2.254']) },
    { name: 'wanb', device: 'eth2', kind: 'ethernet', gateway: '198.51.100.1', priority: 2, weight: 1, enabled: true, tracking: tracking(['198.51.100.1']) },
  ],
};
const labExport = readFixture(lab, 'a_both_online__uci-export-mwan3.txt');
/** Derived: the config this driver writes for `desired` on the recorded router (our serializer, checked byte for byte against real exports). */
const managedExport = serializeUciExport(policyToMwan3(parseUciExport(labExport, 'mwan3'), normalizeMwan3Policy(desired)).after);
const managed = (extra: Record<string, Recording | readonly Recording[]> = {}, state = 'a_both_online'): ReplayMap =>
  labRouter(state, { [mwan3Commands.exportMwan3.text]: ok(managedExport), [mwan3Commands.catMwan3.text]: ok(fileOf(managedExport)), [mwan3Commands.catHook.text]: ok(hookTextFor(normalizeMwan3Policy(desired))), ...extra });

/** Own scripts print nothing on success (synthetic: the exit code is what the driver reads). */
const installOk = { label: '<install script>', startsWith: "{ trap '' HUP; }", reply: ok() } as const;
const removeOk = (exitCode: number) => ({ label: '<remove script>', startsWith: '{ [ -e /etc/switchyard/mwan3.orig ]', reply: { stdout: '', exitCode } }) as const;

const rejects = async (p: Promise<unknown>): Promise<SwitchyardError> => {
  try {
    await p;
  } catch (e) {
    return e as SwitchyardError;
  }
  throw new Error('expected a rejection');
};

describe('detect', () => {
  it('finds mwan3 with `mwan3 use` (2.10+) and no httping/arping on the lab router', async () => {
    expect(await detectOpenwrtMwan3(createReplayShell(labRouter()))).toEqual(labFacts);
  });

  it('says plainly when mwan3 is missing and how to install it', async () => {
    // Synthetic: ash's reply for an unknown command (exit 127 is what the driver checks).
    const shell = createReplayShell(labRouter('a_both_online', { [mwan3Commands.help.text]: { stdout: '', stderr: '/bin/ash: mwan3: not found\n', exitCode: 127 } }));
    const facts = await detectOpenwrtMwan3(shell);
    expect(facts.mwan3Installed).toBe(false);
    const driver = createOpenwrtMwan3Driver(shell, { facts });
    expect(driver.capabilities.readOnly).toBe(true);
    const err = await rejects(driver.readPolicy());
    expect(err.code).toBe('unsupported');
    expect(err.message).toContain('opkg update && opkg install mwan3');
    // Uplinks can still be listed for the "install mwan3" screen.
    expect((await driver.readWans()).map((w) => w.name)).toEqual(['wan', 'wanb']);
  });
});

describe('readWans', () => {
  it('lists interfaces with a default route: device from l3_device, gateway from its nexthop', async () => {
    const driver = createOpenwrtMwan3Driver(createReplayShell(labRouter()), { facts: labFacts });
    expect(await driver.readWans()).toEqual([
      { name: 'wan', device: 'eth1', kind: 'ethernet', address: '192.0.2.2', prefixLen: 24, gateway: '192.0.2.1', metric: 10, hasDefaultRoute: true },
      { name: 'wanb', device: 'eth2', kind: 'ethernet', address: '198.51.100.2', prefixLen: 24, gateway: '198.51.100.1', metric: 20, hasDefaultRoute: true },
    ]);
  });
});

describe('readPolicy', () => {
  it('is null on a router whose mwan3 Switchyard does not manage (the recorded config)', async () => {
    expect(await createOpenwrtMwan3Driver(createReplayShell(labRouter()), { facts: labFacts }).readPolicy()).toBeNull();
  });

  it('reads back the policy it applied, with devices and gateways from netifd', async () => {
    const policy = await createOpenwrtMwan3Driver(createReplayShell(managed()), { facts: labFacts }).readPolicy();
    expect(policy).toEqual(normalizeMwan3Policy(desired));
  });
});

describe('readStatus over every recorded state (mwan3 interfaces text; this router has no ubus mwan3 object)', () => {
  const cases: [string, string, string][] = [
    ['a_both_online', 'online', 'online'],
    ['b_wan_offline', 'offline', 'online'],
    ['c_wan_connecting', 'connecting', 'online'],
    ['d_wan_ifdown', 'disabled', 'online'],
    ['e_mwan3_stopped', 'unknown', 'unknown'],
  ];
  for (const [state, wan, wanb] of cases) {
    it(`${state}: wan ${wan}, wanb ${wanb}`, async () => {
      const shell = createReplayShell(labRouter(state));
      const status = await createOpenwrtMwan3Driver(shell, { facts: labFacts }).readStatus();
      expect(status).toEqual({
        enabled: false, mode: null, forced: 'auto', pendingRevertAtMs: null, events: [],
        wans: [
          { wan: 'wan', state: wan, active: false, targets: [] },
          { wan: 'wanb', state: wanb, active: false, targets: [] },
        ],
      });
    });
  }

  it('reads the pre-2.11.12 line format (captured from issue 13145, a 19.07 / 2.8 router)', async () => {
    // That capture is `mwan3 status`, whose first block is exactly what `mwan3 interfaces` prints.
    const shell = createReplayShell(managed({ [mwan3Commands.textInterfaces.text]: recordedFile(community, 'mwan3-status_2.8-era_issue13145.txt') }));
    const status = await createOpenwrtMwan3Driver(shell, { facts: labFacts }).readStatus();
    expect(status.wans).toEqual([
      { wan: 'wan', state: 'online', active: true, targets: [] },
      { wan: 'wanb', state: 'online', active: false, targets: [] },
    ]);
  });

  it('asks ubus once, then keeps to the text report', async () => {
    const shell = createReplayShell(labRouter());
    const driver = createOpenwrtMwan3Driver(shell, { facts: labFacts });
    await driver.readStatus();
    await driver.readStatus();
    expect(shell.calls.filter((c) => c.command === mwan3Commands.ubusInterfaces.text)).toHaveLength(1);
    expect(shell.calls.filter((c) => c.command === mwan3Commands.textInterfaces.text)).toHaveLength(2);
  });

  it('marks the uplink mwan3 uses: the online member with the lowest metric', async () => {
    const a = await createOpenwrtMwan3Driver(createReplayShell(managed()), { facts: labFacts }).readStatus();
    expect(a).toMatchObject({ enabled: true, mode: 'failover', forced: 'auto', wans: [{ wan: 'wan', active: true }, { wan: 'wanb', active: false }] });
    const b = await createOpenwrtMwan3Driver(createReplayShell(managed({}, 'b_wan_offline')), { facts: labFacts }).readStatus();
    expect(b.wans.map((w) => [w.wan, w.state, w.active])).toEqual([['wan', 'offline', false], ['wanb', 'online', true]]);
  });

  it('reads ubus status where the router has it (synthetic 2.12 ucode shape) with scores and targets', async () => {
    const shell = createReplayShell(managed({ [mwan3Commands.ubusInterfaces.text]: recordedFile(community, 'synthetic_ubus-mwan3-status_2.12-ucode.json') }));
    const status = await createOpenwrtMwan3Driver(shell, { facts: labFacts }).readStatus();
    expect(status.wans[0]).toEqual({
      wan: 'wan', state: 'online', active: true, score: 10,
      targets: [
        // `skipped`: not asked because reliability was already met — answering, not down.
        { target: '1.0.0.1', up: true }, { target: '1.1.1.1', up: true }, { target: '208.67.222.222', up: true }, { target: '208.67.220.220', up: true },
      ],
    });
    expect(status.wans[1]).toMatchObject({ wan: 'wanb', state: 'offline', active: false, score: 0 });
    expect(shell.calls.some((c) => c.command === mwan3Commands.textInterfaces.text)).toBe(false);
  });

  it('reads the 19.07-era ubus reply posted in issue 14485 (captured)', async () => {
    const shell = createReplayShell(labRouter('a_both_online', { [mwan3Commands.ubusInterfaces.text]: recordedFile(community, 'ubus-mwan3-status_2.8-era_wan-only_issue14485.json') }));
    const status = await createOpenwrtMwan3Driver(shell, { facts: labFacts }).readStatus();
    expect(status.wans).toEqual([
      { wan: 'wan', state: 'online', active: false, score: 6, targets: [
        { target: '119.29.29.29', up: true }, { target: '180.76.76.76', up: true }, { target: '223.5.5.5', up: true }, { target: '223.6.6.6', up: true },
      ] },
      { wan: 'wanb', state: 'unknown', active: false, targets: [] },
    ]);
  });

  it('shows a pending revert and a forced uplink', async () => {
    const forcedExport = serializeUciExport(policyToMwan3(parseUciExport(managedExport, 'mwan3'), normalizeMwan3Policy(desired), { forcedWan: 'wanb' }).after);
    const shell = createReplayShell(labRouter('a_both_online', {
      [mwan3Commands.exportMwan3.text]: ok(forcedExport),
      // Synthetic: the marker file the install script writes.
      [readPendingCommand().text]: ok('token=00112233aabbccdd\nrevert_at_ms=1800000000000\n'),
    }));
    const status = await createOpenwrtMwan3Driver(shell, { facts: labFacts }).readStatus();
    expect(status).toMatchObject({ forced: 'wanb', pendingRevertAtMs: 1_800_000_000_000, wans: [{ wan: 'wan', active: false }, { wan: 'wanb', active: true }] });
  });
});

describe('plan', () => {
  it('plans the policy as a file diff tied to the file it read', async () => {
    const plan = await createOpenwrtMwan3Driver(createReplayShell(labRouter()), { facts: labFacts }).plan(desired);
    expect(plan.problems).toEqual([]);
    expect(plan.policy).toEqual(normalizeMwan3Policy(desired));
    expect(plan.changes).toEqual([
      { kind: 'add', subject: 'Failover managed by Switchyard (failover)', to: 'wan → wanb' },
      // The recorded config's https rule (not sticky there) would take HTTPS past the user's order (issue 16 item 8).
      { kind: 'change', subject: 'Router rule "https" (TCP to port 443 → mwan3 policy "balanced")', from: "ahead of Switchyard's rule", to: "Switchyard's rule placed above it: that traffic follows your uplink order" },
      { kind: 'add', subject: "Connection clearing on failover (Switchyard's hook /etc/hotplug.d/iface/19-switchyard-conntrack)", to: expect.stringContaining("only a failed uplink's connections are cleared (IPv4 and IPv6, NATed to its address or routed under the mark mwan3 gives it)") },
    ]);
    expect(plan.nativeDiff).toContain("+\toption last_resort 'default'");
    expect(plan.nativeDiff).toContain('+++ /etc/hotplug.d/iface/19-switchyard-conntrack');
    expect(plan.nativeDiff).toContain('--- /etc/config/mwan3');
    expect(plan.nativeDiff).toContain('mwan3.sy_default: new rule section');
    expect(plan.nativeDiff).toContain(`# switchyard-base mwan3 md5=${md5sumLine(fileOf(labExport)).slice(0, 32)}`);
    // wan: interval 5 + 3 × (2 targets × 2 s) + 2 × 2 = 21 s to detect, ≤ 1 s for mwan3 to react.
    expect(plan.predictedFailoverSec).toBe(22);
    expect(plan.predictedFailoverParts!.map((p) => p.sec)).toEqual([5, 12, 4, 1]);
  });

  it('says that mwan3 cannot hold a flapping uplink down, with each return as the recorded router will count it, and writes nothing for it (issue 17 item 15)', async () => {
    const plan = await createOpenwrtMwan3Driver(createReplayShell(labRouter()), { facts: labFacts }).plan(desired);
    // The recorded config keeps its own recovery_interval of 3 s on wan; wanb's follows its interval (5 s).
    const flap = plan.notes?.find((n) => n.startsWith('Flap dampening'));
    expect(flap).toBe(
      'Flap dampening (after 3 failures of an uplink within 2 min, keep traffic off it for 60 s) cannot be set on mwan3: it has no hold-down, so a flapping uplink is taken back at every recovery (wan after 3 good rounds 3 s apart, ≈ 9 s; wanb after 3 good rounds 5 s apart, ≈ 15 s). ' +
        "Raising an uplink's 'up after' (mwan3's up) or its recovery_interval makes every return slower, not only a flapping link's, so Switchyard leaves them as set; each return moves connections only with Forced Refresh Streams on.",
    );
    expect(plan.nativeDiff).not.toMatch(/dampen|hold/i);
    const off = await createOpenwrtMwan3Driver(createReplayShell(labRouter()), { facts: labFacts }).plan({ ...desired, dampening: { enabled: false, flaps: 3, windowSec: 120, holdSec: 60 } });
    expect(off.notes ?? []).toEqual(plan.notes?.filter((n) => n !== flap));
    expect(off.nativeDiff.replace(/^# switchyard-base.*$/gm, '')).toBe(plan.nativeDiff.replace(/^# switchyard-base.*$/gm, ''));
  });

  it('plans nothing when the router already has the policy', async () => {
    const plan = await createOpenwrtMwan3Driver(createReplayShell(managed()), { facts: labFacts }).plan(desired);
    expect(plan.changes).toEqual([]);
    expect(plan.nativeDiff.startsWith('# no change')).toBe(true);
  });

  it('describes a change in the user’s words', async () => {
    const plan = await createOpenwrtMwan3Driver(createReplayShell(managed()), { facts: labFacts }).plan({ ...desired, wans: [desired.wans[0]!, { ...desired.wans[1]!, weight: 3, tracking: tracking(['198.51.100.1'], { downCount: 5 }) }] });
    expect(plan.changes).toEqual([
      { kind: 'change', subject: 'wanb (eth2) weight', from: '1', to: '3' },
      { kind: 'change', subject: 'wanb (eth2) failed checks before offline', from: '3', to: '5' },
    ]);
  });

  it('switching to Load Balance says the shares, not a priority change both uplinks never get (issue 16 item 7)', async () => {
    const plan = await createOpenwrtMwan3Driver(createReplayShell(managed()), { facts: labFacts }).plan({ ...desired, mode: 'balance', wans: [{ ...desired.wans[0]!, weight: 3 }, desired.wans[1]!] });
    expect(plan.changes).toEqual([
      { kind: 'change', subject: 'Mode', from: 'failover', to: 'balance' },
      { kind: 'change', subject: 'Forced Refresh Streams', from: 'true', to: 'false' },
      { kind: 'change', subject: 'wan (eth1) weight', from: '1', to: '3' },
      { kind: 'change', subject: 'Share of new connections (Load Balance)', to: 'wan 3/4 (75 %), wanb 1/4 (25 %)' },
      // The hook's table (one metric for both) and Forced Refresh Streams off.
      { kind: 'change', subject: 'Connection clearing on failover (/etc/hotplug.d/iface/19-switchyard-conntrack)', to: expect.stringContaining('(Forced Refresh Streams off)') },
    ]);
  });

  it('refuses bad input with problems instead of throwing', async () => {
    const driver = createOpenwrtMwan3Driver(createReplayShell(labRouter()), { facts: labFacts });
    const plan = await driver.plan({ ...desired, wans: [{ ...desired.wans[0]!, name: 'wan-lte' }, { ...desired.wans[1]!, name: 'wwan' }] });
    expect(plan.problems).toEqual([
      expect.stringContaining('"wan-lte" contains "-"'),
      expect.stringContaining('Uplink "wan-lte" is not an interface in /etc/config/network'),
      expect.stringContaining('Uplink "wwan" is not an interface in /etc/config/network (known: lan, wan, wanb)'),
    ]);
    await expect(driver.commit(plan, { revertInSec: 60 })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('refuses a tracking tool the router lacks (recorded: which httping arping finds neither)', async () => {
    const plan = await createOpenwrtMwan3Driver(createReplayShell(labRouter()), { facts: labFacts }).plan({ ...desired, wans: [{ ...desired.wans[0]!, tracking: tracking(['192.0.2.1'], { method: 'httping' }) }, desired.wans[1]!] });
    expect(plan.problems).toEqual([expect.stringContaining('tracks with httping, which is not installed on the router')]);
  });

  it('refuses while LuCI or uci set left changes in /tmp/.uci (recorded pending changes)', async () => {
    const shell = createReplayShell(labRouter('a_both_online', { [mwan3Commands.changesMwan3.text]: L('uci_edit__uci-changes-mwan3-pending') }));
    const plan = await createOpenwrtMwan3Driver(shell, { facts: labFacts }).plan(desired);
    expect(plan.problems).toEqual([expect.stringContaining("mwan3.wanb.interval='10', mwan3.wan.track_ip-='192.0.2.254'")]);
  });

  it('offers the unique-metric fix when two uplinks share a metric in /etc/config/network', async () => {
    // Derived: the recorded network config with wanb's metric set to wan's.
    const network = applyUciBatchOps(parseUciShow(readFixture(lab, 'a_both_online__uci-show-network.txt'), 'network'), [{ kind: 'set-option', package: 'network', section: 'wanb', option: 'metric', value: '10' }]);
    const shell = createReplayShell(labRouter('a_both_online', { [mwan3Commands.catNetwork.text]: ok(serializeUciConfigFile(network)) }));
    const plan = await createOpenwrtMwan3Driver(shell, { facts: labFacts }).plan(desired);
    expect(plan.changes).toContainEqual({ kind: 'change', subject: 'Routing metric of wanb in /etc/config/network (mwan3 needs a different one per uplink)', from: '10', to: '20' });
    expect(plan.nativeDiff).toContain("-\toption metric '10'\n+\toption metric '20'");
  });
});

describe('commit (golden: the exact commands sent)', () => {
  const commitRouter = (extra: Record<string, Recording | readonly Recording[]> = {}): ReplayMap => labRouter('a_both_online', extra);
  const labFile = fileOf(labExport);

  it('sends the file edited in place, checks the router reads it as planned, arms the revert job and swaps it in', async () => {
    const shell = createStagingShell(commitRouter(), [installOk]);
    const driver = createOpenwrtMwan3Driver(shell, { facts: labFacts, nowMs: () => 1_700_000_000_000, newToken: () => '00112233aabbccdd' });
    const plan = await driver.plan(desired);
    const calls0 = shell.calls.length;
    const result = await driver.commit(plan, { revertInSec: 90 });
    expect(result).toEqual({ revertAtMs: 1_700_000_090_000 });
    expect(shell.calls.slice(calls0).map((c) => c.command)).toEqual([
      'cat /etc/config/mwan3',
      readPendingCommand().text,
      'cat /etc/config/network',
      mwan3Commands.catHook.text,
      discardStageCommand().text,
      stageFileCommand('mwan3').text,
      stagedExportCommand('mwan3').text,
      stageOwnFileCommand(0).text,
      '<install script>',
    ]);
    const installText = shell.scripts['<install script>']![0]!;
    const staged = shell.staged.mwan3!;
    // The staged file is the recorded one with Switchyard's lines added: the config the plan predicted.
    expect(serializeUciExport(parseUciConfigFile(staged, 'mwan3'))).toBe(managedExport);
    expect(outsideSwitchyard(staged, ['wan', 'wanb'])).toBe(outsideSwitchyard(labFile, ['wan', 'wanb']));
    expect(installText).toContain(`[ "$(md5sum < /etc/config/mwan3)" = '${md5sumLine(labFile)}' ]`);
    expect(installText).toContain(`[ "$(md5sum < /var/run/switchyard-uci/conf/mwan3)" = '${md5sumLine(staged)}' ]`);
    expect(installText).toContain("'token=00112233aabbccdd' 'revert_at_ms=1700000090000'");
    expect(installText).toContain('sleep 90');
    expect(installText).not.toContain('uci export');
    // Once mwan3 is reloaded (its rules made), the hook keeps every uplink's addresses and marks.
    const reloadAt = installText.indexOf('/etc/init.d/mwan3 reload');
    expect(reloadAt).toBeGreaterThan(-1);
    expect(installText.indexOf(conntrackHookSeedCommand().text)).toBeGreaterThan(reloadAt);
  });

  it('edits network and mwan3 together when the plan fixes a shared metric, and reloads network first', async () => {
    // Derived: the recorded network config with wanb's metric set to wan's.
    const dup = serializeUciConfigFile(applyUciBatchOps(parseUciShow(readFixture(lab, 'a_both_online__uci-show-network.txt'), 'network'), [{ kind: 'set-option', package: 'network', section: 'wanb', option: 'metric', value: '10' }]));
    const shell = createStagingShell(commitRouter({ [mwan3Commands.catNetwork.text]: ok(dup) }), [installOk]);
    const driver = createOpenwrtMwan3Driver(shell, { facts: labFacts, newToken: () => '00112233aabbccdd' });
    await driver.commit(await driver.plan(desired), { revertInSec: 120 });
    expect(shell.staged.network).toBe(dup.replace(/(config interface 'wanb'\n(?:\t.*\n)*?\toption metric )'10'/, "$1'20'"));
    const install = shell.scripts['<install script>']![0]!;
    expect(install).toContain(`[ "$(md5sum < /etc/config/network)" = '${md5sumLine(dup)}' ]`);
    expect(install.indexOf('{ /etc/init.d/network reload; }')).toBeLessThan(install.lastIndexOf('{ /etc/init.d/mwan3 reload; }'));
    expect(install).toContain('cp /etc/switchyard/pending/network /etc/config/network');
  });

  it('refuses to overwrite a config edited on the router since the plan, and shows what changed (recorded edit)', async () => {
    const shell = createStagingShell(commitRouter({ [mwan3Commands.catMwan3.text]: [ok(labFile), ok(fileOf(L('uci_edit__uci-export-mwan3').stdout))] }));
    const driver = createOpenwrtMwan3Driver(shell, { facts: labFacts });
    const plan = await driver.plan(desired);
    const err = await rejects(driver.commit(plan, { revertInSec: 90 }));
    expect(err.code).toBe('conflict');
    expect(err.details).toEqual({ package: 'mwan3', diff: ["mwan3.wanb.track_ip: ['198.51.100.1'] → ['198.51.100.1', '198.51.100.254']", "mwan3.@rule[2]: new rule section (dest_ip='203.0.113.0/24', proto='all', use_policy='balanced')"] });
    expect(shell.calls.some((c) => c.command === stageFileCommand('mwan3').text)).toBe(false);
  });

  it('stops and cleans up when the router’s uci reads the staged file differently than Switchyard', async () => {
    // Recorded: the lab's export, which lacks Switchyard's sections, stands for a uci that read something else.
    const shell = createReplayShell({ ...commitRouter(), [stageFileCommand('mwan3').text]: ok(), [discardStageCommand().text]: ok(), [stagedExportCommand('mwan3').text]: L('a_both_online__uci-export-mwan3') });
    const driver = createOpenwrtMwan3Driver(shell, { facts: labFacts });
    const err = await rejects(driver.commit(await driver.plan(desired), { revertInSec: 90 }));
    expect(err.message).toMatch(/uci reads the new mwan3 differently than Switchyard does, so nothing was changed/);
    expect(shell.calls.at(-1)!.command).toBe(discardStageCommand().text);
  });

  it('refuses a second commit while one waits for confirmation', async () => {
    const shell = createReplayShell(commitRouter({ [readPendingCommand().text]: ok('token=00112233aabbccdd\nrevert_at_ms=1800000000000\n') }));
    const driver = createOpenwrtMwan3Driver(shell, { facts: labFacts });
    await expect(driver.commit(await driver.plan(desired), { revertInSec: 90 })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('refuses a revert timer out of range', async () => {
    const driver = createOpenwrtMwan3Driver(createReplayShell(commitRouter()), { facts: labFacts });
    await expect(driver.commit(await driver.plan(desired), { revertInSec: 2 })).rejects.toMatchObject({ code: 'invalid-input' });
  });
});

describe('confirm and rollback', () => {
  it('confirm and rollback run their scripts; without a pending change they say so', async () => {
    const shell = createReplayShell(labRouter('a_both_online', { [confirmScript().text]: [ok(), { stdout: '', exitCode: 7 }], [rollbackScript().text]: [ok(), { stdout: '', exitCode: 7 }] }));
    const driver = createOpenwrtMwan3Driver(shell, { facts: labFacts });
    await driver.confirm();
    await driver.rollback();
    await expect(driver.confirm()).rejects.toMatchObject({ code: 'not-found' });
    await expect(driver.rollback()).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('forceFailover and remove', () => {
  it('forces an uplink by pointing the rule at a one-member policy, without a revert timer', async () => {
    const shell = createStagingShell(managed(), [installOk]);
    const driver = createOpenwrtMwan3Driver(shell, { facts: labFacts });
    await driver.forceFailover('wanb');
    const before = fileOf(managedExport);
    expect(shell.staged.mwan3).toBe(
      // uci-written files end with a blank line; the new section keeps that shape.
      before.replace("\toption use_policy 'sy_policy'", "\toption use_policy 'sy_forced'") + "config policy 'sy_forced'\n\tlist use_member 'sy_m_wanb'\n\toption last_resort 'default'\n\n",
    );
    const install = shell.scripts['<install script>']![0]!;
    expect(install).not.toContain('revert.sh');
    expect(install).toContain('/etc/init.d/mwan3 reload');
    expect(install).not.toContain('/etc/init.d/network');
    await expect(driver.forceFailover('wwan')).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('refuses to force an uplink on a router Switchyard does not manage', async () => {
    await expect(createOpenwrtMwan3Driver(createReplayShell(labRouter()), { facts: labFacts }).forceFailover('wanb')).rejects.toMatchObject({ code: 'conflict' });
  });

  it('remove puts the kept original back, returns the service to its earlier state and leaves no /etc/switchyard', async () => {
    const labFile = fileOf(labExport);
    const shell = createStagingShell(
      managed({
        [mwan3Commands.readMwan3Original.text]: ok(labFile),
        [mwan3Commands.readMwan3Applied.text]: ok(fileOf(managedExport)),
        [mwan3Commands.readNetworkOriginal.text]: ok(labNetworkFile),
        [mwan3Commands.readNetworkApplied.text]: noFile('/etc/switchyard/network.applied'),
      }),
      [removeOk(0)],
    );
    await createOpenwrtMwan3Driver(shell, { facts: labFacts }).remove();
    expect(shell.staged.mwan3).toBe(labFile);
    const removeText = shell.scripts['<remove script>']![0]!;
    expect(removeText).toContain('if [ "$(cat /etc/switchyard/mwan3.was-enabled)" = 1 ]');
    expect(removeText).toContain('rmdir /etc/switchyard');
    // The network file did not change, so it is neither written nor reloaded.
    expect(removeText).not.toContain('/etc/config/network');
  });

  it('remove without a kept original takes out only the sy_ sections', async () => {
    const shell = createStagingShell(
      managed({
        [mwan3Commands.readMwan3Original.text]: noFile('/etc/switchyard/mwan3.orig'),
        [mwan3Commands.readMwan3Applied.text]: noFile('/etc/switchyard/mwan3.applied'),
        [mwan3Commands.readNetworkOriginal.text]: noFile('/etc/switchyard/network.orig'),
      }),
      [installOk],
    );
    await createOpenwrtMwan3Driver(shell, { facts: labFacts }).remove();
    const removed = shell.staged.mwan3!;
    expect(removed).not.toContain('sy_');
    expect(parseUciConfigFile(removed, 'mwan3').sections.map((s) => s.name)).toEqual(parseUciExport(labExport, 'mwan3').sections.map((s) => s.name));
    const install = shell.scripts['<install script>']![0]!;
    expect(install).not.toContain('/etc/switchyard/mwan3.applied');
    expect(install).toContain('rmdir /etc/switchyard');
  });
});

describe('probeCommand', () => {
  const wan = { name: 'wanb', device: 'eth2', kind: 'ethernet' as const, hasDefaultRoute: true, address: '198.51.100.2' };
  it('binds probes like mwan3track does where `mwan3 use` exists, else ping -I the device (BusyBox ping has no -O)', () => {
    expect(createOpenwrtMwan3Driver(createReplayShell({}), { facts: labFacts }).probeCommand(wan, '198.51.100.1', 'ping')).toEqual(['mwan3', 'use', 'wanb', 'ping', '198.51.100.1']);
    const old = createOpenwrtMwan3Driver(createReplayShell({}), { facts: { ...labFacts, supportsUse: false } });
    expect(old.probeCommand(wan, '198.51.100.1', 'ping')).toEqual(['ping', '-I', 'eth2', '198.51.100.1']);
    expect(old.probeCommand(wan, '198.51.100.1', 'httping')).toEqual(['httping', '-i', '1', '-g', 'http://198.51.100.1/', '-y', '198.51.100.2']);
  });

  it('the recorded BusyBox ping prints seq= and no icmp_seq=', () => {
    const out = readFixture(lab, 'a_both_online__ping-c-5-I-eth2-198.51.100.1.txt');
    expect(out).toMatch(/ seq=0 ttl=64 /);
    expect(out).not.toContain('icmp_seq');
  });
});
