// `npm run bench -- monitor`: the monitor on a lab router with 4 uplinks. Measures app and router
// CPU over --seconds (default 60), resident memory (a soak with --soak-minutes), a 24 h history
// query over a synthetic day of 4 uplinks, and impair → LinkEvent latency over --trials.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { impair, labDown, labSkipReason, labUp, type LabInfo, type LabRouter } from '../test/lab/lab.ts';
import { run } from '../test/lab/run-command.ts';
import type { LinkEvent } from '../src/shared/model.ts';
import { connectLabRouter, labSnmp, labUplinks, probeProcesses, routeLabUplinks } from '../src/main/core/monitor/lab-monitor.test-util.ts';
import type { MonitorSample, SampleBatch } from '../src/shared/api/monitor-schemas.ts';
import type { LossDetection } from '../src/main/core/monitor/monitor-types.ts';
import { RouterMonitor } from '../src/main/core/monitor/router-monitor.ts';
import { systemProbeClock } from '../src/main/core/probes/probe-tracker.ts';
import { ensureHistorySchema, HistoryStore, type MinuteRollup } from '../src/main/core/store/history-store.ts';
import type { Benchmark, BenchContext } from './bench-registry.ts';
import { round, summarize } from './bench-stats.ts';

const LAB = 'monb';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const clockTicksPerSec = 100; // USER_HZ on every Linux this runs on

/** CPU ticks of every process of the router (its network namespace = its PID namespace), children reaped included. */
async function routerTicks(router: LabRouter): Promise<Map<number, { ticks: number; cmd: string }>> {
  const { stdout } = await run(['ip', 'netns', 'pids', router.namespace]);
  const out = new Map<number, { ticks: number; cmd: string }>();
  for (const pid of stdout.split(/\s+/).filter(Boolean).map(Number)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 60);
      out.set(pid, { ticks, cmd });
    } catch {
      // the process ended between the listing and the read
    }
  }
  return out;
}

/** CPU % of one core used by the router's processes between two snapshots, by command. */
function routerCpu(before: Map<number, { ticks: number; cmd: string }>, after: Map<number, { ticks: number; cmd: string }>, seconds: number) {
  let total = 0;
  const byCmd = new Map<string, number>();
  for (const [pid, a] of after) {
    const d = a.ticks - (before.get(pid)?.ticks ?? 0);
    total += d;
    const key = a.cmd.split(' ')[0]?.replace(/^.*\//, '') ?? '?';
    byCmd.set(key, (byCmd.get(key) ?? 0) + d);
  }
  const pct = (ticks: number) => round((100 * ticks) / clockTicksPerSec / seconds, 2);
  return { pct: pct(total), byCommand: Object.fromEntries([...byCmd].filter(([, t]) => t > 0).map(([k, t]) => [k, pct(t)])) };
}

/** A day of 1 s samples and their minute roll-ups for 4 uplinks, as the monitor writes them. */
function loadSyntheticDay(store: HistoryStore, endMs: number, wans: readonly string[]): number {
  const fromMs = endMs - 86_400_000;
  let rows = 0;
  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let minute = fromMs; minute < endMs; minute += 60_000) {
    const seconds: MonitorSample[] = [];
    const minutes: MinuteRollup[] = [];
    for (const wan of wans) {
      const lat: number[] = [];
      for (let k = 0; k < 60; k++) {
        const lost = rand() < 0.01;
        const l = lost ? null : 20 + rand() * 10;
        if (l !== null) lat.push(l);
        seconds.push({ routerId: 'bench', wan, atMs: minute + k * 1000, latencyMs: l, latencyMinMs: l, latencyMaxMs: l, latencyP95Ms: l, jitterMs: l === null ? null : 2, jitterMasdMs: l === null ? null : 2, lossPct: lost ? 100 : 0, rxBps: rand() * 1e7, txBps: rand() * 1e6, sent: 1, received: lost ? 0 : 1 });
      }
      minutes.push({ routerId: 'bench', wan, atMs: minute, latencyMs: 25, latencyMinMs: Math.min(...lat), latencyMaxMs: Math.max(...lat), latencyP95Ms: 29, jitterMs: 2, jitterMasdMs: 2, lossPct: (100 * (60 - lat.length)) / 60, rxBps: 5e6, txBps: 5e5, rxMinBps: 0, rxMaxBps: 1e7, txMinBps: 0, txMaxBps: 1e6, sent: 60, received: lat.length });
    }
    store.addSamples(seconds, minutes);
    rows += seconds.length;
  }
  return rows;
}

