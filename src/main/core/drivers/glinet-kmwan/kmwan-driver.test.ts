// The glinet-kmwan driver. Real: /proc/gl-kmwan/status of a Flint 2 on 4.9.1, and netifd's dump
// and uci's batch reply from the OpenWrt lab. SYNTHETIC (test/fixtures/glinet/README.md): the uci
// exports of kmwan, network and glmodem, built from GL.iNet's RPC module and stock values; no
// `uci show kmwan` of a real router is public.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { confirmScript, discardStageCommand, readPendingCommand, rollbackScript, stageCommand, stagedExportCommand, stageFileCommand } from '../openwrt-mwan3/mwan3-apply-script.ts';
import { createReplayShell, recorded, type Recording, type ReplayMap } from '../openwrt-mwan3/replay-shell.ts';
import { lab } from '../openwrt-mwan3/test-fixtures.ts';
import { applyUciBatchOps } from '../openwrt-mwan3/uci/uci-batch.ts';
import { diffUciPackages, formatUciChange } from '../openwrt-mwan3/uci/uci-diff.ts';
import type { UciPackage } from '../openwrt-mwan3/uci/uci-model.ts';
import { parseUciConfigFile, parseUciExport } from '../openwrt-mwan3/uci/uci-parse.ts';
import { serializeUciExport } from '../openwrt-mwan3/uci/uci-serialize.ts';
import type { FailoverPolicy } from '../../../../shared/model.ts';
import { forceDeadCommand, frsHookPath, installHookCommand, kmwanApplySteps, kmwanEventsPath, pushSensitivityCommand, readEventsCommand, removeHookCommand, restoreDetectCommand } from './kmwan-apply.ts';
import { assessKmwanConfig, type KmwanConfig } from './kmwan-config.ts';
import { createKmwanDriver, detectKmwan, kmwanCommands, lowDataModeDetail, lowDataModeOffDetail } from './kmwan-driver.ts';
import { flint2, readGlinetFixture, synthetic } from './kmwan-fixtures.ts';
import { planKmwanWrite, type KmwanPackages } from './kmwan-policy.ts';
import { planKmwanRemove } from './kmwan-remove.ts';

const ok = (stdout = ''): Recording => ({ stdout, exitCode: 0 });
/** Parses only (-n): nothing runs. dash is stricter than BusyBox ash about POSIX syntax. */
const syntaxOk = (text: string): void => {
  execFileSync('sh', ['-n', '-c', text]);
};
const noMarker: Recording = { stdout: '', stderr: "cat: can't open '/etc/switchyard/pending/armed': No such file or directory\n", exitCode: 1 };
const realStatus = readGlinetFixture(flint2, 'flint2-4.9.1_proc-gl-kmwan-status.txt');
const S = (file: string): string => readGlinetFixture(synthetic, file);
const pkgOf = (file: string, name: string): UciPackage => parseUciExport(S(file), name);
const configOf = (pkg: UciPackage): KmwanConfig => {
  const a = assessKmwanConfig(pkg);
  if (!a.config) throw new Error('no config');
  return a.config;
};
/** The real capture with one member's block taken out (derived: what the kernel prints when netifd has it down). */
const withoutBlock = (text: string, name: string): string => text.split(/\n(?=\S+\s+\S+\s+\d+\s+[A-Z]+\s)/).filter((b) => !b.startsWith(`${name} `)).join('\n');
/** The real capture with force_dead flipped for one member (derived: what force_dead makes the kernel print). */
const forcedDead = (text: string, name: string): string => text.replace(new RegExp(`(\\n${name} [\\s\\S]*?force_dead:)false`), '$1true');

const flintRouter = (extra: Record<string, Recording | readonly Recording[]> = {}): ReplayMap => ({
  [kmwanCommands.procConfig.text]: ok(readGlinetFixture(flint2, 'flint2-4.9.1_proc-gl-kmwan-config.txt')),
  [kmwanCommands.procStatus.text]: ok(realStatus),
  [kmwanCommands.exportKmwan.text]: ok(S('flint2_uci-export-kmwan.txt')),
  [kmwanCommands.exportNetwork.text]: ok(S('flint2_uci-export-network.txt')),
  // Real: the OpenWrt lab's netifd (wan on eth1); it has no secondwan, so its device comes from kmwan's status.
  [kmwanCommands.networkDump.text]: recorded(lab, 'a_both_online__ubus-call-network.interface-dump'),
  [readPendingCommand().text]: noMarker,
  [confirmScript().text]: { stdout: '', exitCode: 7 },
  [rollbackScript().text]: { stdout: '', exitCode: 7 },
  ...extra,
});
const now = 1_700_000_000_000;
const driverOn = (map: ReplayMap, own: Parameters<typeof createReplayShell>[1] = []) => {
  const shell = createReplayShell(map, own);
  const d = createKmwanDriver(shell, { assessment: assessKmwanConfig(parseUciExport(S('flint2_uci-export-kmwan.txt'), 'kmwan')), nowMs: () => now, newToken: () => 'aabbccddeeff0011' });
  return { shell, d };
};

/** The resulting option values per package, as `uci show` would list what changed. */
function written(pkgs: KmwanPackages, ops: ReturnType<typeof planKmwanWrite>['ops']): string[] {
  return (['kmwan', 'network', 'glmodem'] as const).flatMap((p) => (pkgs[p] ? diffUciPackages(pkgs[p]!, applyUciBatchOps(pkgs[p]!, ops.filter((o) => o.package === p))).map(formatUciChange) : []));
}

/*
 * The expected values below are derived from GL.iNet's own RPC module `kmwan` (the Lua handler
 * behind its web UI's Network → Multi-WAN page, `@object-name: kmwan`; a public copy was read
 * through the project's code search, which gave no repository path), not from the driver:
 * - set_config, mode 0 (Failover): refuses a metric outside 0..#interfaces; sets global.mode
 *   'failover'; per interface sets kmwan.<if>.metric, network.<if>.metric and kmwan.<twin>.metric
 *   (twin = <if>6, or <if>_6 when the name has "modem"), and for a modem every glmodem `network`
 *   section's metric (the loop runs per modem, so the last modem's value stays); sends
 *   kmwan.status {failover_chg:true} when anything changed.
 * - set_config, mode 1 (Load Balance): refuses a weight outside 0..10; sets global.mode 'balance';
 *   per interface sets kmwan.<if>.weight and kmwan.<twin>.weight; no metric, no network, no glmodem.
 * - set_sensitivity: level low/medium/high = 5000/3000/1000 ms, custom = val * 1000; writes
 *   global.level and global.sensitivity.
 * - set_interface: check 1, track_mode on member and twin, enable_ssl deleted for ping, disabled 0
 *   on the member and 1 on the twin (IPv4 only), tracks 'ping,ADDR'; tracking off = check 0 and
 *   disabled 1 on both.
 * Nothing in it reads or writes global.enable. uci's set on a section that does not exist fails
 * without creating it, so a member without a twin (or network section) gets nothing there.
 */
