// `npm run bench -- ui`: the Monitoring tab in headless Chromium over serve mode, 4 uplinks
// (--uplinks 8) streaming at 1 Hz into the 1 h window (--window '24 h'), for --seconds (default
// 120). Reports per live update the span the user waits: the sample batch reaches the page →
// the end of the frame that draws it on every chart (wall clock, median/p95/max), and from a
// Chromium trace (--trace) the main thread's CPU time in that span and what it was spent on. The
// trace costs the page and the machine (every task recorded and streamed to this process: the
// wall times grow by 1.5-2.5 ms at the median and 3-5 ms at the p95 here), so the wall clock the
// goals are read against is taken without it. On a shared machine the wall times include
// waiting for a core and CPU time does not, so the machine's load average is recorded through
// the run.
//
// No lab: the real core, serve server, contract and renderer run; only the router's monitor is
// replaced by a synthetic one (core.monitor.start/stop/status), which writes a pre-filled hour
// of history and emits one onDidSample batch per second exactly as RouterMonitor does.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import type { MonitorSample, MonitorStatus } from '../src/shared/api/monitor-schemas.ts';
import type { LinkEvent } from '../src/shared/model.ts';
import { HistoryStore, type MinuteRollup } from '../src/main/core/store/history-store.ts';
import { openBrowserSession, type BrowserSession } from '../test/e2e/browser-session.ts';
import { contractCaller } from './bench-lab-router.ts';
import type { Benchmark } from './bench-registry.ts';
import { ensureBuilt } from '../scripts/cached-build.ts';
import { startMainThreadTrace, type MainThreadCpu } from './main-thread-trace.ts';
import { round, summarize } from './bench-stats.ts';


/** What the renderer exposes with ?bench=1 (src/renderer/components/monitoring/chart-timing.ts). */
interface PageGlobals {
  __switchyardChartTimings?: { updateMs: number[]; spansMs: [number, number][]; longTasks: { startMs: number; durationMs: number }[]; pointsPerSeries: number[]; phasesMs?: number[][]; reset(): void };
}
interface SyntheticUplink {
  readonly wan: string;
  readonly device: string;
  readonly baseMs: number;
  readonly lossEvery: number;
}
const allWans: readonly SyntheticUplink[] = [
  { wan: 'wan', device: 'eth1', baseMs: 12, lossEvery: 0 },
  { wan: 'wlan', device: 'wlan0', baseMs: 28, lossEvery: 97 },
  { wan: 'usb', device: 'usb0', baseMs: 45, lossEvery: 41 },
  { wan: 'wwan', device: 'wwan0', baseMs: 70, lossEvery: 13 },
  { wan: 'wan2', device: 'eth2', baseMs: 18, lossEvery: 0 },
  { wan: 'dsl', device: 'eth3', baseMs: 24, lossEvery: 59 },
  { wan: 'wlan2', device: 'wlan1', baseMs: 35, lossEvery: 29 },
  { wan: 'lte2', device: 'wwan1', baseMs: 90, lossEvery: 7 },
];
/** The benchmark's uplinks (--uplinks): the first N of allWans. */
let wans: readonly SyntheticUplink[] = allWans.slice(0, 4);

/** A deterministic, lively second of one uplink: noisy latency, some loss, throughput. */
function syntheticSample(routerId: string, w: SyntheticUplink, atMs: number): MonitorSample {
  const s = atMs / 1000;
  const wave = Math.sin(s / 37) * 0.3 + Math.sin(s / 5.3) * 0.15;
  const noise = ((Math.sin(s * 12.9898 + w.baseMs) * 43758.5453) % 1 + 1) % 1;
  const lost = w.lossEvery > 0 && Math.floor(s) % w.lossEvery === 0;
  const latency = w.baseMs * (1 + wave) + noise * w.baseMs * 0.4;
  const spread = w.baseMs * (0.05 + noise * 0.3);
  const sent = 5;
  const received = lost ? 3 : 5;
  return {
    routerId,
    wan: w.wan,
    atMs,
    latencyMs: latency,
    latencyMinMs: latency - spread / 2,
    latencyMaxMs: latency + spread,
    latencyP95Ms: latency + spread * 0.8,
    jitterMs: spread / 3,
    jitterMasdMs: spread / 3,
    lossPct: (100 * (sent - received)) / sent,
    rxBps: 2e6 + 6e6 * (0.5 + wave) * noise,
    txBps: 3e5 + 4e5 * noise,
    sent,
    received,
  };
}

