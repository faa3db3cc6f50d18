// Issue 16 items 1–2 on the real capture of OpenWrt 19.07.7 + mwan3 2.8.16: the admin's
// hand-edited /etc/config/mwan3 goes through plan → apply → remove, and every byte outside
// Switchyard's sy_* sections and the options it manages stays as the admin left it.
import { describe, expect, it } from 'vitest';
import type { SwitchyardError } from '../../../../shared/errors.ts';
import type { RemovePlan } from '../../../../shared/failover-schemas.ts';
import type { ConnectionService } from '../../services/connection-service.ts';
import { FailoverService } from '../../services/failover-service.ts';
import type { RoutersService } from '../../services/routers-service.ts';
import type { RouterDriver } from '../driver.ts';
import type { FailoverPolicy, Wan } from '../../../../shared/model.ts';
import { appliedCopy, readPendingCommand, routerPaths } from './mwan3-apply-script.ts';
import { conntrackHookPath, conntrackHookText } from './mwan3-conntrack-hook.ts';
import { createOpenwrtMwan3Driver, mwan3Commands } from './openwrt-mwan3-driver.ts';
import { recorded, type ReplayMap } from './replay-shell.ts';
import { createStagingShell, outsideSwitchyard } from './staging-replay.ts';
import { capturedFacts as facts, installOk, lab, noFile, ok, readFixture, removeOk } from './test-fixtures.ts';

const real = 'openwrt-19.07.7-mwan3-2.8.16-real';
const before = readFixture(real, 'mwan3.before-switchyard');
const network = readFixture(real, 'network.before-switchyard');

const tracking: Wan['tracking'] = { method: 'ping', targets: ['203.0.113.10', '203.0.113.11'], reliability: 1, intervalSec: 1, timeoutSec: 1, downCount: 3, upCount: 3, failureIntervalSec: 1 };
const policy: FailoverPolicy = {
  mode: 'failover',
  forcedRefreshStreams: false,
  wans: [
    { name: 'wan', device: 'eth1', kind: 'ethernet', gateway: '100.64.1.1', priority: 1, weight: 1, enabled: true, tracking },
    { name: 'wanb', device: 'eth2', kind: 'ethernet', gateway: '100.64.2.1', priority: 2, weight: 1, enabled: true, tracking },
  ],
};

/** The router as the files say; `state` holds what cat returns for each file. */
function router(state: { mwan3: string; network: string; orig?: { mwan3: string; network: string }; applied?: { mwan3: string; network?: string }; hook?: string }): ReplayMap {
  return {
    [mwan3Commands.catHook.text]: state.hook !== undefined ? ok(state.hook) : noFile(conntrackHookPath),
    [mwan3Commands.catMwan3.text]: ok(state.mwan3),
    [mwan3Commands.catNetwork.text]: ok(state.network),
    // Recorded on the 2.12 lab: `uci changes mwan3` prints nothing when nothing is pending.
    [mwan3Commands.changesMwan3.text]: recorded(lab, 'uci_edit__uci-changes-mwan3-after-commit'),
    [readPendingCommand().text]: noFile(routerPaths.armed),
    [mwan3Commands.readMwan3Original.text]: state.orig ? ok(state.orig.mwan3) : noFile(routerPaths.original('mwan3')),
    [mwan3Commands.readNetworkOriginal.text]: state.orig ? ok(state.orig.network) : noFile(routerPaths.original('network')),
    [mwan3Commands.readMwan3Applied.text]: state.applied ? ok(state.applied.mwan3) : noFile(appliedCopy('mwan3')),
    [mwan3Commands.readNetworkApplied.text]: state.applied?.network !== undefined ? ok(state.applied.network) : noFile(appliedCopy('network')),
  };
}