describe("the values GL.iNet's own RPC writes (kmwan set_config / set_sensitivity / set_interface)", () => {
  const flint: KmwanPackages = { kmwan: pkgOf('flint2_uci-export-kmwan.txt', 'kmwan'), network: pkgOf('flint2_uci-export-network.txt', 'network'), glmodem: null };
  const modem: KmwanPackages = { kmwan: pkgOf('modem_uci-export-kmwan.txt', 'kmwan'), network: pkgOf('modem_uci-export-network.txt', 'network'), glmodem: pkgOf('modem_uci-export-glmodem.txt', 'glmodem') };
  const policyOf = async (file: string): Promise<FailoverPolicy> => {
    const { d } = driverOn(flintRouter({ [kmwanCommands.exportKmwan.text]: ok(S(file)) }));
    return (await d.readPolicy())!;
  };

  it('failover order: set_config{mode 0, [secondwan 1, wan 2]} writes the metric on kmwan, its IPv6 twin and network', async () => {
    const p = await policyOf('flint2_uci-export-kmwan.txt');
    const w = planKmwanWrite(flint, configOf(flint.kmwan), { ...p, wans: [{ ...p.wans[0]!, priority: 2 }, { ...p.wans[1]!, priority: 1 }] });
    expect(w.problems).toEqual([]);
    expect(written(flint, w.ops).sort()).toEqual(
      [
        "kmwan.secondwan.metric: '15' → '1'", "kmwan.secondwan6.metric: '15' → '1'", "network.secondwan.metric: '15' → '1'",
        "kmwan.wan.metric: '10' → '2'", "kmwan.wan6.metric: '10' → '2'", "network.wan.metric: '10' → '2'",
      ].sort(),
    );
    // GL restarts nothing for this; it reloads the network and re-syncs kmwan's routes.
    expect(w).toMatchObject({ setConfig: true, statusEvent: true, restartKmwan: false, sensitivityMs: null });
  });

  it('load balance: set_config{mode 1, [wan 3, secondwan 0]} writes mode "balance" and each weight on the member and its twin', async () => {
    const p = await policyOf('flint2_uci-export-kmwan.txt');
    const w = planKmwanWrite(flint, configOf(flint.kmwan), { ...p, mode: 'balance', wans: [{ ...p.wans[0]!, weight: 3 }, { ...p.wans[1]!, enabled: false }] });
    expect(w.problems).toEqual([]);
    expect(written(flint, w.ops).sort()).toEqual(
      ["kmwan.global.mode: 'failover' → 'balance'", "kmwan.wan.weight: '1' → '3'", "kmwan.wan6.weight: '1' → '3'", "kmwan.secondwan.weight: '1' → '0'", "kmwan.secondwan6.weight: '1' → '0'"].sort(),
    );
    expect(w).toMatchObject({ setConfig: true, statusEvent: true, restartKmwan: false });
    const tooBig = planKmwanWrite(flint, configOf(flint.kmwan), { ...p, mode: 'balance', wans: [{ ...p.wans[0]!, weight: 11 }, p.wans[1]!] });
    expect(tooBig.problems).toEqual([expect.stringContaining('ratios are 0 to 10')]);
  });

  it('a modem: set_config{mode 0, [modem_1_1_2 1, wan 2]} also writes network.<modem> and every glmodem network section', async () => {
    const p = await policyOf('modem_uci-export-kmwan.txt');
    expect(p.wans.map((x) => [x.name, x.kind])).toEqual([['wan', 'ethernet'], ['modem_1_1_2', 'cellular']]);
    const w = planKmwanWrite(modem, configOf(modem.kmwan), { ...p, mode: 'failover', wans: [{ ...p.wans[0]!, priority: 2 }, { ...p.wans[1]!, priority: 1 }] });
    expect(w.problems).toEqual([]);
    expect(written(modem, w.ops).sort()).toEqual(
      [
        "kmwan.global.mode: 'balance' → 'failover'",
        "kmwan.modem_1_1_2.metric: '2' → '1'", "kmwan.modem_1_1_2_6.metric: '2' → '1'", "network.modem_1_1_2.metric: '2' → '1'", "glmodem.@network[0].metric: '2' → '1'",
        "kmwan.wan.metric: '1' → '2'", "kmwan.wan6.metric: '1' → '2'", "network.wan.metric: '1' → '2'",
      ].sort(),
    );
    expect(w.packages).toEqual(['kmwan', 'network', 'glmodem']);
  });

  it('sensitivity: set_sensitivity{level high} writes level and ms; tracking: set_interface writes check, track_mode on both, disabled and tracks', async () => {
    const p = await policyOf('flint2_uci-export-kmwan.txt');
    const fast = p.wans.map((x) => ({ ...x, tracking: { ...x.tracking, timeoutSec: 1 } }));
    const w = planKmwanWrite(flint, configOf(flint.kmwan), { ...p, wans: fast });
    expect(written(flint, w.ops).sort()).toEqual(["kmwan.global.level: 'medium' → 'high'", "kmwan.global.sensitivity: '3000' → '1000'"].sort());
    expect(w).toMatchObject({ sensitivityMs: 1000, restartKmwan: false, setConfig: false });
    const custom = planKmwanWrite(flint, configOf(flint.kmwan), { ...p, wans: p.wans.map((x) => ({ ...x, tracking: { ...x.tracking, timeoutSec: 7 } })) });
    expect(written(flint, custom.ops).sort()).toEqual(["kmwan.global.level: 'medium' → 'custom'", "kmwan.global.sensitivity: '3000' → '7000'"].sort());

    const tracked = planKmwanWrite(flint, configOf(flint.kmwan), { ...p, wans: [{ ...p.wans[0]!, tracking: { ...p.wans[0]!.tracking, targets: ['9.9.9.9'] } }, p.wans[1]!] });
    expect(written(flint, tracked.ops)).toEqual(["kmwan.wan.tracks: ['ping,1.1.1.1', 'ping,8.8.8.8', 'ping,208.67.222.222', 'ping,208.67.220.220'] → ['ping,9.9.9.9']"]);
    expect(tracked).toMatchObject({ restartKmwan: true, setConfig: false });
    const off = planKmwanWrite(flint, configOf(flint.kmwan), { ...p, wans: [p.wans[0]!, { ...p.wans[1]!, tracking: { ...p.wans[1]!.tracking, method: 'none', targets: [] } }] });
    expect(written(flint, off.ops).sort()).toEqual(["kmwan.secondwan.check: '1' → '0'", "kmwan.secondwan.disabled: '0' → '1'"].sort());
  });

  it('load balance with a modem: set_config{mode 1, [wan 0, modem_1_1_2 7]} writes each weight on the member and its "_6" twin, and no metric anywhere', async () => {
    const p = await policyOf('modem_uci-export-kmwan.txt');
    const w = planKmwanWrite(modem, configOf(modem.kmwan), { ...p, wans: [{ ...p.wans[0]!, enabled: false }, { ...p.wans[1]!, weight: 7 }] });
    expect(w.problems).toEqual([]);
    expect(written(modem, w.ops).sort()).toEqual(["kmwan.wan.weight: '3' → '0'", "kmwan.wan6.weight: '3' → '0'", "kmwan.modem_1_1_2.weight: '1' → '7'", "kmwan.modem_1_1_2_6.weight: '1' → '7'"].sort());
    // No mode change: GL sends no kmwan.status event in Load Balance then, but still runs its apply steps.
    expect(w).toMatchObject({ setConfig: true, statusEvent: false, packages: ['kmwan'] });
  });

  it('writes nothing where GL\'s uci set would fail (a member without a twin), and never writes global.enable, which stock firmware lacks', async () => {
    const noTwin = S('flint2_uci-export-kmwan.txt').replace(/\nconfig member 'secondwan6'[\s\S]*$/, '\n');
    const pkgs: KmwanPackages = { ...flint, kmwan: parseUciExport(noTwin, 'kmwan') };
    const p = await policyOf('flint2_uci-export-kmwan.txt');
    const w = planKmwanWrite(pkgs, configOf(pkgs.kmwan), { ...p, wans: [{ ...p.wans[0]!, priority: 2 }, { ...p.wans[1]!, priority: 1 }] });
    expect(written(pkgs, w.ops).sort()).toEqual(
      ["kmwan.secondwan.metric: '15' → '1'", "network.secondwan.metric: '15' → '1'", "kmwan.wan.metric: '10' → '2'", "kmwan.wan6.metric: '10' → '2'", "network.wan.metric: '10' → '2'"].sort(),
    );
    // The stock config has no global.enable: planning every kind of change never adds one.
    const all = planKmwanWrite(flint, configOf(flint.kmwan), { ...p, mode: 'balance', forcedRefreshStreams: true, wans: p.wans.map((x) => ({ ...x, weight: 2, tracking: { ...x.tracking, timeoutSec: 5, targets: ['9.9.9.9'] } })) });
    expect(all.ops.length).toBeGreaterThan(5);
    expect(all.ops.filter((o) => 'option' in o && o.option === 'enable')).toEqual([]);
    // And planning what the router has is no change at all (the old driver added enable on every commit).
    expect(planKmwanWrite(flint, configOf(flint.kmwan), p).ops).toEqual([]);
  });

  it('refuses what kmwan cannot hold, saying what to do', async () => {
    const p = await policyOf('flint2_uci-export-kmwan.txt');
    const w = planKmwanWrite(flint, configOf(flint.kmwan), {
      ...p,
      wans: [{ ...p.wans[0]!, tracking: { ...p.wans[0]!.tracking, downCount: 3, method: 'httping' } }, { ...p.wans[1]!, enabled: false, tracking: { ...p.wans[1]!.tracking, timeoutSec: 5 } }],
    });
    expect(w.problems).toEqual([
      expect.stringContaining('wan: kmwan\'s kernel module checks uplinks with ping only'),
      expect.stringMatching(/^wan: kmwan probes every second .*downCount cannot be set on GL\.iNet/),
      expect.stringContaining('one sensitivity for all uplinks'),
      expect.stringContaining('secondwan: in Failover, GL.iNet keeps every uplink in its order'),
    ]);
  });
});

