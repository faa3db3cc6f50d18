// The failover drill on a real lab router through the contract: refused while failover is off;
// then a trial fails eth1 on the router, the report's numbers agree with the router's own log
// and with an independent 10 Hz ping from the LAN client, open connections are counted, and
// the router is left exactly as before. The timer on the router ends a drill by itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core/app-core.ts';
import { outageAfter, probeRecords } from '../../src/main/core/drill/drill-measure.ts';
import { agentEventLog, drillCommands, drillTable, keyValues } from '../../src/main/core/drill/drill-router-commands.ts';
import type { DrillProgress, DrillReport } from '../../src/shared/api/drill-schemas.ts';
import { addLabRouter, contractCaller, labFailoverPolicy, openLabCore, waitProbed, type LabCore } from '../helpers/lab-router.ts';
import { labExec } from '../lab/lab.ts';
import { labFixture } from '../lab/lab-fixture.ts';
import { startLanPing } from '../lab/lan-ping.ts';
import { busyDeadlineMs } from '../lab/wait-until.ts';

const labName = 'dr';
const lab = labFixture({ name: labName, routers: 1, wans: 2 });

describe.skipIf(lab.skipReason)('failover drill on the lab', () => {
  let labCore: LabCore | undefined;
  let core: Core;
  let routerId: string;
  const progress: DrillProgress[] = [];

  const { call, failure } = contractCaller(() => core);
  const router = (...argv: string[]) => labExec(labName, 'r01', argv, { allowFailure: true });
  const policy = () => labFailoverPolicy(lab.info());

  async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  beforeAll(async () => {
    labCore = await openLabCore('sy-drill-');
    core = labCore.core;
    core.events.on('onDidDrillProgress', (p) => {
      progress.push(p);
      if (process.env.DRILL_TEST_VERBOSE) console.log(new Date(p.atMs).toISOString(), p.phase, p.message);
    });
    routerId = await addLabRouter(core, lab.info().routers[0]!, { siteName: 'Drill shop' });
  }, 60_000);
  afterAll(async () => {
    await labCore?.core.drills.settled();
    await labCore?.close();
  });

  it('refuses a drill while failover is not running, and leaves the router alone', async () => {
    expect(await failure('drill.start', { routerId })).toMatchObject({ code: 'conflict', message: expect.stringMatching(/Enable failover first/) });
    expect((await router('nft', 'list', 'table', 'inet', drillTable)).exitCode).not.toBe(0);
    expect(await failure('drill.start', { routerId, trials: 11 })).toMatchObject({ code: 'bad-request' });
  });

  it('fails the active uplink on the router and measures what the router and a LAN client saw', async () => {
    await call('failover.apply', { routerId, policy: policy(), revertInSec: 60 });
    await call('failover.confirm', { routerId });
    // The drill refuses to start unless a backup is online: wait for the probes' real answers,
    // not the agent's optimistic start-up state (see waitProbed).
    await waitProbed(core, routerId, 'eth1');
    const info = lab.info();
    const target = info.probeTargets.icmp[1]!;
    // An open connection from the shop's LAN through eth1, as a card terminal holds one. It
    // lives well past the drill's start however slow the machine (the lab's end stops it).
    await labExec(labName, 'lan', ['sh', '-c', `setsid python3 -c 'import socket,time; s=socket.create_connection(("${info.probeTargets.icmp[0]}",80)); time.sleep(240)' </dev/null >/dev/null 2>&1 &`]);
    await waitFor('the LAN connection', async () => ((await router('conntrack', '-L', '-p', 'tcp', '--state', 'ESTABLISHED')).stdout.includes('dport=80') ? true : undefined), busyDeadlineMs);

    const { drillId } = await call<{ drillId: string }>('drill.start', { routerId, trials: 1, holdSec: 3, probeTarget: target });
    // The independent witness: the LAN client's own 10 Hz ping, from when the router is about to
    // fail eth1 (the drill's start script has a second of probes before the rules) until it is done.
    await waitFor('the failing phase', () => progress.find((p) => p.drillId === drillId && p.phase === 'failing'), 60_000);
    const lanPing = await startLanPing(labName, target);
    const done = await waitFor('the drill to finish', () => progress.find((p) => p.drillId === drillId && (p.phase === 'done' || p.phase === 'failed')), 200_000).finally(() => lanPing.stop());
    expect(done).toMatchObject({ phase: 'done' });
    expect(progress.filter((p) => p.drillId === drillId).map((p) => p.phase)).toEqual(expect.arrayContaining(['preparing', 'failing', 'waiting-failover', 'holding', 'restoring', 'waiting-failback', 'collecting', 'done']));

    const report = await call<DrillReport>('drill.get', { id: done.reportId });
    const t = report.trials[0]!;
    expect(report.predictedFailoverSec).toBe(2.6);
    expect(t).toMatchObject({ failedWan: 'eth1', backupWan: 'wlan0', endedBy: 'app', problems: [] });
    // Detection and the switch come from the agent's own log; the probe's gap brackets them.
    expect(t.detectionSec).toBeGreaterThan(1.5);
    // No upper bound here: on a machine shared by many tests the agent's 0.1 s tick runs late
    // (4.2 s seen at load 22). Speed is the benchmark's job (npm run bench -- drill).
    expect(t.switchSec).toBeGreaterThanOrEqual(t.detectionSec!);
    // The agent writes its switch line after it has changed the routes (several `ip` calls, slow
    // on a busy machine), so traffic may flow a little before the line's time.
    expect(t.firstBackupReplySec).toBeGreaterThanOrEqual(t.detectionSec!);
    expect(Math.abs(t.firstBackupReplySec! - t.switchSec!)).toBeLessThan(1);
    expect(t.probesLost).toBeGreaterThanOrEqual(15);
    expect(t.backToPrimarySec).toBeGreaterThan(1);
    expect(t.backToPrimarySec).toBeLessThan(10);
    expect(t.flowsBefore).toBeGreaterThanOrEqual(1);
    expect(t.flowsCut).toBe(t.flowsBefore);
    expect(t.log.some((l) => /^\d+ switch .*"eth1".*"wlan0"/.test(l.text))).toBe(true);
    expect(report.verdict.text).toMatch(/^Card payments stay up: wlan0 carried traffic \d+\.\d s after eth1 failed/);
    // Passing means within the prediction (plus the probe's resolution); slower is said, not hidden.
    expect(report.verdict.ok).toBe(t.firstBackupReplySec! <= 2.6 + 0.3);
    if (!report.verdict.ok) expect(report.verdict.text).toContain('slower than the predicted worst case of 2.6 s');

    // The LAN client saw the same gap within 0.3 s (same host clock: the lab's namespaces share it).
    const lanOut = await lanPing.stop(); // ended when the drill was done: the failure, its end and the return
    const lan = outageAfter(probeRecords(lanOut.stdout), t.startMs);
    expect(lan?.firstReplyAfterMs ?? null, `LAN ping (drill start ${t.startMs}):\n${lanOut.stdout.slice(0, 4000)}${lanOut.stderr}`).not.toBeNull();
    expect(Math.abs((lan!.firstReplyAfterMs! - t.startMs) / 1000 - t.firstBackupReplySec!)).toBeLessThan(0.3);

    // Kept in the router's history; the router is left as it was.
    expect(await call('drill.list', { routerId })).toMatchObject({ reports: [{ id: report.id, trials: 1 }], running: null });
    expect((await router('nft', 'list', 'table', 'inet', drillTable)).exitCode).not.toBe(0);
    expect((await router('sh', '-c', 'ls /run/switchyard-drill; pgrep -af "[p]ing -n -D"')).stdout.trim()).toBe('');
    // Nor the timer's sleep (maxSec, whole seconds), which outlived its shell when only that was stopped.
    // (The router has its own process namespace: pgrep sees its processes only.)
    const sleeps = (await router('pgrep', '-a', '-x', 'sleep')).stdout.split('\n').filter((line) => /^\d+ sleep \d+$/.test(line.trim()));
    expect(sleeps).toEqual([]);
    expect(await call('failover.status', { routerId })).toMatchObject({ wans: [{ wan: 'eth1', active: true }, { wan: 'wlan0', active: false }] });
    const events = await call<{ events: Array<{ kind: string; message: string }> }>('history.events', { routerId, fromMs: 0, toMs: Date.now() + 1000 });
    expect(events.events.filter((e) => e.kind === 'drill').map((e) => e.message)).toEqual(expect.arrayContaining([expect.stringMatching(/drill started/), expect.stringMatching(/drill finished: Card payments stay up/)]));
  }, 300_000);

  it("three trials in a row each fail back: the drill's own failures are not flaps for the dampening (on by default)", async () => {
    expect(policy().dampening).toBeUndefined();
    // The last drill's failback may still be settling (wlan0's streams, eth1's recovery).
    await waitProbed(core, routerId, 'eth1');
    const { drillId } = await call<{ drillId: string }>('drill.start', { routerId, trials: 3, holdSec: 2, probeTarget: lab.info().probeTargets.icmp[1]! });
    const done = await waitFor('the three trials', () => progress.find((p) => p.drillId === drillId && (p.phase === 'done' || p.phase === 'failed')), 280_000);
    expect(done, done.message).toMatchObject({ phase: 'done' });
    const report = await call<DrillReport>('drill.get', { id: done.reportId });
    expect(report.trials.map((t) => [t.failedWan, t.backToPrimarySec !== null && t.backToPrimarySec < 10])).toEqual([
      ['eth1', true],
      ['eth1', true],
      ['eth1', true],
    ]);
    expect((await router('/usr/local/sbin/switchyard-agent', 'status', '0')).stdout).not.toMatch(/"dampenedUntilMs":[1-9]/);
    expect((await router('cat', agentEventLog)).stdout).not.toMatch(/^\d+ dampen /m);
  }, 300_000);

  it('exports the report as JSON, CSV and HTML', async () => {
    const [summary] = (await call<{ reports: Array<{ id: string }> }>('drill.list', { routerId })).reports;
    const json = await call<{ content: string; fileName: string }>('drill.export', { id: summary!.id, format: 'json' });
    expect(JSON.parse(json.content)).toMatchObject({ id: summary!.id, router: { name: 'r01' } });
    const csv = await call<{ content: string }>('drill.export', { id: summary!.id, format: 'csv' });
    expect(csv.content.split('\n')[0]).toMatch(/^trial,failed_wan,backup_wan/);
    expect(csv.content.split('\n')[1]).toMatch(/^1,eth1,wlan0,/);
    const html = await call<{ content: string }>('drill.export', { id: summary!.id, format: 'html' });
    expect(html.content).toContain('<svg');
    expect(html.content).toContain('Drill shop');
  });

  it('refuses a second drill while one runs', async () => {
    await waitProbed(core, routerId, 'eth1');
    const { drillId } = await call<{ drillId: string }>('drill.start', { routerId, holdSec: 1 });
    expect(await failure('drill.start', { routerId })).toMatchObject({ code: 'conflict', message: expect.stringMatching(/already running/) });
    await waitFor('the drill to finish', () => progress.find((p) => p.drillId === drillId && (p.phase === 'done' || p.phase === 'failed')), 200_000);
  }, 240_000);

  it('the timer on the router ends the failure by itself when nobody comes back to end it', async () => {
    const dir = '/run/switchyard-drill/timer-test';
    const start = drillCommands().start({ dir, device: 'eth1', probeTarget: lab.info().probeTargets.icmp[1]!, maxSec: 3, preRollSec: 1 });
    // The router's clock is this machine's in the lab. The timer is started before the rules load and
    // before startMs is stamped (so rules never exist without it), then sleeps maxSec: measured from
    // startMs it may end early by however long nft took (2.3 s of 3 under load 11). Measured from
    // before the start script ran, it can never end before its pre-roll plus maxSec.
    const launchedMs = Date.now();
    const started = await router('sh', '-c', start.text);
    expect(started.exitCode).toBe(0);
    const startMs = Number(keyValues(started.stdout).startMs);
    expect((await router('nft', 'list', 'table', 'inet', drillTable)).stdout).toContain('oifname "eth1"');
    // The laptop goes away here: nothing ends the drill but the router itself.
    await waitFor('the router timer', async () => ((await router('nft', 'list', 'table', 'inet', drillTable)).exitCode !== 0 ? true : undefined), busyDeadlineMs);
    const endedAt = Number((await router('cat', `${dir}/ended-by-timer`)).stdout.trim());
    expect(endedAt - launchedMs).toBeGreaterThanOrEqual((1 + 3) * 1000);
    expect(endedAt - startMs).toBeLessThan(6_000);
    const ended = await router('sh', '-c', drillCommands().end(dir).text);
    expect(keyValues(ended.stdout)).toMatchObject({ endedBy: 'router-timer', endMs: String(endedAt) });
    await router('sh', '-c', drillCommands().collect(dir).text);
    expect((await router('sh', '-c', 'ls /run/switchyard-drill; pgrep -af "[p]ing -n -D"')).stdout.trim()).toBe('');
  }, 3 * busyDeadlineMs);
});