function minuteOf(seconds: readonly MonitorSample[]): MinuteRollup {
  const lat = seconds.flatMap((s) => (s.latencyMs === null ? [] : [s.latencyMs]));
  const rx = seconds.map((s) => s.rxBps ?? 0);
  const tx = seconds.map((s) => s.txBps ?? 0);
  const sent = seconds.reduce((a, s) => a + s.sent, 0);
  const received = seconds.reduce((a, s) => a + s.received, 0);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  const first = seconds[0]!;
  return {
    ...first,
    atMs: Math.floor(first.atMs / 60_000) * 60_000,
    latencyMs: mean(lat),
    latencyMinMs: Math.min(...seconds.map((s) => s.latencyMinMs ?? Infinity)),
    latencyMaxMs: Math.max(...seconds.map((s) => s.latencyMaxMs ?? -Infinity)),
    latencyP95Ms: Math.max(...seconds.map((s) => s.latencyP95Ms ?? -Infinity)),
    lossPct: (100 * (sent - received)) / sent,
    rxBps: mean(rx),
    txBps: mean(tx),
    rxMinBps: Math.min(...rx),
    rxMaxBps: Math.max(...rx),
    txMinBps: Math.min(...tx),
    txMaxBps: Math.max(...tx),
    sent,
    received,
  };
}

/**
 * The `hours` before now as the monitor would have stored them, with a 40 s outage on one
 * uplink: seconds for the last hour, and minute roll-ups (what the 24 h window reads) for all.
 */
function prefillHistory(store: HistoryStore, routerId: string, nowMs: number, hours: number): number {
  const end = Math.floor(nowMs / 1000) * 1000;
  let rows = 0;
  for (let minute = Math.floor((end - hours * 3_600_000) / 60_000) * 60_000; minute < end; minute += 60_000) {
    const seconds: MonitorSample[] = [];
    const minutes: MinuteRollup[] = [];
    for (const w of wans) {
      const own: MonitorSample[] = [];
      for (let k = 0; k < 60 && minute + k * 1000 < end; k++) {
        const atMs = minute + k * 1000;
        // A gap (nothing stored) on usb 20 minutes ago: it must show as a gap, not a line.
        if (w.wan === 'usb' && atMs > end - 1_200_000 && atMs < end - 1_160_000) continue;
        own.push(syntheticSample(routerId, w, atMs));
      }
      if (minute >= end - 3_600_000) seconds.push(...own);
      if (own.length && minute + 60_000 <= end) minutes.push(minuteOf(own));
    }
    store.addSamples(seconds, minutes);
    rows += seconds.length;
  }
  const events: LinkEvent[] = [
    { id: 'bench-e1', routerId, atMs: end - 1_200_000, kind: 'state', wan: 'usb', from: 'online', to: 'offline', message: 'usb is offline (was online)' },
    { id: 'bench-e2', routerId, atMs: end - 1_160_000, kind: 'state', wan: 'usb', from: 'offline', to: 'online', message: 'usb is online (was offline)' },
    { id: 'bench-e3', routerId, atMs: end - 600_000, kind: 'apply', message: 'a change was applied; the router reverts it unless it is confirmed' },
  ];
  store.addEvents(events);
  return rows;
}