describe('a real Flint 2 (4.9.1)', () => {
  it('is detected and configurable although it has GL.iNet options (level, check) the old driver refused', async () => {
    const found = await detectKmwan(createReplayShell(flintRouter()));
    expect(found).toMatchObject({ present: true, assessment: { kind: 'configurable' } });
  });

  it('shows both uplinks from the real /proc status; the first online one in kmwan order carries traffic', async () => {
    const { d } = driverOn(flintRouter());
    expect(await d.readStatus()).toEqual({
      enabled: true, mode: 'failover', forced: 'auto', pendingRevertAtMs: null, events: [],
      wans: [
        { wan: 'wan', state: 'online', active: true, detail: expect.stringContaining('ACTIVE'), targets: ['1.1.1.1', '8.8.8.8', '208.67.222.222', '208.67.220.220'].map((target) => ({ target, up: true })) },
        { wan: 'secondwan', state: 'online', active: false, detail: expect.stringContaining('IDEL'), targets: ['1.1.1.1', '8.8.8.8', '208.67.222.222', '208.67.220.220'].map((target) => ({ target, up: true })) },
      ],
    });
    expect((await d.readWans()).map((w) => [w.name, w.device, w.kind])).toEqual([['wan', 'eth1', 'ethernet'], ['secondwan', 'lan5', 'ethernet']]);
  });

  it('shows a member whose interface is down (no block in /proc) as offline, with the reason', async () => {
    const { d } = driverOn(flintRouter({ [kmwanCommands.procStatus.text]: ok(withoutBlock(realStatus, 'wan')) }));
    const s = await d.readStatus();
    expect(s.wans.map((w) => [w.wan, w.state, w.active])).toEqual([['wan', 'offline', false], ['secondwan', 'online', true]]);
    expect(s.wans[0]!.detail).toMatch(/its interface is down/);
  });

  it("shows GL's Low Data Mode for a cellular member tracked passively", async () => {
    const status = realStatus.replace('secondwan       lan5', 'modem_1_1_2     wwan0');
    const { d } = driverOn(flintRouter({ [kmwanCommands.exportKmwan.text]: ok(S('modem_uci-export-kmwan.txt')), [kmwanCommands.procStatus.text]: ok(status) }));
    const s = await d.readStatus();
    expect(s.wans.find((w) => w.wan === 'modem_1_1_2')).toMatchObject({ state: 'online', detail: expect.stringContaining(lowDataModeDetail) });
    expect(s.mode).toBe('balance');
  });

  it('shows Low Data Mode wherever GL has it on (any passive member, like the real LTE uplink behind lan5), and says so when a cellular one has it off', async () => {
    const { d } = driverOn(flintRouter());
    const s = await d.readStatus();
    // The real capture's secondwan is passive: GL's Low Data Mode switch is on for it.
    expect(s.wans.find((w) => w.wan === 'secondwan')!.detail).toContain(lowDataModeDetail);
    expect(s.wans.find((w) => w.wan === 'wan')!.detail).not.toContain('Low Data Mode');
    // A modem whose Low Data Mode was turned off (track mode force; derived from the real rows).
    const status = realStatus.replace('secondwan       lan5', 'modem_1_1_2     wwan0').replace(/(modem_1_1_2 .*?)passive /, '$1force   ');
    const kmwan = S('modem_uci-export-kmwan.txt').replace("option track_mode 'passive'", "option track_mode 'force'");
    const off = driverOn(flintRouter({ [kmwanCommands.exportKmwan.text]: ok(kmwan), [kmwanCommands.procStatus.text]: ok(status) }));
    expect((await off.d.readStatus()).wans.find((w) => w.wan === 'modem_1_1_2')!.detail).toContain(lowDataModeOffDetail);
  });

  it("shows a member with status tracking off from netifd's link state, as GL's get_status does (not as an interface that is down)", async () => {
    // GL's set_interface with enable_check false writes check 0 and disabled 1 (member and twin); the kernel then lists no block for it (derived).
    const untracked = S('flint2_uci-export-kmwan.txt').replace("option check '1'\n\toption disabled '0'", "option check '0'\n\toption disabled '1'");
    expect(untracked).not.toBe(S('flint2_uci-export-kmwan.txt'));
    const status = ok(withoutBlock(realStatus, 'wan'));
    const up = driverOn(flintRouter({ [kmwanCommands.exportKmwan.text]: ok(untracked), [kmwanCommands.procStatus.text]: status }));
    const s = await up.d.readStatus();
    expect(s.wans.map((w) => [w.wan, w.state, w.active])).toEqual([['wan', 'online', true], ['secondwan', 'online', false]]);
    expect(s.wans[0]!.detail).toMatch(/status tracking is off .*netifd has wan up/);
    // The same with netifd reporting wan down (the real dump with up flipped: derived).
    const dump = recorded(lab, 'a_both_online__ubus-call-network.interface-dump').stdout.replace(/("interface": "wan",\s*"up": )true/, '$1false');
    const down = driverOn(flintRouter({ [kmwanCommands.exportKmwan.text]: ok(untracked), [kmwanCommands.procStatus.text]: status, [kmwanCommands.networkDump.text]: ok(dump) }));
    const d2 = await down.d.readStatus();
    expect(d2.wans.map((w) => [w.wan, w.state, w.active])).toEqual([['wan', 'offline', false], ['secondwan', 'online', true]]);
    expect(d2.wans[0]!.detail).toMatch(/netifd has wan down/);
  });

  it('plans an order change as the router diff with GL\'s apply steps (no kmwan restart) and commits it with a revert timer', async () => {
    const kmwanPkg = pkgOf('flint2_uci-export-kmwan.txt', 'kmwan');
    const networkPkg = pkgOf('flint2_uci-export-network.txt', 'network');
    const probe = driverOn(flintRouter());
    const policy = (await probe.d.readPolicy())!;
    const desired = { ...policy, wans: [{ ...policy.wans[0]!, priority: 2 }, { ...policy.wans[1]!, priority: 1 }] };
    const w = planKmwanWrite({ kmwan: kmwanPkg, network: networkPkg, glmodem: null }, configOf(kmwanPkg), desired);
    const afterKmwan = applyUciBatchOps(kmwanPkg, w.ops.filter((o) => o.package === 'kmwan'));
    const afterNetwork = applyUciBatchOps(networkPkg, w.ops.filter((o) => o.package === 'network'));
    const { shell, d } = driverOn(
      flintRouter({
        [stageCommand(['kmwan', 'network']).text]: recorded(lab, 'uci_edit__uci-batch-no-commit'),
        [stagedExportCommand('kmwan').text]: ok(serializeUciExport(afterKmwan)),
        [stagedExportCommand('network').text]: ok(serializeUciExport(afterNetwork)),
        [installHookCommand().text]: ok(),
      }),
      [{ label: '<install script>', startsWith: "{ trap '' HUP; }", reply: ok() }],
    );
    const plan = await d.plan(desired);
    expect(plan.problems).toEqual([]);
    expect(plan.policy.wans.map((x) => [x.name, x.priority])).toEqual([['secondwan', 1], ['wan', 2]]);
    expect(plan.changes).toEqual(expect.arrayContaining([{ kind: 'change', subject: 'secondwan (lan5) priority', from: '2', to: '1' }]));
    expect(plan.nativeDiff).toContain("set network.secondwan.metric='1'");
    expect(plan.nativeDiff).toContain('# then, as GL.iNet\'s firmware applies it\nubus send kmwan.status \'{"failover_chg":true}\'\nubus call network reload\n. /lib/functions/kmwan.sh && sync_route_netcell');
    expect(plan.predictedFailoverSec).toBe(4);
    // kmwan has no hold-down: the default dampening is named as not reachable, and nothing is written for it.
    expect(plan.notes).toEqual([
      "Flap dampening (after 3 failures of an uplink within 2 min, keep traffic off it for 60 s) cannot be set on GL.iNet's kmwan: it has no hold-down, so a flapping uplink is taken back at every recovery (secondwan on its first answered probe; wan on its first answered probe). " +
        'Nothing in its settings lengthens a return, so Switchyard changes nothing for it; with Forced Refresh Streams on, each return also moves connections.',
    ]);
    expect(plan.nativeDiff).not.toMatch(/dampen|hold/i);
    expect((await d.plan({ ...desired, dampening: { enabled: false, flaps: 3, windowSec: 120, holdSec: 60 } })).notes).toBeUndefined();
    expect(await d.commit(plan, { revertInSec: 60 })).toEqual({ revertAtMs: now + 60_000 });
    const install = shell.scripts['<install script>']![0]!;
    expect(install).toContain("{ ubus call network reload; } && { . /lib/functions/kmwan.sh && sync_route_netcell; } && { [ ! -x /usr/bin/gen_weight_route ] || /usr/bin/gen_weight_route; } && { [ ! -x /usr/bin/atp ] || /usr/bin/atp interface_changed; }");
    expect(install).not.toContain('/etc/init.d/kmwan restart');
    expect(install).toContain('cp /etc/config/network /etc/switchyard/pending/network');
    // The revert job re-applies the restored metrics the same way.
    expect(install).toContain('sync_route_netcell');
  });

  it('planning what the router has changes nothing', async () => {
    const { d } = driverOn(flintRouter());
    const plan = await d.plan((await d.readPolicy())!);
    expect(plan).toMatchObject({ problems: [], changes: [] });
    expect(plan.nativeDiff).toMatch(/^# no change/);
  });

  it('forces traffic onto one uplink with force_dead on the others, checks the kernel took it, and returns with restore_detect', async () => {
    const forced = forcedDead(realStatus, 'wan');
    const { shell, d } = driverOn(
      flintRouter({
        [kmwanCommands.procStatus.text]: [ok(realStatus), ok(forced)],
        [forceDeadCommand(['wan']).text]: ok(),
      }),
    );
    await d.forceFailover('secondwan');
    expect(shell.calls.map((c) => c.command)).toContain(forceDeadCommand(['wan']).text);
    expect(forceDeadCommand(['wan']).text).toBe('{ . /lib/functions/kmwan.sh; } && { force_dead wan; }');
    const s = await d.readStatus();
    expect(s.forced).toBe('secondwan');
    expect(s.wans.map((w) => [w.wan, w.state, w.active])).toEqual([['wan', 'offline', false], ['secondwan', 'online', true]]);

    const back = driverOn(flintRouter({ [kmwanCommands.procStatus.text]: ok(forced), [restoreDetectCommand(['wan']).text]: ok() }));
    await back.d.forceFailover('auto');
    expect(back.shell.calls.map((c) => c.command)).toContain(restoreDetectCommand(['wan']).text);

    const didNotTake = driverOn(flintRouter({ [forceDeadCommand(['wan']).text]: ok() }));
    await expect(didNotTake.d.forceFailover('secondwan')).rejects.toMatchObject({ code: 'command-failed', message: expect.stringContaining('wan still has force_dead:false') });
    const offline = driverOn(flintRouter({ [kmwanCommands.procStatus.text]: ok(withoutBlock(realStatus, 'secondwan')) }));
    await expect(offline.d.forceFailover('secondwan')).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('secondwan is offline now') });
  });

  it("remove puts back only what Switchyard writes, in place: a member GL added since and options Switchyard does not manage stay; network metrics go back; GL's steps apply it; the hook and its log go", async () => {
    const file = (t: string, pkg: string): string => t.replace(new RegExp(`^package ${pkg}\\n\\n`), '');
    const origKmwan = file(S('flint2_uci-export-kmwan.txt'), 'kmwan');
    const origNetwork = file(S('flint2_uci-export-network.txt'), 'network');
    // A member GL's firmware adds when tethering is set up (derived: the shape of the stock members).
    const tethering = "\nconfig member 'tethering'\n\toption interface 'tethering'\n\toption addr_type '4'\n\toption metric '3'\n\toption weight '1'\n\toption track_mode 'force'\n\toption check '1'\n\toption disabled '0'\n\tlist tracks 'ping,1.1.1.1'\n";
    // Switchyard's last write: its order change (secondwan first), high sensitivity and Forced Refresh Streams.
    const appliedKmwan = origKmwan
      .replaceAll("option metric '10'", "option metric '2'")
      .replaceAll("option metric '15'", "option metric '1'")
      .replace("option sensitivity '3000'\n\toption level 'medium'", "option sensitivity '1000'\n\toption level 'high'\n\toption switchyard_frs '1'");
    // The router now: since then GL added tethering and an option Switchyard does not manage.
    const nowKmwan = appliedKmwan.replace("option switchyard_frs '1'", "option switchyard_frs '1'\n\toption gl_future '1'") + tethering;
    const nowNetwork = origNetwork.replace("option metric '10'", "option metric '2'").replace("option device 'lan5'\n\toption proto 'dhcp'\n\toption metric '15'", "option device 'lan5'\n\toption proto 'dhcp'\n\toption metric '1'");
    // What Remove must leave: the original values of Switchyard's options, and everything else as it is now.
    const wantKmwan = origKmwan.replace("option level 'medium'", "option level 'medium'\n\toption gl_future '1'") + tethering;
    const wantNetwork = origNetwork;
    const { shell, d } = driverOn(
      flintRouter({
        [kmwanCommands.catKmwan.text]: ok(nowKmwan),
        [kmwanCommands.exportKmwan.text]: ok(`package kmwan\n\n${nowKmwan}`),
        [kmwanCommands.readKmwanOriginal.text]: ok(origKmwan),
        [kmwanCommands.catNetwork.text]: ok(nowNetwork),
        [kmwanCommands.readNetworkOriginal.text]: ok(origNetwork),
        [kmwanCommands.readGlmodemOriginal.text]: { stdout: '', stderr: 'cat: can\'t open', exitCode: 1 },
        [kmwanCommands.readKmwanApplied.text]: ok(appliedKmwan),
        [kmwanCommands.readNetworkApplied.text]: ok(nowNetwork),
        [discardStageCommand().text]: ok(),
        [stageFileCommand('kmwan').text]: ok(),
        [stageFileCommand('network').text]: ok(),
        [stagedExportCommand('kmwan').text]: ok(serializeUciExport(parseUciConfigFile(wantKmwan, 'kmwan'))),
        [stagedExportCommand('network').text]: ok(serializeUciExport(parseUciConfigFile(wantNetwork, 'network'))),
        [removeHookCommand().text]: ok(),
      }),
      [{ label: '<remove script>', startsWith: '{ [ -e /etc/switchyard/kmwan.orig ]', reply: ok() }],
    );
    const preview = await d.planRemove!();
    expect(preview.changes).toEqual(expect.arrayContaining(["kmwan.global.switchyard_frs: '1' → unset", "kmwan.wan.metric: '2' → '10'", "kmwan.secondwan6.metric: '1' → '15'", "network.secondwan.metric: '1' → '15'"]));
    expect(preview.changes.join('\n')).not.toMatch(/tethering|gl_future/);
    expect(preview.nativeDiff).toContain("-\toption metric '2'\n+\toption metric '10'");
    await d.remove();
    const stdinOf = (pkg: string): string | undefined => shell.calls.find((c) => c.command === stageFileCommand(pkg).text)?.stdin;
    expect(stdinOf('kmwan')).toBe(wantKmwan);
    expect(stdinOf('network')).toBe(wantNetwork);
    const script = shell.scripts['<remove script>']![0]!;
    // Not the whole file copied back over GL's later edits.
    expect(script).not.toContain('cp /etc/switchyard/kmwan.orig /etc/config/kmwan');
    expect(script).toContain("{ ubus send kmwan.status '{\"failover_chg\":true}'; } && { ubus call network reload; } && { . /lib/functions/kmwan.sh && sync_route_netcell; }");
    expect(script).toContain(pushSensitivityCommand().text);
    expect(script).not.toContain('/etc/init.d/kmwan restart');
    expect(script).toContain('rm -f /etc/switchyard/kmwan.was-enabled /etc/switchyard/kmwan.orig /etc/switchyard/network.orig /etc/switchyard/glmodem.orig');
    expect(shell.calls.map((c) => c.command).at(-1)).toBe(removeHookCommand().text);
    // Remove leaves nothing of Switchyard's: the hook and its event log go too.
    expect(removeHookCommand().text).toBe(`rm -f ${frsHookPath} ${frsHookPath}.new ${kmwanEventsPath} ${kmwanEventsPath}.new`);
  });

  it("remove keeps a managed option the admin changed on the router after Switchyard's apply (in GL's web UI or by hand), lists it as kept, and restores it only when asked", async () => {
    const file = (t: string, pkg: string): string => t.replace(new RegExp(`^package ${pkg}\\n\\n`), '');
    const origKmwan = file(S('flint2_uci-export-kmwan.txt'), 'kmwan');
    const origNetwork = file(S('flint2_uci-export-network.txt'), 'network');
    // Switchyard's last write (/etc/switchyard/kmwan.applied): secondwan first, high sensitivity, Forced Refresh Streams.
    const appliedKmwan = origKmwan
      .replaceAll("option metric '10'", "option metric '2'")
      .replaceAll("option metric '15'", "option metric '1'")
      .replace("option sensitivity '3000'\n\toption level 'medium'", "option sensitivity '1000'\n\toption level 'high'\n\toption switchyard_frs '1'");
    const appliedNetwork = origNetwork.replace("option metric '10'", "option metric '2'").replace("option device 'lan5'\n\toption proto 'dhcp'\n\toption metric '15'", "option device 'lan5'\n\toption proto 'dhcp'\n\toption metric '1'");
    // Since then the admin set sensitivity Low in GL's web UI (set_sensitivity writes level and ms),
    // swapped one of wan's tracking targets and gave netifd's wan metric 5 by hand.
    const adminTracks = (t: string): string => t.replace("list tracks 'ping,208.67.220.220'\n\nconfig member 'wan6'", "list tracks 'ping,9.9.9.9'\n\nconfig member 'wan6'");
    const nowKmwan = adminTracks(appliedKmwan.replace("option sensitivity '1000'\n\toption level 'high'", "option sensitivity '5000'\n\toption level 'low'"));
    const nowNetwork = appliedNetwork.replace("option metric '2'", "option metric '5'");
    expect(nowKmwan).toContain("list tracks 'ping,9.9.9.9'");
    const router = (wantKmwan: string, wantNetwork: string) =>
      driverOn(
        flintRouter({
          [kmwanCommands.catKmwan.text]: ok(nowKmwan),
          [kmwanCommands.exportKmwan.text]: ok(`package kmwan\n\n${nowKmwan}`),
          [kmwanCommands.readKmwanOriginal.text]: ok(origKmwan),
          [kmwanCommands.readKmwanApplied.text]: ok(appliedKmwan),
          [kmwanCommands.catNetwork.text]: ok(nowNetwork),
          [kmwanCommands.readNetworkOriginal.text]: ok(origNetwork),
          [kmwanCommands.readNetworkApplied.text]: ok(appliedNetwork),
          [kmwanCommands.readGlmodemOriginal.text]: { stdout: '', stderr: "cat: can't open", exitCode: 1 },
          [discardStageCommand().text]: ok(),
          [stageFileCommand('kmwan').text]: ok(),
          [stageFileCommand('network').text]: ok(),
          [stagedExportCommand('kmwan').text]: ok(serializeUciExport(parseUciConfigFile(wantKmwan, 'kmwan'))),
          [stagedExportCommand('network').text]: ok(serializeUciExport(parseUciConfigFile(wantNetwork, 'network'))),
          [removeHookCommand().text]: ok(),
        }),
        [{ label: '<remove script>', startsWith: '{ [ -e /etc/switchyard/kmwan.orig ]', reply: ok() }],
      );
    // Kept: the admin's sensitivity, targets and netifd metric; put back: what still holds Switchyard's values.
    const keptKmwan = adminTracks(origKmwan.replace("option sensitivity '3000'\n\toption level 'medium'", "option sensitivity '5000'\n\toption level 'low'"));
    const keptNetwork = origNetwork.replace("option metric '10'", "option metric '5'");
    const { shell, d } = router(keptKmwan, keptNetwork);
    const preview = await d.planRemove!();
    expect(preview.changes).toEqual(
      expect.arrayContaining(["kmwan.wan.metric: '2' → '10'", "kmwan.wan6.metric: '2' → '10'", "kmwan.secondwan.metric: '1' → '15'", "kmwan.global.switchyard_frs: '1' → unset", "network.secondwan.metric: '1' → '15'"]),
    );
    expect(preview.changes.join('\n')).not.toMatch(/sensitivity|level|tracks|network\.wan\.metric/);
    expect(preview.adminEdits).toEqual([
      { package: 'kmwan', section: 'global', option: 'sensitivity', original: "'3000'", switchyard: "'1000'", now: "'5000'" },
      { package: 'kmwan', section: 'global', option: 'level', original: "'medium'", switchyard: "'high'", now: "'low'" },
      {
        package: 'kmwan',
        section: 'wan',
        option: 'tracks',
        original: "'ping,1.1.1.1' 'ping,8.8.8.8' 'ping,208.67.222.222' 'ping,208.67.220.220'",
        switchyard: "'ping,1.1.1.1' 'ping,8.8.8.8' 'ping,208.67.222.222' 'ping,208.67.220.220'",
        now: "'ping,1.1.1.1' 'ping,8.8.8.8' 'ping,208.67.222.222' 'ping,9.9.9.9'",
      },
      { package: 'network', section: 'wan', option: 'metric', original: "'10'", switchyard: "'2'", now: "'5'" },
    ]);
    expect(preview.nativeDiff).toContain(
      "\n\n# kept: changed on the router since Switchyard set it\n# kmwan.global.sensitivity: now '5000' (Switchyard set '1000'; before Switchyard '3000')\n# kmwan.global.level: now 'low' (Switchyard set 'high'; before Switchyard 'medium')",
    );
    expect(preview.nativeDiff).toContain("# network.wan.metric: now '5' (Switchyard set '2'; before Switchyard '10')");
    await d.remove();
    const stdinOf = (sh: typeof shell, pkg: string): string | undefined => sh.calls.find((c) => c.command === stageFileCommand(pkg).text)?.stdin;
    expect(stdinOf(shell, 'kmwan')).toBe(keptKmwan);
    expect(stdinOf(shell, 'network')).toBe(keptNetwork);
    // Only the metrics go back, so only set_config's steps run: the admin's sensitivity is not pushed over and kmwan is not restarted.
    const script = shell.scripts['<remove script>']![0]!;
    expect(script).toContain('sync_route_netcell');
    expect(script).not.toContain(pushSensitivityCommand().text);
    expect(script).not.toContain('/etc/init.d/kmwan restart');
    expect(script).not.toContain('/etc/init.d/kmwan reload');
    // The Switchyard record of its last write goes with Remove.
    expect(script).toContain('/etc/switchyard/kmwan.applied /etc/switchyard/network.applied /etc/switchyard/glmodem.applied');

    // Asked to, Remove puts those back too, applied as GL applies a sensitivity and a tracking change.
    const all = router(origKmwan, origNetwork);
    await all.d.remove({ restoreAdminEdits: true });
    expect(stdinOf(all.shell, 'kmwan')).toBe(origKmwan);
    expect(stdinOf(all.shell, 'network')).toBe(origNetwork);
    const allScript = all.shell.scripts['<remove script>']![0]!;
    expect(allScript).toContain(pushSensitivityCommand().text);
    expect(allScript).toContain('/etc/init.d/kmwan restart');
    expect(allScript).not.toContain('/etc/init.d/kmwan reload');
  });

  it('remove applies what it restores the way GL applies each kind of change: set_config steps for mode, metrics and ratios, the kernel push for the sensitivity, a kmwan restart only for tracking', () => {
    const original = S('flint2_uci-export-kmwan.txt').replace(/^package kmwan\n\n/, '');
    const flagsFor = (now: string) => planKmwanRemove({ kmwan: { now, original }, network: null, glmodem: null }).flags;
    expect(flagsFor(original.replace("option mode 'failover'", "option mode 'balance'"))).toEqual({ setConfig: true, statusEvent: true, sensitivityChanged: false, restartKmwan: false });
    expect(flagsFor(original.replace("option sensitivity '3000'", "option sensitivity '1000'"))).toEqual({ setConfig: false, statusEvent: false, sensitivityChanged: true, restartKmwan: false });
    expect(flagsFor(original.replace("list tracks 'ping,1.1.1.1'", "list tracks 'ping,9.9.9.9'"))).toEqual({ setConfig: false, statusEvent: false, sensitivityChanged: false, restartKmwan: true });
    expect(kmwanApplySteps(flagsFor(original.replace("list tracks 'ping,1.1.1.1'", "list tracks 'ping,9.9.9.9'"))).map((x) => ('command' in x ? x.command.text : x.verb))).toEqual(['/etc/init.d/kmwan restart', '[ ! -x /usr/bin/atp ] || /usr/bin/atp interface_changed']);
  });

  it('a tracking and sensitivity change restarts kmwan and pushes the sensitivity to the kernel, and the revert job does both again after it puts the old files back', async () => {
    const kmwanPkg = pkgOf('flint2_uci-export-kmwan.txt', 'kmwan');
    const networkPkg = pkgOf('flint2_uci-export-network.txt', 'network');
    const policy = (await driverOn(flintRouter()).d.readPolicy())!;
    const desired = { ...policy, wans: policy.wans.map((x, i) => ({ ...x, tracking: { ...x.tracking, timeoutSec: 1, ...(i === 0 ? { targets: ['9.9.9.9'] } : {}) } })) };
    const w = planKmwanWrite({ kmwan: kmwanPkg, network: networkPkg, glmodem: null }, configOf(kmwanPkg), desired);
    expect(w).toMatchObject({ restartKmwan: true, sensitivityMs: 1000, setConfig: false, packages: ['kmwan'] });
    const { shell, d } = driverOn(
      flintRouter({
        [stageCommand(['kmwan']).text]: recorded(lab, 'uci_edit__uci-batch-no-commit'),
        [stagedExportCommand('kmwan').text]: ok(serializeUciExport(applyUciBatchOps(kmwanPkg, w.ops))),
        [installHookCommand().text]: ok(),
      }),
      [{ label: '<install script>', startsWith: "{ trap '' HUP; }", reply: ok() }],
    );
    await d.commit(await d.plan(desired), { revertInSec: 60 });
    const install = shell.scripts['<install script>']![0]!;
    const steps = `{ ${pushSensitivityCommand().text}; } && { /etc/init.d/kmwan restart; } && { [ ! -x /usr/bin/atp ] || /usr/bin/atp interface_changed; }`;
    expect(install).toContain(steps);
    // The revert job's text, as the install script writes it to the router (single quotes escaped for sh).
    const revert = /printf '%s' '(#!\/bin\/sh[\s\S]*?)'; } >/.exec(install)![1]!.replaceAll("'\\''", "'");
    const lines = revert.split('\n');
    const restored = lines.findIndex((l) => l.startsWith('if [ "$(md5sum < /etc/config/kmwan)" = "$(md5sum < /etc/switchyard/pending/kmwan.installed)" ]; then cp /etc/switchyard/pending/kmwan /etc/config/kmwan; else'));
    expect(restored).toBeGreaterThan(0);
    expect(lines.slice(restored + 1, restored + 4)).toEqual([pushSensitivityCommand().text, '/etc/init.d/kmwan restart', '[ ! -x /usr/bin/atp ] || /usr/bin/atp interface_changed']);
    // GL's steps are the whole apply: no kmwan reload after them (kmwan is only stopped if Switchyard had to enable it).
    expect(revert).not.toContain('/etc/init.d/kmwan reload');
    expect(lines[restored + 4]).toBe('[ "$(cat /etc/switchyard/pending/kmwan.was-enabled)" = 1 ] || { /etc/init.d/kmwan stop; /etc/init.d/kmwan disable; }');
    syntaxOk(revert);
  });

  it("keeps a copy of what each commit wrote, as Switchyard's last write for Remove, and the revert job puts back the copy from before the commit with the files", async () => {
    const kmwanPkg = pkgOf('flint2_uci-export-kmwan.txt', 'kmwan');
    const networkPkg = pkgOf('flint2_uci-export-network.txt', 'network');
    const policy = (await driverOn(flintRouter()).d.readPolicy())!;
    const desired = { ...policy, wans: [{ ...policy.wans[0]!, priority: 2 }, { ...policy.wans[1]!, priority: 1 }] };
    const w = planKmwanWrite({ kmwan: kmwanPkg, network: networkPkg, glmodem: null }, configOf(kmwanPkg), desired);
    const { shell, d } = driverOn(
      flintRouter({
        [stageCommand(['kmwan', 'network']).text]: recorded(lab, 'uci_edit__uci-batch-no-commit'),
        [stagedExportCommand('kmwan').text]: ok(serializeUciExport(applyUciBatchOps(kmwanPkg, w.ops.filter((o) => o.package === 'kmwan')))),
        [stagedExportCommand('network').text]: ok(serializeUciExport(applyUciBatchOps(networkPkg, w.ops.filter((o) => o.package === 'network')))),
        [installHookCommand().text]: ok(),
      }),
      [{ label: '<install script>', startsWith: "{ trap '' HUP; }", reply: ok() }],
    );
    await d.commit(await d.plan(desired), { revertInSec: 60 });
    const install = shell.scripts['<install script>']![0]!;
    syntaxOk(install);
    const at = (needle: string): number => {
      const i = install.indexOf(needle);
      expect(i, needle).toBeGreaterThanOrEqual(0);
      return i;
    };
    // First commit: the record starts as the router before Switchyard (kmwan's copy last: its presence means the record is whole) ...
    const seed = at('{ [ -e /etc/switchyard/kmwan.applied ] || { cp /etc/config/network /etc/switchyard/network.applied; } && { cp /etc/config/kmwan /etc/switchyard/kmwan.applied; }; }');
    // ... is saved for the revert job before anything changes ...
    const backup = at('{ [ ! -e /etc/switchyard/kmwan.applied ] || cp /etc/switchyard/kmwan.applied /etc/switchyard/pending/kmwan.applied; }');
    const armed = at('/etc/switchyard/pending/armed; }');
    // ... and holds each file as installed.
    const swapped = at('{ mv /etc/switchyard/pending/kmwan.new /etc/config/kmwan; } && { cp /etc/config/kmwan /etc/switchyard/kmwan.applied; }');
    at('{ mv /etc/switchyard/pending/network.new /etc/config/network; } && { cp /etc/config/network /etc/switchyard/network.applied; }');
    expect(at('cp /etc/config/kmwan /etc/switchyard/kmwan.orig') < seed && seed < backup && backup < armed && armed < swapped).toBe(true);
    const revert = /printf '%s' '(#!\/bin\/sh[\s\S]*?)'; } >/.exec(install)![1]!.replaceAll("'\\''", "'");
    syntaxOk(revert);
    const lines = revert.split('\n');
    const token = lines.findIndex((l) => l.startsWith('grep -qx'));
    expect(lines.slice(token + 1, token + 3)).toEqual([
      'if [ -e /etc/switchyard/pending/kmwan.applied ]; then cp /etc/switchyard/pending/kmwan.applied /etc/switchyard/kmwan.applied; else rm -f /etc/switchyard/kmwan.applied; fi',
      'if [ -e /etc/switchyard/pending/network.applied ]; then cp /etc/switchyard/pending/network.applied /etc/switchyard/network.applied; else rm -f /etc/switchyard/network.applied; fi',
    ]);
    // Each file goes back whole only while it is what the commit installed (kept for the job beside the backup);
    // after an edit on the router (GL's web UI commits at once) only the options still holding the commit's values go back.
    at('{ mv /etc/switchyard/pending/network.new /etc/config/network; } && { cp /etc/config/network /etc/switchyard/network.applied; } && { cp /etc/config/network /etc/switchyard/pending/network.installed; }');
    expect(lines[token + 4]).toBe(
      'if [ "$(md5sum < /etc/config/network)" = "$(md5sum < /etc/switchyard/pending/network.installed)" ]; then cp /etc/switchyard/pending/network /etc/config/network; else ' +
        "{ if [ \"$(uci -q get network.secondwan.metric)\" = 1 ]; then uci set 'network.secondwan.metric=15'; else logger -t switchyard 'revert kept network.secondwan.metric: changed on the router since Switchyard set it'; fi; }; " +
        "{ if [ \"$(uci -q get network.wan.metric)\" = 2 ]; then uci set 'network.wan.metric=10'; else logger -t switchyard 'revert kept network.wan.metric: changed on the router since Switchyard set it'; fi; }; " +
        '{ uci commit network; }; fi',
    );
    const kmwanLine = lines[token + 3]!;
    for (const [key, was, set] of [['kmwan.wan.metric', '10', '2'], ['kmwan.wan6.metric', '10', '2'], ['kmwan.secondwan.metric', '15', '1'], ['kmwan.secondwan6.metric', '15', '1']] as const) {
      expect(kmwanLine).toContain(`{ if [ "$(uci -q get ${key})" = ${set} ]; then uci set '${key}=${was}'; else logger -t switchyard 'revert kept ${key}: changed on the router since Switchyard set it'; fi; }`);
    }
    expect(kmwanLine).toMatch(/\{ uci commit kmwan; \}; fi$/);
    expect(revert).not.toContain('/etc/init.d/kmwan reload');
  });
});