async function apply(state: Parameters<typeof router>[0], p: FailoverPolicy = policy): Promise<{ mwan3: string; network: string; nativeDiff: string; script: string; hook: string | undefined }> {
  const shell = createStagingShell(router(state), [installOk]);
  const driver = createOpenwrtMwan3Driver(shell, { facts });
  const plan = await driver.plan(p);
  expect(plan.problems).toEqual([]);
  await driver.commit(plan, { revertInSec: 60 });
  return { mwan3: shell.staged.mwan3 ?? state.mwan3, network: shell.staged.network ?? state.network, nativeDiff: plan.nativeDiff, script: shell.scripts['<install script>']?.[0] ?? '', hook: shell.staged['own.0'] ?? state.hook };
}

describe('the admin’s hand-edited mwan3 file (real capture, 19.07.7 + mwan3 2.8.16)', () => {
  it('apply edits only Switchyard’s sections and managed options, in place, and keeps every comment and quote', async () => {
    const after = await apply({ mwan3: before, network });
    // The comments, the double-quoted rule, the unquoted value and the double space survive.
    expect(after.mwan3).toContain("\toption up '3'\n\nconfig interface 'wan6'");
    expect(after.mwan3).not.toContain('flush_conntrack');
    expect(after.mwan3).toContain('# hand-edited by the shop\'s admin: keep VoIP on wanb\nconfig rule "voip"\n\toption dest_ip  \'203.0.113.99\'\n\toption proto udp\n\toption use_policy "wanb_wan"   # trailing comment\n');
    expect(outsideSwitchyard(after.mwan3, ['wan', 'wanb'])).toBe(outsideSwitchyard(before, ['wan', 'wanb']));
    // A changed tracking option stays on its own line where it was (the capture had it moved to the end).
    const wanSection = after.mwan3.slice(after.mwan3.indexOf("config interface 'wan'\n"), after.mwan3.indexOf("config interface 'wan6'"));
    expect(wanSection.split('\n').map((l) => l.trim().split(/\s+/)[1])).toEqual(before.slice(before.indexOf("config interface 'wan'\n"), before.indexOf("config interface 'wan6'")).split('\n').map((l) => l.trim().split(/\s+/)[1]));
    // The network file has unique metrics already (10, 20): it is not touched or reloaded.
    expect(after.network).toBe(network);
    expect(after.script).not.toContain('/etc/init.d/network');
    // One reload of mwan3 as a step of the install (the revert job's own copy is text inside printf).
    expect(after.script.match(/\{ \/etc\/init\.d\/mwan3 reload; \}/g)).toHaveLength(1);
    expect(after.nativeDiff).toContain("-\toption interval '5'\n+\toption interval '1'");
  });

  it('lists the router’s rules ahead of Switchyard’s that send traffic elsewhere, each with its choices, and by default puts Switchyard’s rule above them (issue 16 item 8)', async () => {
    const plan = await createOpenwrtMwan3Driver(createStagingShell(router({ mwan3: before, network })), { facts }).plan(policy);
    const all = ['leave', 'disable', 'first'];
    expect(plan.routerRules).toEqual([
      { rule: 'voip', summary: 'UDP to 203.0.113.99 → mwan3 policy "wanb_wan"', choice: 'first', defaultChoice: 'first', allowed: all, unavailable: [] },
      { rule: 'https', summary: 'TCP to port 443, sticky → mwan3 policy "balanced"', choice: 'first', defaultChoice: 'first', allowed: all, unavailable: [] },
    ]);
    expect(plan.nativeDiff).toContain("# the router's rules ahead of Switchyard's that send traffic elsewhere\n# voip (UDP to 203.0.113.99 → mwan3 policy \"wanb_wan\"): Switchyard's rule placed above it");
    expect(plan.notes).toEqual([expect.stringContaining('Flap dampening')]);
  });

  it('the old install re-serialised the whole file (what the capture shows): this is what no longer happens', () => {
    const old = readFixture(real, 'mwan3.after-s3-apply');
    expect(old).not.toContain('# hand-edited');
    expect(outsideSwitchyard(old, ['wan', 'wanb'])).not.toBe(outsideSwitchyard(before, ['wan', 'wanb']));
  });

  it('remove after apply gives back the admin’s file byte for byte, and leaves no /etc/switchyard', async () => {
    const applied = await apply({ mwan3: before, network });
    const shell = createStagingShell(router({ mwan3: applied.mwan3, network, orig: { mwan3: before, network }, applied: { mwan3: applied.mwan3 } }), [removeOk]);
    const driver = createOpenwrtMwan3Driver(shell, { facts });
    const preview = await driver.planRemove();
    expect(preview.adminEdits).toEqual([]);
    expect(preview.nativeDiff).toContain("-config rule 'sy_default'");
    await driver.remove();
    expect(shell.staged.mwan3).toBe(before);
    const script = shell.scripts['<remove script>']![0]!;
    expect(script).toContain('rmdir /etc/switchyard');
    expect(script).not.toContain('/etc/init.d/network');
  });

  it('a later admin edit survives remove; a managed option the admin changed is reported and kept unless asked', async () => {
    const applied = await apply({ mwan3: before, network });
    // The admin, after Switchyard's apply: a new comment and rule of their own, and wan's `up` from 3 to 4.
    const edited = applied.mwan3
      .replace('config rule \'https\'', "# admin, later: printers stay on wan\nconfig rule 'printer'\n\toption dest_ip '192.0.2.50'\n\toption use_policy \"wan_only\"\n\nconfig rule 'https'")
      .replace("\toption up '3'\n\toption family", "\toption up '4'\n\toption family")
      .replace(/(config interface 'wan'\n(?:\t.*\n)*?\toption up )'3'/, "$1'4'");
    expect(edited).toContain("option up '4'");
    const state = { mwan3: edited, network, orig: { mwan3: before, network }, applied: { mwan3: applied.mwan3 } };
    const shell = createStagingShell(router(state), [removeOk]);
    const driver = createOpenwrtMwan3Driver(shell, { facts });
    const preview = await driver.planRemove();
    expect(preview.adminEdits).toEqual([{ package: 'mwan3', section: 'wan', option: 'up', original: "'8'", switchyard: "'3'", now: "'4'" }]);
    await driver.remove();
    const kept = shell.staged.mwan3!;
    expect(kept).toContain("# admin, later: printers stay on wan\nconfig rule 'printer'");
    expect(kept).toContain("option up '4'");
    // Everything else is back as before Switchyard.
    expect(kept.replace(/# admin, later[^]*?\n\n(?=config rule 'https')/, '').replace("option up '4'", "option up '8'")).toBe(before);

    const again = createStagingShell(router(state), [removeOk]);
    await createOpenwrtMwan3Driver(again, { facts }).remove({ restoreAdminEdits: true });
    expect(again.staged.mwan3).toContain("config rule 'printer'");
    expect(again.staged.mwan3).not.toContain("option up '4'");
  });

  it('a metric fix in /etc/config/network is made in place and undone by remove', async () => {
    const shared = network.replace("option metric '20'", "option metric '10'");
    const applied = await apply({ mwan3: before, network: shared });
    // wanb gets the next free multiple of 10 (20), on its own line where the old one was.
    expect(applied.network).toBe(network);
    expect(applied.script.indexOf('/etc/init.d/network reload')).toBeLessThan(applied.script.indexOf('/etc/init.d/mwan3 reload'));
    const shell = createStagingShell(router({ mwan3: applied.mwan3, network: applied.network, orig: { mwan3: before, network: shared }, applied: { mwan3: applied.mwan3, network: applied.network } }), [removeOk]);
    await createOpenwrtMwan3Driver(shell, { facts }).remove();
    expect(shell.staged.network).toBe(shared);
    expect(shell.staged.mwan3).toBe(before);
  });

  it('applying the same policy again changes nothing and reloads nothing', async () => {
    const first = await apply({ mwan3: before, network });
    const shell = createStagingShell(router({ mwan3: first.mwan3, network, hook: first.hook! }), [installOk]);
    const driver = createOpenwrtMwan3Driver(shell, { facts });
    const plan = await driver.plan(policy);
    expect(await driver.commit(plan, { revertInSec: 60 })).toEqual({ revertAtMs: null });
    expect(shell.scripts['<install script>']).toBeUndefined();
  });
});

describe('connection clearing on failover: Switchyard’s per-uplink hook (issue 16 item 4)', () => {
  const hookFor = (frs: boolean): string =>
    conntrackHookText({ uplinks: [{ name: 'wan', device: 'eth1', metric: 1 }, { name: 'wanb', device: 'eth2', metric: 2 }], forcedRefreshStreams: frs });

  it('apply installs the hook under the revert timer and shows it in the diff; mwan3’s whole-table flush is not used', async () => {
    const after = await apply({ mwan3: before, network });
    expect(after.hook).toBe(hookFor(false));
    expect(after.nativeDiff).toContain(`+++ ${conntrackHookPath}`);
    expect(after.nativeDiff).toContain("+  u wan eth1 1\n+  u wanb eth2 2");
    // Staged, checked by md5, and put in by rename after the revert job is armed; the job takes it out again.
    const armedAt = after.script.indexOf('/etc/switchyard/pending/armed');
    const installedAt = after.script.indexOf(`mv ${conntrackHookPath}.switchyard-new ${conntrackHookPath}`);
    expect(armedAt).toBeGreaterThan(-1);
    expect(installedAt).toBeGreaterThan(armedAt);
    expect(after.script).toContain(`if [ -e /etc/switchyard/pending/own.0 ]; then cp /etc/switchyard/pending/own.0 ${conntrackHookPath}; else rm -f ${conntrackHookPath}; fi`);
    expect(after.mwan3).not.toContain('flush_conntrack');
  });

  it('the plan says so in words, and says what to install when the router has no conntrack tool (the captured router had none)', async () => {
    const noTool = { ...facts, hasConntrack: false };
    const plan = await createOpenwrtMwan3Driver(createStagingShell(router({ mwan3: before, network })), { facts: noTool }).plan({ ...policy, forcedRefreshStreams: true });
    expect(plan.changes).toContainEqual(expect.objectContaining({ kind: 'add', subject: expect.stringContaining(conntrackHookPath), to: expect.stringContaining('Forced Refresh Streams') }));
    expect(plan.notes).toContainEqual(expect.stringContaining('no conntrack tool'));
    expect(plan.notes).toContainEqual(expect.stringContaining('opkg update && opkg install conntrack'));
    const withTool = await createOpenwrtMwan3Driver(createStagingShell(router({ mwan3: before, network })), { facts: { ...facts, hasConntrack: true } }).plan(policy);
    expect(withTool.notes!.some((n) => n.includes('conntrack'))).toBe(false);
  });

  it('an admin’s own flush_conntrack on an uplink is named in the plan, taken out, and put back by remove', async () => {
    const withFlush = before.replace("config interface 'wan'\n", "config interface 'wan'\n\tlist flush_conntrack 'disconnected'\n");
    expect(withFlush).not.toBe(before);
    const plan = await createOpenwrtMwan3Driver(createStagingShell(router({ mwan3: withFlush, network })), { facts }).plan(policy);
    expect(plan.changes).toContainEqual(expect.objectContaining({ kind: 'remove', subject: expect.stringContaining("mwan3's flush_conntrack on wan (disconnected)") }));
    const applied = await apply({ mwan3: withFlush, network });
    expect(applied.mwan3).not.toContain('flush_conntrack');
    const shell = createStagingShell(router({ mwan3: applied.mwan3, network, orig: { mwan3: withFlush, network }, applied: { mwan3: applied.mwan3 }, hook: applied.hook! }), [removeOk]);
    await createOpenwrtMwan3Driver(shell, { facts }).remove();
    expect(shell.staged.mwan3).toBe(withFlush);
  });

  it('changing Forced Refresh Streams rewrites the hook (and sy_policy) and nothing else', async () => {
    const first = await apply({ mwan3: before, network });
    const shell = createStagingShell(router({ mwan3: first.mwan3, network, hook: first.hook! }), [installOk]);
    const driver = createOpenwrtMwan3Driver(shell, { facts });
    const plan = await driver.plan({ ...policy, forcedRefreshStreams: true });
    expect(plan.nativeDiff).toContain('-frs=0\n+frs=1');
    await driver.commit(plan, { revertInSec: 60 });
    expect(shell.staged['own.0']).toBe(hookFor(true));
    expect(outsideSwitchyard(shell.staged.mwan3!, ['wan', 'wanb'])).toBe(outsideSwitchyard(before, ['wan', 'wanb']));
    // A reload for the sy_policy option only; the hook itself needs none (hotplug reads it at each event).
    expect(shell.scripts['<install script>']![0]!.match(/\{ \/etc\/init\.d\/mwan3 reload; \}/g)).toHaveLength(1);
  });

  it('a router with the right files but no hook (an older Switchyard) gets the hook alone, with no reload', async () => {
    const first = await apply({ mwan3: before, network });
    const shell = createStagingShell(router({ mwan3: first.mwan3, network }), [installOk]);
    const driver = createOpenwrtMwan3Driver(shell, { facts });
    const plan = await driver.plan(policy);
    expect(plan.nativeDiff.startsWith('# no change')).toBe(false);
    await driver.commit(plan, { revertInSec: 60 });
    expect(shell.staged.mwan3).toBeUndefined();
    expect(shell.staged['own.0']).toBe(hookFor(false));
    expect(shell.scripts['<install script>']![0]!).not.toMatch(/\{ \/etc\/init\.d\/mwan3 reload; \}/);
  });

  it('remove deletes the hook and its RAM state, and its diff shows it going', async () => {
    const applied = await apply({ mwan3: before, network });
    const shell = createStagingShell(router({ mwan3: applied.mwan3, network, orig: { mwan3: before, network }, applied: { mwan3: applied.mwan3 }, hook: applied.hook! }), [removeOk]);
    const driver = createOpenwrtMwan3Driver(shell, { facts });
    const preview = await driver.planRemove();
    expect(preview.nativeDiff).toContain(`--- ${conntrackHookPath}`);
    expect(preview.changes).toContain(`${conntrackHookPath}: delete Switchyard's connection-clearing hook`);
    await driver.remove();
    expect(shell.scripts['<remove script>']![0]!).toContain(`rm -rf ${conntrackHookPath} /var/run/switchyard-conntrack`);
    expect(shell.staged.mwan3).toBe(before);
  });
});

const s2 = readFixture(real, 's2-ubus-interfaces.json');
const ubusReply = s2.slice(0, s2.indexOf('\n}\n') + 3);

describe('status on the real 2.8.16 router', () => {
  it('the capture’s tracker files agree: TRACK_203.0.113.11=skipped on wanb', () => {
    expect(s2).toContain('/var/run/mwan3track/wanb/TRACK_203.0.113.11=skipped');
  });

  it('reads a target mwan3 reports as `skipped` (reliability already met) as answering, not down', async () => {
    const shell = createStagingShell({
      // Derived: uci export is the file with its package line (no pending changes on that router).
      [mwan3Commands.exportMwan3.text]: ok(`package mwan3\n${before}`),
      // The capture holds the ubus reply first, then the tracker's files and a ping: the reply is up to its closing brace.
      [mwan3Commands.ubusInterfaces.text]: ok(ubusReply),
      [readPendingCommand().text]: noFile(routerPaths.armed),
    });
    const status = await createOpenwrtMwan3Driver(shell, { facts }).readStatus();
    const wanb = status.wans.find((w) => w.wan === 'wanb')!;
    expect(wanb.state).toBe('online');
    expect(wanb.targets).toEqual([{ target: '203.0.113.10', up: true }, { target: '203.0.113.11', up: true }]);
  });
});

describe('remove shows its plan first and does only what was agreed (issue 16: remove preview)', () => {
  /** The failover service over one mwan3 router whose files are `states[i]` at the i-th look. */
  function serviceOver(states: Parameters<typeof router>[0][]): { failover: FailoverService; shells: ReturnType<typeof createStagingShell>[] } {
    const shells: ReturnType<typeof createStagingShell>[] = [];
    const routers = { record: () => ({ name: 'shop', platform: 'openwrt-mwan3', facts }) } as unknown as RoutersService;
    const connections = { connection: async () => ({}) } as unknown as ConnectionService;
    const factory = async (): Promise<RouterDriver> => {
      const shell = createStagingShell(router(states[Math.min(shells.length, states.length - 1)]!), [removeOk]);
      shells.push(shell);
      return createOpenwrtMwan3Driver(shell, { facts });
    };
    return { failover: new FailoverService({ routers, connections, drivers: { 'openwrt-mwan3': factory }, record: () => {} }), shells };
  }

  it('the plan is the router’s own diff and the words for it; removing with that plan gives back the admin’s file', async () => {
    const applied = await apply({ mwan3: before, network });
    const state = { mwan3: applied.mwan3, network, orig: { mwan3: before, network }, applied: { mwan3: applied.mwan3 } };
    const { failover, shells } = serviceOver([state]);
    const plan = await failover.planRemove('r1');
    expect(plan.nativeDiff).toContain("-config rule 'sy_default'");
    expect(plan.nativeDiff).toContain("-\toption interval '1'\n+\toption interval '5'");
    expect(plan.changes).toContain("mwan3.sy_policy: remove Switchyard's policy");
    expect(plan.basedOn).toMatch(/^[0-9a-f]{32}$/);
    // Looking changes nothing on the router.
    expect(shells[0]!.scripts['<remove script>']).toBeUndefined();
    expect(await failover.remove('r1', { basedOn: plan.basedOn })).toBe(true);
    expect(shells.at(-1)!.staged.mwan3).toBe(before);
  });

  it('refuses, changing nothing, when the router would now change something other than the plan shown', async () => {
    const applied = await apply({ mwan3: before, network });
    const shown = { mwan3: applied.mwan3, network, orig: { mwan3: before, network }, applied: { mwan3: applied.mwan3 } };
    // Between the look and the click, someone set wan's `up` to 4 on the router.
    const later = { ...shown, mwan3: applied.mwan3.replace(/(config interface 'wan'\n(?:\t.*\n)*?\toption up )'3'/, "$1'4'") };
    const { failover, shells } = serviceOver([shown, later]);
    const plan = await failover.planRemove('r1');
    const error = (await failover.remove('r1', { basedOn: plan.basedOn }).catch((e: unknown) => e)) as SwitchyardError;
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/The router changed since you looked at what Remove would do, so nothing was removed/);
    expect((error.details as { plan: RemovePlan }).plan.adminEdits).toEqual([{ package: 'mwan3', section: 'wan', option: 'up', original: "'8'", switchyard: "'3'", now: "'4'" }]);
    expect(shells.every((s) => s.scripts['<remove script>'] === undefined && s.staged.mwan3 === undefined)).toBe(true);
  });

  it('puts back an option the admin changed only when asked', async () => {
    const applied = await apply({ mwan3: before, network });
    const edited = { mwan3: applied.mwan3.replace(/(config interface 'wan'\n(?:\t.*\n)*?\toption up )'3'/, "$1'4'"), network, orig: { mwan3: before, network }, applied: { mwan3: applied.mwan3 } };
    const { failover, shells } = serviceOver([edited]);
    const plan = await failover.planRemove('r1');
    await failover.remove('r1', { basedOn: plan.basedOn, restoreAdminEdits: true });
    expect(shells.at(-1)!.staged.mwan3).toBe(before);
  });
});