/** Replaces the core's monitor for this router with a synthetic 1 Hz stream of 4 uplinks. */
function syntheticMonitor(session: BrowserSession, store: HistoryStore, routerId: string) {
  const { core } = session;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let startedMs: number | null = null;
  let batches = 0;
  const status = (): MonitorStatus => ({
    routerId,
    running: startedMs !== null,
    startedMs,
    throughputSource: 'snmp',
    throughputNotes: [],
    routerStatus: null,
    uplinks: wans.map((w) => ({ wan: w.wan, device: w.device, target: '203.0.113.10', method: 'ping', state: startedMs !== null ? 'running' : 'stopped', message: null, command: null })),
  });
  const tick = () => {
    // Like RouterMonitor: the second that just ended, every uplink in one batch.
    const atMs = Math.floor(Date.now() / 1000) * 1000 - 1000;
    const samples = wans.map((w) => syntheticSample(routerId, w, atMs));
    store.addSamples(samples);
    core.events.emit('onDidSample', { routerId, atMs: Date.now(), samples });
    batches++;
    timer = setTimeout(tick, 1000 - (Date.now() % 1000) + 150);
  };
  core.monitor.start = async (id) => {
    if (id !== routerId) throw new Error('unknown router');
    if (startedMs === null) {
      startedMs = Date.now();
      timer = setTimeout(tick, 1000 - (Date.now() % 1000) + 150);
    }
    return status();
  };
  core.monitor.stop = async () => {
    clearTimeout(timer);
    const was = startedMs !== null;
    startedMs = null;
    return was;
  };
  core.monitor.status = () => status();
  // The core's monitor now keeps recording after the tab closes: the benchmark stops its own
  // timer before the database closes.
  return { batches: () => batches, running: () => startedMs !== null, stop: () => clearTimeout(timer) };
}