async function historyQueryBench(ctx: BenchContext, dir: string, queries: number) {
  const db = new DatabaseSync(join(dir, 'history-day.db'));
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
  ensureHistorySchema(db);
  const store = new HistoryStore(db);
  const wans = ['eth1', 'wlan0', 'usb0', 'wwan0'];
  const endMs = Math.floor(Date.now() / 60_000) * 60_000 - 30_000; // the last half minute not rolled up yet
  const loadStart = performance.now();
  const rows = loadSyntheticDay(store, endMs, wans);
  ctx.log(`history: loaded ${rows} synthetic 1 s samples (24 h × 4 uplinks) + roll-ups in ${Math.round(performance.now() - loadStart)} ms`);
  const timed = (fromMs: number, toMs: number) => {
    const times: number[] = [];
    let points = 0;
    let resolution = '';
    for (let i = 0; i < queries; i++) {
      const t = performance.now();
      const r = store.query({ routerId: 'bench', fromMs, toMs }, toMs);
      times.push(performance.now() - t);
      points = Math.max(...r.series.map((s) => s.points.length));
      resolution = r.resolution;
    }
    return { ms: summarize(times), maxPointsPerSeries: points, resolution };
  };
  const day = timed(endMs - 86_400_000, endMs + 30_000);
  const hour = timed(endMs - 3_600_000, endMs + 30_000);
  db.close();
  ctx.log(`history: 24 h query, 4 uplinks: median ${day.ms.median} ms, p95 ${day.ms.p95} ms, max ${day.ms.max} ms (n=${day.ms.n}; ${day.maxPointsPerSeries} points/series from ${day.resolution} data)`);
  ctx.log(`history: 1 h query, 4 uplinks: median ${hour.ms.median} ms, p95 ${hour.ms.p95} ms (${hour.maxPointsPerSeries} points/series from ${hour.resolution} data)`);
  return { day24h: day, hour1h: hour, syntheticRows: rows };
}