describe("the router's own events", () => {
  it('follows the hook log as it is written', async () => {
    const streamed: string[] = [];
    const shell = { ...createReplayShell(flintRouter()), stream: async (c: { text: string }) => (streamed.push(c.text), { close: () => undefined } as never) };
    await createKmwanDriver(shell as never, { assessment: assessKmwanConfig(parseUciExport(S('flint2_uci-export-kmwan.txt'), 'kmwan')) }).followRouterEvents!(() => undefined);
    expect(streamed).toEqual(['tail -n 0 -F /tmp/switchyard-kmwan-events']);
  });

  it('reads the verdicts the hook logged, on the laptop clock', async () => {
    const { d } = driverOn(flintRouter({ [readEventsCommand().text]: ok(`${now / 1000 - 10}\n${now / 1000 - 70} wan offline\n${now / 1000 - 40} wan online\n`) }));
    expect(await d.readRouterEvents!(now - 30_000)).toEqual([
      { key: expect.any(String), atMs: now - 30_000, routerAtMs: now - 40_000, kind: 'online', wan: 'wan', message: 'kmwan put wan back online.' },
    ]);
  });
});

describe('a kmwan config with values GL.iNet does not write', () => {
  it('is read-only with the reason, while options Switchyard does not manage are only notes', () => {
    const text = S('flint2_uci-export-kmwan.txt');
    const extra = assessKmwanConfig(parseUciExport(text.replace("option level 'medium'", "option level 'medium'\n\toption some_future_option '1'"), 'kmwan'));
    expect(extra).toMatchObject({ kind: 'configurable', config: { notes: ["kmwan.global.some_future_option=1 is kept as it is (Switchyard does not manage it)."] } });
    const old = assessKmwanConfig(parseUciExport(text.replace("option mode 'failover'", "option mode 'balancing'"), 'kmwan'));
    expect(old).toMatchObject({ kind: 'read-only', reasons: ["kmwan.global.mode is 'balancing'; GL.iNet writes failover or balance."] });
    const weight = assessKmwanConfig(parseUciExport(text.replace("option weight '1'", "option weight '20'"), 'kmwan'));
    expect(weight).toMatchObject({ kind: 'read-only', reasons: ["kmwan.wan.weight is '20', not a whole number from 0 to 10."] });
  });

  it('refuses to plan or commit on such a router', async () => {
    const text = S('flint2_uci-export-kmwan.txt').replace("option mode 'failover'", "option mode 'balancing'");
    const shell = createReplayShell(flintRouter({ [kmwanCommands.exportKmwan.text]: ok(text) }));
    const d = createKmwanDriver(shell, { assessment: assessKmwanConfig(parseUciExport(text, 'kmwan')) });
    expect(d.capabilities).toMatchObject({ readOnly: true, supportsManualFailover: false });
    expect((await d.readStatus()).wans.map((w) => w.state)).toEqual(['online', 'online']);
    const plan = await d.plan({ mode: 'failover', forcedRefreshStreams: false, wans: [] as unknown as FailoverPolicy['wans'] });
    expect(plan.problems).toEqual([expect.stringMatching(/^Switchyard only watches this GL\.iNet router: .*kmwan\.global\.mode is 'balancing'/)]);
    await expect(d.commit(plan, { revertInSec: 60 })).rejects.toMatchObject({ code: 'unsupported' });
  });
});