export const uiBenchmark: Benchmark = {
  name: 'ui',
  summary: "Monitoring tab in headless Chromium: 4 uplinks (--uplinks 8) at 1 Hz, 1 h window (--window '24 h'); per update, wall ms from the sample batch reaching the page to the frame that draws it (median/p95/max), its main-thread CPU, and the machine's load.",
  options: { 'no-build': { type: 'boolean' }, trace: { type: 'boolean' }, window: { type: 'string' }, uplinks: { type: 'string' }, profile: { type: 'string' }, screenshots: { type: 'string' } },
  async run(ctx) {
    const seconds = ctx.seconds ?? 120;
    const windowLabel = (ctx.options.window as string | undefined) ?? '1 h';
    const windowHours = ({ '5 min': 1, '1 h': 1, '24 h': 24 } as Record<string, number>)[windowLabel];
    if (windowHours === undefined) throw new Error(`--window must be '5 min', '1 h' or '24 h'; got '${windowLabel}'`);
    const uplinkCount = Number(ctx.options.uplinks ?? 4);
    if (!Number.isInteger(uplinkCount) || uplinkCount < 1 || uplinkCount > allWans.length) throw new Error(`--uplinks must be a whole number from 1 to ${allWans.length}`);
    wans = allWans.slice(0, uplinkCount);
    if (!ctx.options['no-build']) await ensureBuilt('renderer', { log: ctx.log });
    const session = await openBrowserSession();
    let stopMonitor = () => {};
    try {
      const { core, page, server } = session;
      const call = contractCaller(core);
      const site = await call<{ id: string }>('sites.create', { name: 'Bench shop' });
      const router = await call<{ id: string }>('routers.create', { siteId: site.id, name: 'Bench router', host: '192.0.2.1', username: 'root', auth: { kind: 'agent' } });
      const store = new HistoryStore(core.db);
      const rows = prefillHistory(store, router.id, Date.now(), windowHours);
      ctx.log(`history: ${rows} synthetic 1 s samples (1 h × ${wans.length} uplinks)${windowHours > 1 ? `, minute roll-ups for ${windowHours} h` : ''} and 3 events stored`);
      const monitor = syntheticMonitor(session, store, router.id);
      stopMonitor = monitor.stop;

      await page.goto(`${server.origin}/?bench=1#/routers/${encodeURIComponent(router.id)}/monitoring`);
      await page.getByTestId('latency-chart').nth(wans.length - 1).waitFor({ timeout: 60_000 });
      await page.getByRole('button', { name: windowLabel, exact: true }).click();
      await page.waitForFunction((n) => ((globalThis as unknown as PageGlobals).__switchyardChartTimings?.updateMs.length ?? 0) >= n, 3, { timeout: 30_000 });
      const viewport = page.viewportSize();
      const markers = await page.getByTestId('event-marker').count();
      ctx.log(`page: ${viewport?.width}×${viewport?.height}, ${wans.length} uplinks × 3 charts, ${markers} event markers drawn, window ${windowLabel}`);

      // Warm-up done: measure from here.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      const metrics = async () => Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.map((m) => [m.name, m.value]));
      await page.evaluate(() => (globalThis as unknown as PageGlobals).__switchyardChartTimings!.reset());
      const profilePath = ctx.options.profile as string | undefined;
      if (profilePath) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.start');
      }
      const trace = ctx.options.trace ? await startMainThreadTrace(cdp, page) : null;
      const m0 = await metrics();
      const batches0 = monitor.batches();
      const wall0 = performance.now();
      // The machine is shared: its load through the run says how to read the wall times.
      const load1m: number[] = [loadavg()[0]!];
      const progressEvery = Math.max(10, Math.round(seconds / 6));
      for (let s = 0; s < seconds; s += progressEvery) {
        await new Promise((r) => setTimeout(r, Math.min(progressEvery, seconds - s) * 1000));
        const n = await page.evaluate(() => (globalThis as unknown as PageGlobals).__switchyardChartTimings!.updateMs.length);
        load1m.push(loadavg()[0]!);
        ctx.log(`  ${Math.min(seconds, s + progressEvery)} s: ${n} updates, load ${round(load1m.at(-1)!, 2)}`);
      }
      const wallSec = (performance.now() - wall0) / 1000;
      // What the measured period saw, taken before the trace stops: stopping it keeps the page
      // busy for seconds, and updates then are not the ones the CPU figures cover.
      const timings = await page.evaluate(() => {
        const t = (globalThis as unknown as PageGlobals).__switchyardChartTimings!;
        return { updateMs: [...t.updateMs], spansMs: [...t.spansMs], longTasks: [...t.longTasks], points: [...t.pointsPerSeries], phases: [...(t.phasesMs ?? [])] };
      });
      const batches = monitor.batches() - batches0;
      const m1 = await metrics();
      const cpu: MainThreadCpu = trace ? await trace.stop(timings.spansMs) : { updateCpuMs: [], totalCpuMs: NaN, outsideTaskCpuMs: NaN, cpuMsByKind: {} as MainThreadCpu['cpuMsByKind'] };
      if (profilePath) {
        const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown };
        writeFileSync(profilePath, JSON.stringify(profile));
        ctx.log(`CPU profile of the measured period written to ${profilePath} (open it in Chromium's DevTools)`);
      }

      const shots = ctx.options.screenshots as string | undefined;
      if (shots) {
        mkdirSync(shots, { recursive: true });
        await page.screenshot({ path: join(shots, 'monitoring-light.png'), fullPage: true });
        await page.getByRole('button', { name: 'Use the dark theme' }).click();
        await page.getByTestId('latency-chart').first().hover({ position: { x: 500, y: 80 } });
        await page.screenshot({ path: join(shots, 'monitoring-dark.png'), fullPage: true });
      }

      // Closing the tab must stop the (synthetic) monitor: the same path the real one takes.
      await page.getByRole('tab', { name: 'Events' }).click();
      await page.getByTestId('events-table').waitFor();
      for (let i = 0; i < 50 && monitor.running(); i++) await new Promise((r) => setTimeout(r, 100));
      const stoppedOnClose = !monitor.running();
      // The CSV export is a real download in Chromium under the app's CSP.
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), page.getByTestId('events-export').click()]);
      const csvDownloaded = download.suggestedFilename();
      ctx.log(`events: CSV export downloaded as ${csvDownloaded}`);
      if (shots) {
        await page.screenshot({ path: join(shots, 'events-dark.png'), fullPage: true });
        ctx.log(`screenshots in ${shots}`);
      }

      const update = summarize(timings.updateMs);
      const slowest = timings.updateMs.map((ms, i) => ({ ms, i })).sort((a, b) => b.ms - a.ms).slice(0, 8);
      ctx.log(`slowest updates (ms @ index): ${slowest.map((x) => `${round(x.ms, 1)}@${x.i}`).join(' ')}`);
      const busy = (name: string) => round(((m1[name] ?? 0) - (m0[name] ?? 0)) * 1000, 1);
      const mainThread = { taskMs: busy('TaskDuration'), scriptMs: busy('ScriptDuration'), layoutMs: busy('LayoutDuration'), recalcStyleMs: busy('RecalcStyleDuration') };
      const perUpdate = timings.updateMs.length ? round(mainThread.taskMs / timings.updateMs.length, 2) : null;
      const points = summarize(timings.points);
      ctx.log(`updates: ${timings.updateMs.length} drawn from ${batches} batches over ${round(wallSec, 1)} s (${points.max} points per uplink series at most)`);
      ctx.log(`per update, wall clock from the batch reaching the page to the end of the frame that draws it: median ${update.median} ms, p95 ${update.p95} ms, max ${update.max} ms (n=${update.n})`);
      ctx.log(`all main-thread work (CDP TaskDuration, includes style, layout, paint, GC): ${mainThread.taskMs} ms in ${round(wallSec, 1)} s = ${perUpdate} ms per update on average (script ${mainThread.scriptMs}, layout ${mainThread.layoutMs}, style ${mainThread.recalcStyleMs})`);
      ctx.log(`long tasks (> 50 ms): ${timings.longTasks.length}; core monitor on leaving the tab: ${stoppedOnClose ? 'STOPPED (history would have gaps)' : 'kept recording'}`);
      if (session.problems.length) ctx.log(`page problems: ${session.problems.join(' | ')}`);
      const cpuPerUpdate = summarize(cpu.updateCpuMs);
      if (!trace) ctx.log('main-thread CPU: not measured (add --trace; the wall clock then includes the trace\'s cost)');
      else ctx.log(`per update, main-thread CPU time in that span (Chromium trace): median ${cpuPerUpdate.median} ms, p95 ${cpuPerUpdate.p95} ms, max ${cpuPerUpdate.max} ms (n=${cpuPerUpdate.n}); all main-thread CPU ${round(cpu.totalCpuMs, 0)} ms = ${round(cpu.totalCpuMs / Math.max(1, wallSec), 1)} ms per second (of which canvas raster after the task that drew it ${round(cpu.outsideTaskCpuMs / Math.max(1, wallSec), 2)} ms per second)`);
      const cpuPerSecondByKind = Object.fromEntries(Object.entries(cpu.cpuMsByKind).map(([k, ms]) => [k, round(ms / Math.max(1, wallSec), 1)]));
      if (trace) ctx.log(`main-thread CPU per second by kind of work: ${Object.entries(cpuPerSecondByKind).map(([k, ms]) => `${k} ${ms} ms`).join(', ')}`);
      const phaseNames = ['toFlush', 'flushJs', 'waitFrame', 'rafPaint', 'frameRest', 'total'];
      const phases = Object.fromEntries(phaseNames.map((name, i) => [name, summarize(timings.phases.map((p) => p[i]!))]));
      ctx.log(`per update phases (median/p95 ms): ${phaseNames.map((n) => `${n} ${round(phases[n]!.median ?? 0, 2)}/${round(phases[n]!.p95 ?? 0, 2)}`).join(', ')}`);
      // The tail: which phase makes the slowest 5 % slow (a phase row covers one flush, the
      // slowest of its batches' spans; the CPU in that span says whether it waited or worked).
      const tail = tailPhases(timings.phases, cpu.updateCpuMs, timings.updateMs, phaseNames);
      ctx.log(`slowest 5 % of flushes (n=${tail.n}), mean ms: ${Object.entries(tail.meanMs).map(([n, ms]) => `${n} ${ms}`).join(', ')}; each: ${tail.rows.map((r) => r.join('/')).join('  ')} (${phaseNames.join('/')}/cpu)`);
      const load = loadavg();
      const loadRun = summarize(load1m);
      ctx.log(`machine load average (1/5/15 min) at the end: ${load.map((l) => round(l, 2)).join(' / ')} on ${availableParallelism()} cores; 1 min load through the run: median ${loadRun.median}, max ${loadRun.max}`);
      const budgetMs = wans.length > 4 ? 33 : 16;
      ctx.log(`p95 ${update.p95} ms ${update.p95 !== null && update.p95 <= budgetMs ? '≤' : '>'} ${budgetMs} ms budget`);
      return {
        window: windowLabel,
        uplinks: wans.length,
        budgetMs,
        seconds: round(wallSec, 1),
        span: 'sample batch reaches the page → end of the frame that draws it on every chart (wall clock)',
        p50: update.median,
        p95: update.p95,
        max: update.max,
        n: update.n,
        traced: trace !== null,
        cpuMsPerUpdate: cpuPerUpdate,
        mainThreadCpuMsPerSecond: round(cpu.totalCpuMs / Math.max(1, wallSec), 1),
        mainThreadCpuMsPerSecondByKind: cpuPerSecondByKind,
        loadAverage1m: round(load[0]!, 2),
        loadAverage: { end: load.map((l) => round(l, 2)), run1m: load1m.map((l) => round(l, 2)), cores: availableParallelism() },
        phases,
        tailPhasesMeanMs: tail.meanMs,
        mainThreadMsPerUpdate: perUpdate,
        mainThread,
        longTasks: timings.longTasks.length,
        pointsPerSeries: points.max,
        eventMarkers: markers,
        stoppedOnClose,
        csvDownloaded: csvDownloaded.endsWith('.csv'),
        pageProblems: session.problems.length,
        withinBudget: update.p95 !== null && update.p95 <= budgetMs,
      };
    } finally {
      stopMonitor();
      await session.close();
    }
  },
};