export const monitorBenchmark: Benchmark = {
  name: 'monitor',
  summary: 'Monitor 4 lab uplinks at 1 Hz: app and router CPU, memory, 24 h history query, impair → event latency.',
  options: {
    throughput: { type: 'string' }, // snmp (v3 authPriv, default) | proc
    trials: { type: 'string' },
    queries: { type: 'string' },
    'soak-minutes': { type: 'string' },
    'keep-lab': { type: 'boolean' },
  },
  async run(ctx) {
    const skip = labSkipReason();
    if (skip) throw new Error(`the monitor benchmark needs the lab: ${skip}`);
    const seconds = ctx.seconds ?? 60;
    const trials = Number(ctx.options.trials ?? 10);
    const queries = Number(ctx.options.queries ?? 30);
    const soakMinutes = Number(ctx.options['soak-minutes'] ?? 0);
    const throughput = (ctx.options.throughput as string | undefined) ?? 'snmp';
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));

    const history = await historyQueryBench(ctx, dir, queries);

    await labDown(LAB);
    const info: LabInfo = await labUp({ name: LAB, routers: 1, wans: 4 });
    const router = info.routers[0]!;
    await routeLabUplinks(LAB, router);
    const conn = await connectLabRouter(router);
    const db = new DatabaseSync(join(dir, 'switchyard.db'));
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
    ensureHistorySchema(db);
    const samples: SampleBatch[] = [];
    let sampleCount = 0;
    const linkEvents: { event: LinkEvent; receivedMs: number }[] = [];
    const detections: LossDetection[] = [];
    const monitor = new RouterMonitor({
      routerId: 'r01',
      shell: conn,
      uplinks: labUplinks(info, router),
      snmp: throughput === 'proc' ? null : labSnmp(router, '3'),
      history: new HistoryStore(db),
      emit: ((event: string, payload: unknown) => {
        if (event === 'onDidSample') {
          sampleCount += (payload as SampleBatch).samples.length;
          if (samples.length < 5) samples.push(payload as SampleBatch);
        } else linkEvents.push({ event: payload as LinkEvent, receivedMs: systemProbeClock.nowMs() });
      }) as never,
      onDidDetect: (d) => detections.push(d),
    });

    try {
      // The router idle, for comparison.
      const idle0 = await routerTicks(router);
      await sleep(10_000);
      const idle = routerCpu(idle0, await routerTicks(router), 10);
      ctx.log(`router idle (sshd, snmpd, reaper; no monitoring): ${idle.pct} % of one core`);

      await monitor.start();
      await sleep(3000); // past the start-up (SSH channels, SNMP discovery)
      const status = monitor.status();
      ctx.log(`monitoring ${status.uplinks.length} uplinks, throughput from ${status.throughputSource}${status.throughputNotes.length ? ` (${status.throughputNotes.join('; ')})` : ''}`);
      const r0 = await routerTicks(router);
      const cpu0 = process.cpuUsage();
      const wall0 = performance.now();
      const rss0 = process.memoryUsage().rss;
      const count0 = sampleCount;
      await sleep(seconds * 1000);
      const wallSec = (performance.now() - wall0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const router1 = routerCpu(r0, await routerTicks(router), wallSec);
      const appPct = round((100 * (cpu.user + cpu.system)) / 1e6 / wallSec, 2);
      const samplesPerUplinkPerSec = round((sampleCount - count0) / 4 / wallSec, 3);
      ctx.log(`app CPU over ${Math.round(wallSec)} s: ${appPct} % of one core (user ${round(cpu.user / 1e6, 2)} s, system ${round(cpu.system / 1e6, 2)} s)`);
      ctx.log(`router CPU over ${Math.round(wallSec)} s: ${router1.pct} % of one core, by command ${JSON.stringify(router1.byCommand)}`);
      ctx.log(`samples: ${samplesPerUplinkPerSec} per uplink per second`);

      let soak: Record<string, unknown> = { ran: false };
      if (soakMinutes > 0) {
        const mark = Math.min(5, soakMinutes);
        await sleep(Math.max(0, mark * 60_000 - seconds * 1000));
        const rssAt5 = process.memoryUsage().rss;
        await sleep((soakMinutes - mark) * 60_000);
        const rssEnd = process.memoryUsage().rss;
        soak = { ran: true, minutes: soakMinutes, rssAtMinute5Mb: round(rssAt5 / 2 ** 20, 1), rssAtEndMb: round(rssEnd / 2 ** 20, 1), growthPct: round((100 * (rssEnd - rssAt5)) / rssAt5, 2) };
        ctx.log(`soak: RSS ${soak.rssAtMinute5Mb} MB at minute ${mark} → ${soak.rssAtEndMb} MB at minute ${soakMinutes} (${soak.growthPct} %)`);
      }
      const rss1 = process.memoryUsage().rss;

      // impair → LinkEvent: blackhole one uplink at a random moment, wait for the event on the contract.
      const totals: number[] = [];
      const rules: number[] = [];
      const overheads: number[] = [];
      const wans = router.wans.map((w) => w.name);
      for (let k = 0; k < trials; k++) {
        const wan = wans[k % wans.length]!;
        await sleep(2000 + Math.random() * 1000);
        const seen = linkEvents.length;
        const seenDetections = detections.length;
        await impair(LAB, router.name, wan, { kind: 'blackhole' });
        const impairedMs = systemProbeClock.nowMs();
        let hit: { event: LinkEvent; receivedMs: number } | undefined;
        for (let waited = 0; waited < 15_000 && !hit; waited += 20) {
          hit = linkEvents.slice(seen).find((e) => e.event.wan === wan && e.event.to === 'silent');
          if (!hit) await sleep(20);
        }
        const det = detections.slice(seenDetections).find((d) => d.wan === wan);
        await impair(LAB, router.name, wan, { kind: 'clear' });
        if (!hit || !det) {
          ctx.log(`trial ${k + 1} (${wan}): no event within 15 s`);
          continue;
        }
        totals.push(hit.receivedMs - impairedMs);
        rules.push(det.ruleMetAtMs - impairedMs);
        overheads.push(hit.receivedMs - det.ruleMetAtMs);
        ctx.log(`trial ${k + 1} (${wan}): event ${Math.round(hit.receivedMs - impairedMs)} ms after impair; rule met at ${Math.round(det.ruleMetAtMs - impairedMs)} ms (first silent probe sent at ${Math.round(det.firstLostSentMs - impairedMs)} ms); detected ${Math.round(det.detectedAtMs - det.ruleMetAtMs)} ms and on the contract ${Math.round(hit.receivedMs - det.ruleMetAtMs)} ms beyond it`);
        for (let waited = 0; waited < 10_000; waited += 50) {
          if (linkEvents.slice(seen).some((e) => e.event.wan === wan && e.event.to === 'answering')) break;
          await sleep(50);
        }
      }
      await monitor.stop();
      await sleep(300);
      const left = await probeProcesses(LAB, router);
      ctx.log(`after stop: ${left.length === 0 ? 'no probe process left on the router' : `LEFT RUNNING: ${left.join('; ')}`}`);
      const beyond = summarize(overheads);
      ctx.log(
        `impair → LinkEvent: median ${summarize(totals).median} ms, p95 ${summarize(totals).p95} ms, max ${summarize(totals).max} ms (n=${totals.length}); ` +
          `of which the detection rule itself (3 probes lost: first unanswered probe + 2 intervals + 1 s timeout) median ${summarize(rules).median} ms; ` +
          `beyond the rule: median ${beyond.median} ms, p95 ${beyond.p95} ms, max ${beyond.max} ms`,
      );
      return {
        lab: LAB,
        throughputSource: status.throughputSource,
        seconds: round(wallSec, 1),
        appCpuPct: appPct,
        routerCpuPct: router1.pct,
        routerCpuByCommand: router1.byCommand,
        routerIdleCpuPct: idle.pct,
        samplesPerUplinkPerSec,
        rssMb: { start: round(rss0 / 2 ** 20, 1), end: round(rss1 / 2 ** 20, 1) },
        soak,
        historyQuery24hMs: history.day24h.ms,
        historyQuery24hPointsPerSeries: history.day24h.maxPointsPerSeries,
        historyQuery24hResolution: history.day24h.resolution,
        historyQuery1hMs: history.hour1h.ms,
        impairToEventMs: summarize(totals),
        detectionRuleMs: summarize(rules),
        beyondDetectionMs: beyond,
        probesLeftAfterStop: left.length,
      };
    } finally {
      await monitor.stop().catch(() => undefined);
      await conn.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
      if (!ctx.options['keep-lab']) await labDown(LAB);
    }
  },
};
