// Failover on a plain Linux lab router through the contract, end to end: the agent is
// installed, a policy applied with the revert timer, verified and confirmed; a blackhole on
// the active uplink moves traffic (timed by the router's own log, and in history although no
// window watched); bad input changes nothing; removal restores the routes and is logged as a remove.
// Waits are conditions with deadlines that fit a busy 2-core machine, never fixed sleeps.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core/app-core.ts';
import type { RouterShell } from '../../src/main/core/drivers/driver.ts';
import { createLinuxDriver } from '../../src/main/core/drivers/linux/linux-driver.ts';
import { defaultRouteLines } from '../../src/main/core/drivers/linux/routing-preview.ts';
import type { FailoverPolicy } from '../../src/shared/model.ts';
import { addLabRouter, contractCaller, labFailoverPolicy, openLabCore, waitProbed, type LabCore } from '../helpers/lab-router.ts';
import { impair, labExec } from '../lab/lab.ts';
import { labFixture } from '../lab/lab-fixture.ts';
import { busyDeadlineMs, waitUntil } from '../lab/wait-until.ts';

const labName = 'fo';
const lab = labFixture({ name: labName, routers: 1, wans: 3 });

// Each step may wait on the router several times; an apply alone took 50 s on a loaded machine.
describe.skipIf(lab.skipReason)('Linux failover through the contract', { timeout: 3 * busyDeadlineMs }, () => {
  let labCore: LabCore | undefined;
  let core: Core;
  let dataDir: string;
  let routerId: string;
  let routesBefore: string;

  const { call, failure } = contractCaller(() => core);
  const routes = async () => (await labExec(labName, 'r01', ['ip', '-4', 'route', 'show', 'table', 'all'])).stdout.split('\n').filter((l) => !/^(local|broadcast)/.test(l)).sort().join('\n');

  const mainDefaults = async () => (await labExec(labName, 'r01', ['ip', '-4', 'route', 'show', 'table', 'main', 'default'])).stdout.split('\n').filter(Boolean).map((l) => l.trim());
  const policy = (overrides: Partial<FailoverPolicy> = {}): FailoverPolicy => labFailoverPolicy(lab.info(), { forcedRefreshStreams: false, overrides });

  beforeAll(async () => {
    labCore = await openLabCore('sy-fo-');
    ({ core, dataDir } = labCore);
    routerId = await addLabRouter(core, lab.info().routers[0]!);
    routesBefore = await routes();
  });
  afterAll(async () => {
    await labCore?.close();
  });

  it('shows the uplinks and no Switchyard failover yet', async () => {
    const state = await call<{ platform: string; policy: unknown; candidates: Array<{ device: string }>; status: { enabled: boolean } }>('failover.get', { routerId });
    expect(state.platform).toBe('linux');
    expect(state.policy).toBeNull();
    expect(state.status.enabled).toBe(false);
    expect(state.candidates.map((c) => c.device)).toEqual(expect.arrayContaining(['eth1', 'wlan0', 'usb0']));
  });

  it('refuses bad input before anything reaches the router', async () => {
    const bad = policy();
    const wans = bad.wans.map((w, i) => (i === 0 ? { ...w, gateway: '203.0.113.1' } : i === 1 ? { ...w, device: 'eth9' } : { ...w, tracking: { ...w.tracking, targets: bad.wans[0]!.tracking.targets } }));
    const plan = await call<{ problems: string[] }>('failover.plan', { routerId, policy: { ...bad, wans } });
    expect(plan.problems.join('\n')).toMatch(/outside eth1's network/);
    expect(plan.problems.join('\n')).toMatch(/no interface eth9/);
    expect(plan.problems.join('\n')).toMatch(/target of both/);
    expect(await failure('failover.apply', { routerId, policy: { ...bad, wans }, revertInSec: 30 })).toMatchObject({ code: 'invalid-input' });
    expect(await failure('failover.plan', { routerId, policy: { ...bad, wans: [{ ...bad.wans[0]!, tracking: { ...bad.wans[0]!.tracking, intervalSec: 0 } }] } })).toMatchObject({ code: 'bad-request' });
    expect(await routes()).toBe(routesBefore);
  });

  it('plans in one round trip beside the config read: the interfaces alone, no full detection', async () => {
    const connection = await core.connections.connection(routerId);
    const sent: string[] = [];
    const counting: RouterShell = {
      run: (command, options) => {
        sent.push('text' in command ? command.text : command.join(' '));
        return connection.run(command, options);
      },
      stream: (command, options) => connection.stream(command, options),
    };
    const driver = createLinuxDriver(counting, { agentScriptPath: join(import.meta.dirname, '../../resources/agent/switchyard-agent') });
    sent.length = 0; // the stale temp-file sweep a new connection gets
    const bad = policy();
    const wans = bad.wans.map((w, i) => (i === 0 ? { ...w, gateway: '203.0.113.1' } : i === 1 ? { ...w, device: 'eth9' } : w));
    const plan = await driver.plan({ ...bad, wans });
    // The same checks against the router's interfaces as before: wrong gateway, missing device.
    expect(plan.problems.join('\n')).toMatch(/outside eth1's network 100\.64\.1\.2\/24/);
    expect(plan.problems.join('\n')).toMatch(/no interface eth9 \(it has eth1, wlan0, usb0\)/);
    // The agent's config and the interfaces: two commands, no platform probe, no gateway pings.
    expect(sent).toHaveLength(2);
    expect(sent.join('\n')).not.toMatch(/os-release|ping/);
  });

  it('plans, applies with a revert timer, verifies and confirms', async () => {
    const plan = await call<{ changes: Array<{ kind: string; subject: string; from?: string; to?: string }>; nativeDiff: string; problems: string[]; predictedFailoverSec: number }>('failover.plan', { routerId, policy: policy() });
    expect(plan.problems).toEqual([]);
    expect(plan.changes[0]).toMatchObject({ subject: 'Switchyard failover' });
    expect(plan.nativeDiff).toContain('+ wan.eth1.device=eth1');
    expect(plan.predictedFailoverSec).toBe(2.6);
    // The routing changes are in the plan too: the router's own default route goes (into the
    // snapshot), and the main table's default routes the plan expects are the router's after.
    const ownDefault = (await mainDefaults())[0]!;
    expect(ownDefault).not.toMatch(/proto 241/);
    expect(plan.changes).toContainEqual({ kind: 'remove', subject: expect.stringMatching(/default route .*Remove puts it back/), from: ownDefault });
    expect(plan.changes.find((c) => c.subject === 'Routing rules')?.to).toMatch(/^1000: from all lookup main suppress_prefixlength 0; 1001: from 100\.64\.1\.2 lookup 101; /);
    const expectedDefaults = plan.nativeDiff.split('\n').filter((l) => l.startsWith('+ default')).map((l) => l.slice(2));
    expect(plan.nativeDiff).toContain(`- ${ownDefault}`);

    const applyStartedMs = Date.now();
    const applied = await call<{ revertAtMs: number; verification: { ok: boolean; activeWans: string[] } }>('failover.apply', { routerId, policy: policy(), revertInSec: 60 });
    const applyMs = Date.now() - applyStartedMs;
    expect(applied.verification).toMatchObject({ ok: true, activeWans: ['eth1'] });
    expect(applied.revertAtMs).toBeGreaterThan(Date.now() + 30_000);
    // The router's own deadline (the lab router shares this machine's clock): the 60 s count
    // from when the new settings were in place, and Switchyard never promises more than that.
    const agentStatus = JSON.parse((await labExec(labName, 'r01', ['/usr/local/sbin/switchyard-agent', 'status', '20'])).stdout) as {
      pending: { token: string; deadlineMs: number };
      events: Array<{ tMs: number; kind: string; data: { token?: string } }>;
    };
    const loaded = agentStatus.events.find((e) => e.kind === 'config-loaded' && e.data.token === agentStatus.pending.token);
    expect(agentStatus.pending.deadlineMs).toBeGreaterThanOrEqual(loaded!.tMs + 60_000);
    expect(applied.revertAtMs).toBeLessThanOrEqual(agentStatus.pending.deadlineMs);
    // Early by at most the round trip it was measured over (milliseconds on a quiet machine).
    expect(applied.revertAtMs).toBeGreaterThanOrEqual(agentStatus.pending.deadlineMs - applyMs);
    expect((await mainDefaults()).sort()).toEqual(expectedDefaults.sort());
    // PID 1 of the lab router is no init, so no init script would run at its boot: the agent
    // runs in the background, as the Overview says (it once installed a sysvinit script here).
    expect((await labExec(labName, 'r01', ['cat', '/proc/1/comm'])).stdout.trim()).not.toBe('init');
    expect((await labExec(labName, 'r01', ['cat', '/var/lib/switchyard/init'])).stdout.trim()).toBe('background');
    const confirmed = await call<{ pendingRevertAtMs: number | null; enabled: boolean }>('failover.confirm', { routerId });
    expect(confirmed).toMatchObject({ enabled: true, pendingRevertAtMs: null });
    expect(await call('failover.get', { routerId })).toMatchObject({ policy: { mode: 'failover', wans: [{ name: 'eth1', priority: 1 }, { name: 'wlan0' }, { name: 'usb0' }] } });
  });

  it('moves traffic off a blackholed uplink within the predicted time, and back by hand', async () => {
    // wlan0 must be online on its own probes' word, not the agent's start-up state: a backup
    // whose first reply came late would send the traffic to usb0 and time the wrong switch.
    await waitProbed(core, routerId, 'eth1');
    await impair(labName, 'r01', 'eth1', { kind: 'blackhole' });
    // Once impair has returned the blackhole is in place (its own run time is not the router's).
    const impairedAtMs = Date.now();
    const active = async () => (await call<{ wans: Array<{ wan: string; active: boolean }> }>('failover.status', { routerId })).wans.filter((w) => w.active).map((w) => w.wan);
    expect(await waitUntil(active, (a) => a.includes('wlan0'), { what: 'wlan0 carrying the traffic' })).toEqual(['wlan0']);
    // Timed by the router itself: its log says when it switched (lab routers share the host's
    // clock), whatever the SSH round trips of a busy machine add to our polling.
    const driver = createLinuxDriver(await core.connections.connection(routerId), { agentScriptPath: join(import.meta.dirname, '../../resources/agent/switchyard-agent') });
    const moved = (await driver.readRouterEvents!(impairedAtMs - 1000)).find((e) => e.kind === 'switch' && e.to === 'wlan0' && e.routerAtMs >= impairedAtMs);
    expect(moved, 'the router logged the switch to wlan0').toBeDefined();
    // A sanity bound for a loaded 2-core machine (3 lost probes of 1 s, plus the agent's own
    // shell running late); the failover benchmark measures the real figure on a quiet one.
    expect(moved!.routerAtMs - impairedAtMs).toBeLessThan(6_000);
    await impair(labName, 'r01', 'eth1', { kind: 'clear' });

    const forced = await call<{ forced: string; wans: Array<{ wan: string; active: boolean }> }>('failover.force', { routerId, wan: 'usb0' });
    expect(forced.forced).toBe('usb0');
    const back = await call<{ forced: string }>('failover.force', { routerId, wan: 'auto' });
    expect(back.forced).toBe('auto');
  });

  it('has the failover in history although no window watched it: backfilled from the router once opened (issue 11)', async () => {
    type Ev = { kind: string; wan?: string; from?: string; to?: string; id: string };
    const events = async () => (await call<{ events: Ev[] }>('history.events', { routerId, fromMs: Date.now() - 3_600_000, toMs: Date.now() + 60_000 })).events;
    // No monitor ran during the failover above: nothing of it is known yet.
    expect((await events()).some((e) => e.kind === 'switch')).toBe(false);
    await call('monitor.start', { routerId });
    try {
      const got = await waitUntil(events, (es) => es.some((e) => e.kind === 'switch' && e.from === 'eth1' && e.to === 'wlan0'), { what: 'the backfilled failover' });
      expect(got).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'offline', wan: 'eth1' }), expect.objectContaining({ kind: 'force', wan: 'usb0' }), expect.objectContaining({ kind: 'auto' })]));
    } finally {
      await call('monitor.stop', { routerId });
    }
    // Opened again: nothing stored twice.
    await call('monitor.start', { routerId });
    await call('monitor.stop', { routerId });
    const ids = (await events()).map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    // One entry per act: the apply, the confirm and the forced uplinks are the router's entries,
    // not also Switchyard's own records of them (they were both in the Events tab).
    const acts = (await events()).filter((e) => ['apply', 'confirm', 'manual-failover', 'force', 'auto'].includes(e.kind));
    expect(acts.map((e) => `${e.kind}${e.wan ? ` ${e.wan}` : ''} ${e.id.slice(0, 3)}`)).toEqual(['apply rt-', 'confirm rt-', 'force usb0 rt-', 'auto rt-']);
  });

  it("keeps following the router's engine after the router is edited (the edit closes its SSH connection)", async () => {
    const statuses: Array<{ atMs: number; status: { forced: string } }> = [];
    const unsubscribe = core.events.on('onDidRouterStatus', (e) => statuses.push(e));
    await call('monitor.start', { routerId });
    try {
      await waitUntil(async () => statuses.at(-1), (e) => e?.status.forced === 'auto', { what: "the monitor's first status" });
      // Any edit forgets the connection; the monitor's status and log reads must take the new one.
      const { name } = await call<{ name: string }>('routers.get', { id: routerId });
      await call('routers.update', { id: routerId, patch: { name: `${name} (edited)` } });
      const forcedAtMs = Date.now();
      await call('failover.force', { routerId, wan: 'usb0' });
      const seen = await waitUntil(async () => statuses.filter((e) => e.atMs > forcedAtMs), (es) => es.some((e) => e.status.forced === 'usb0'), { what: 'the forced uplink in the monitor\'s status' });
      expect(seen.length).toBeGreaterThan(0);
    } finally {
      unsubscribe();
      await call('failover.force', { routerId, wan: 'auto' });
      await call('monitor.stop', { routerId });
    }
  });

  it('upgrades the agent in place when this Switchyard ships another one, keeping the policy', async () => {
    // A newer agent: the shipped one plus a line, as a release would differ.
    const newer = join(dataDir, 'switchyard-agent');
    writeFileSync(newer, `${readFileSync(join(import.meta.dirname, '../../resources/agent/switchyard-agent'), 'utf8')}# upgraded\n`);
    const driver = createLinuxDriver(await core.connections.connection(routerId), { agentScriptPath: newer });
    await driver.commit(await driver.plan(policy()), { revertInSec: 60 });
    await driver.confirm();
    const installed = await labExec(labName, 'r01', ['sha256sum', '/usr/local/sbin/switchyard-agent']);
    expect(installed.stdout.split(' ')[0]).toBe(createHash('sha256').update(readFileSync(newer)).digest('hex'));
    expect(await call('failover.status', { routerId })).toMatchObject({ enabled: true, wans: [{ wan: 'eth1', active: true }, { wan: 'wlan0' }, { wan: 'usb0' }] });
  });

  it('says how a later apply changes the routing, and rolls back an unconfirmed change on request', async () => {
    const plan = await call<{ changes: Array<{ subject: string; from?: string; to?: string }> }>('failover.plan', { routerId, policy: policy({ mode: 'balance' }) });
    const traffic = plan.changes.find((c) => c.subject.startsWith('Default route for the traffic'));
    expect(traffic?.from).toMatch(/^default via 100\.64\.1\.1 dev eth1 proto 241 metric 10$/);
    await call('failover.apply', { routerId, policy: policy({ mode: 'balance' }), revertInSec: 60 });
    // The multipath route the plan named is the one the router holds (iproute2 prints its nexthops on lines of their own).
    const held = defaultRouteLines((await labExec(labName, 'r01', ['ip', '-4', 'route', 'show', 'table', 'main', 'default'])).stdout);
    expect(held).toContain(traffic!.to);
    expect(await call('failover.get', { routerId })).toMatchObject({ policy: { mode: 'balance' } });
    await call('failover.rollback', { routerId });
    expect(await call('failover.get', { routerId })).toMatchObject({ policy: { mode: 'failover' } });
  });

  it('restores the previous settings by itself when the management path is cut after an apply', async () => {
    // The lab's management link is a connected /31 that no policy can break, so the cut is made
    // by hand right after the apply: sessions killed, SSH dropped, as a bad change would do.
    await call('failover.apply', { routerId, policy: policy({ mode: 'balance' }), revertInSec: 15 });
    await labExec(labName, 'r01', ['nft', '-f', '-'], { input: 'table inet sycut { chain input { type filter hook input priority -10; tcp dport 22 drop; }; }\n' });
    await labExec(labName, 'r01', ['pkill', '-KILL', '-f', 'sshd: root@'], { allowFailure: true });
    // The router's own word (read beside SSH, which is cut) that nothing waits for confirmation.
    await waitUntil(
      async () => JSON.parse((await labExec(labName, 'r01', ['/usr/local/sbin/switchyard-agent', 'status', '0'])).stdout) as { pending: unknown },
      (st) => st.pending === null,
      { what: 'the router reverting the unconfirmed change by itself' },
    );
    await labExec(labName, 'r01', ['nft', 'delete', 'table', 'inet', 'sycut']);
    // Reachable again, with the settings it had before the apply.
    expect(await call('failover.get', { routerId })).toMatchObject({ policy: { mode: 'failover' }, status: { pendingRevertAtMs: null } });
  });

  it('says what Remove puts back, removes failover and restores the routes exactly', async () => {
    const plan = await call<{ changes: string[]; nativeDiff: string; note?: string; basedOn: string }>('failover.planRemove', { routerId });
    const ownDefault = routesBefore.split('\n').find((l) => l.startsWith('default '))!.trim();
    expect(plan.changes, JSON.stringify(plan)).toContain(`Put back the router's default route: ${ownDefault}`);
    expect(plan.changes.join('\n')).toMatch(/routing tables 101, 102, 103 and its rules 1000, 1001, 1002, 1003/);
    expect(plan.nativeDiff.split('\n').slice(1)).toEqual([ownDefault]);
    expect(plan.note).toBeUndefined();
    expect(await call('failover.remove', { routerId, basedOn: plan.basedOn })).toEqual({ removed: true });
    // Logged as what it was (issue 11: a remove was recorded as an apply).
    const last = (await call<{ events: Array<{ kind: string; message: string }> }>('history.events', { routerId, fromMs: Date.now() - 60_000, toMs: Date.now() + 1000 })).events.at(-1);
    expect(last).toMatchObject({ kind: 'remove', message: expect.stringMatching(/^Removed Switchyard failover/) });
    expect(await routes()).toBe(routesBefore);
    const files = await labExec(labName, 'r01', ['ls', '/etc/switchyard', '/var/lib/switchyard', '/run/switchyard', '/usr/local/sbin/switchyard-agent'], { allowFailure: true });
    expect(files.stdout.trim()).toBe('');
    const processes = await labExec(labName, 'r01', ['pgrep', '-af', 'switchyard-agent'], { allowFailure: true });
    expect(processes.stdout.trim()).toBe('');
    // Nothing left to remove, so a failed remove's check would say the router is back as it was.
    expect(await call('failover.planRemove', { routerId })).toMatchObject({ changes: [], nativeDiff: '' });
  });
});