/**
 * The slowest 5 % of flushes by total span, with the mean of each phase over them and each one's
 * phases and main-thread CPU. Phase rows are per flush, CPU and spans per batch: a flush's CPU is
 * that of its first batch (the one whose span is the total).
 */
function tailPhases(phases: readonly number[][], cpuMs: readonly number[], updateMs: readonly number[], names: readonly string[]): { n: number; meanMs: Record<string, number>; rows: number[][] } {
  const cpuOfFlush: number[] = [];
  let batch = 0;
  for (const p of phases) {
    const total = p.at(-1)!;
    // A flush's batches are consecutive; the first has the longest span, equal to its total.
    while (batch < updateMs.length && Math.abs(updateMs[batch]! - total) > 0.01) batch++;
    cpuOfFlush.push(cpuMs[batch] ?? NaN);
    batch++;
  }
  const order = phases.map((p, i) => ({ p, i })).sort((a, b) => b.p.at(-1)! - a.p.at(-1)!);
  const worst = order.slice(0, Math.max(1, Math.ceil(phases.length * 0.05)));
  const meanMs = Object.fromEntries(names.map((name, k) => [name, round(worst.reduce((sum, w) => sum + w.p[k]!, 0) / Math.max(1, worst.length), 2)]));
  meanMs.cpu = round(worst.reduce((sum, w) => sum + (cpuOfFlush[w.i] ?? 0), 0) / Math.max(1, worst.length), 2);
  return { n: worst.length, meanMs, rows: worst.map((w) => [...w.p.map((v) => round(v, 1)), round(cpuOfFlush[w.i] ?? NaN, 1)]) };
}
