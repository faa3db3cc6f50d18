// `npm run bench -- startup`: how long a technician waits, on the lab, in headless Chromium over
// serve mode:
//   1. `npm run serve` → its URL printed and answering, with nothing changed since the last build;
//   2. opening a router page → its health on screen (failover on/off, the uplink carrying the
//      traffic, any offline: the header's badges, read from the router over SSH);
//   3. opening its Monitoring tab → a live sample (taken after the tab opened) shown for every
//      uplink.
// Spans 2 and 3 are cold: before each run the page is loaded afresh on a page that reads nothing
// from the router (an empty site: the sites list would read every router's status and warm the
// page), and the core's SSH connections are closed, as right after the app started.
// Where a cold span goes is measured in the core too, without the browser: the SSH connect, the
// first status read on the fresh connection, and monitor.start → a live sample of every uplink.
// Then `npm run demo`: the command → its URL printed and → the lab router registered ("the demo
// is ready"), once building the lab (none up) and --demo-runs times reusing the lab the previous
// demo left up. The machine's load (os.loadavg) at the start and the end is in the JSON.
// --runs N (default 20) each; median, p95 and max. --failover: with Switchyard's failover applied
// and confirmed on the lab router first, as after setup (the monitor then reads the policy).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { labDown, labUp } from '../test/lab/lab.ts';
import { openBrowserSession } from '../test/e2e/browser-session.ts';
import { ensureBuilt } from '../scripts/cached-build.ts';
import { labFailoverPolicy } from '../test/helpers/lab-router.ts';
import { addLabRouter, contractCaller } from './bench-lab-router.ts';
import type { Benchmark } from './bench-registry.ts';
import { summarize } from './bench-stats.ts';

const root = resolve(import.meta.dirname, '..');
const labName = 'bstart';
const goalMs = 2000;
const serveGoalMs = 5000;

export const startupBenchmark: Benchmark = {
  name: 'startup',
  summary: 'On the lab, in Chromium: npm run serve → URL, router page → its health, Monitoring tab → a live sample for every uplink (--runs N, default 20; median/p95/max).',
  options: { runs: { type: 'string' }, 'serve-runs': { type: 'string' }, 'demo-runs': { type: 'string' }, failover: { type: 'boolean' } },
  async run(ctx) {
    const loadAtStart = loadavg();
    const runs = Number(ctx.options.runs ?? 20);
    const serveRuns = Number(ctx.options['serve-runs'] ?? runs);
    const demoRuns = Number(ctx.options['demo-runs'] ?? runs);
    if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(serveRuns) || serveRuns < 0 || !Number.isInteger(demoRuns) || demoRuns < 0) {
      throw new Error('--runs, --serve-runs and --demo-runs must be whole numbers (runs ≥ 1)');
    }
    await ensureBuilt('renderer', { log: ctx.log });

    const serveMs: number[] = [];
    for (let i = 0; i < serveRuns; i++) serveMs.push(await timeServeStart());
    if (serveRuns) ctx.log(`npm run serve → URL answering: ${line(serveMs)}`);

    const demo = { freshUrlMs: [] as number[], freshReadyMs: [] as number[], urlMs: [] as number[], readyMs: [] as number[] };
    if (demoRuns) {
      ctx.log('npm run demo with no lab up (it builds one), then reusing the lab it leaves up…');
      await labDown('demo');
      try {
        const fresh = await timeDemo();
        demo.freshUrlMs.push(fresh.urlMs);
        demo.freshReadyMs.push(fresh.readyMs);
        ctx.log(`  building the lab: URL ${Math.round(fresh.urlMs)} ms, ready ${Math.round(fresh.readyMs)} ms`);
        for (let i = 0; i < demoRuns; i++) {
          const t = await timeDemo();
          if (!t.reused) throw new Error('npm run demo did not reuse the lab the previous run left up');
          demo.urlMs.push(t.urlMs);
          demo.readyMs.push(t.readyMs);
        }
      } finally {
        await labDown('demo');
      }
      ctx.log(`npm run demo, lab reused → URL printed: ${line(demo.urlMs)}; → router ready: ${line(demo.readyMs)}`);
    }

    ctx.log('bringing the lab up (one router, four uplinks)…');
    await labDown(labName);
    const lab = await labUp({ name: labName, routers: 1, wans: 4 });
    const router = lab.routers[0]!;
    const session = await openBrowserSession();
    const statusMs: number[] = [];
    const firstSampleMs: number[] = [];
    const reopenMs: number[] = [];
    const core = { connectMs: [] as number[], statusReadMs: [] as number[], monitorStartMs: [] as number[], firstSampleMs: [] as number[] };
    try {
      const { page, server } = session;
      const call = contractCaller(session.core);
      const id = await addLabRouter(session.core, call, router);
      if (ctx.options.failover) {
        await call('failover.apply', { routerId: id, policy: labFailoverPolicy(lab, { forcedRefreshStreams: false }), revertInSec: 60 });
        await call('failover.confirm', { routerId: id });
        ctx.log('failover applied and confirmed on the lab router');
      }
      const away = await call<{ id: string }>('sites.create', { name: 'Elsewhere (no routers)' });
      const awayHash = `#/sites/${encodeURIComponent(away.id)}`;
      const uplinks = router.wans.length;
      ctx.log(`router ${router.ssh.host} registered and detected; ${runs} cold runs of each span`);

      for (let i = 0; i < runs; i++) {
        const spans = await coreSpans(session.core, id, uplinks);
        for (const k of Object.keys(core) as (keyof typeof core)[]) core[k].push(spans[k]);
        await leaveRouter(page, server.origin, awayHash, session.core);
        statusMs.push(await openUntil(page, `#/routers/${encodeURIComponent(id)}/overview`, { kind: 'status' }));
        await leaveRouter(page, server.origin, awayHash, session.core);
        firstSampleMs.push(await openUntil(page, `#/routers/${encodeURIComponent(id)}/monitoring`, { kind: 'samples', uplinks }));
        // Warm: the page reloaded, but the monitor kept recording (as when the tab is opened again).
        await page.goto(`${server.origin}/?run=${++pageLoads}${awayHash}`);
        await page.waitForFunction("document.querySelector('#root') && document.querySelector('#root').children.length > 0", undefined, { timeout: 60_000 });
        reopenMs.push(await openUntil(page, `#/routers/${encodeURIComponent(id)}/monitoring`, { kind: 'samples', uplinks, since: 'any' }));
        ctx.log(
          `  run ${i + 1}: page: status ${Math.round(statusMs.at(-1)!)} ms, a live sample of all ${uplinks} uplinks ${Math.round(firstSampleMs.at(-1)!)} ms (monitor running: ${Math.round(reopenMs.at(-1)!)} ms); ` +
            `core: connect ${Math.round(spans.connectMs)} ms, first status read ${Math.round(spans.statusReadMs)} ms, monitor.start ${Math.round(spans.monitorStartMs)} ms, then all samples ${Math.round(spans.firstSampleMs)} ms`,
        );
      }
      await leaveRouter(page, server.origin, awayHash, session.core);
      if (session.problems.length) ctx.log(`page problems: ${session.problems.join(' | ')}`);
    } finally {
      await session.close();
      await labDown(labName);
    }
    ctx.log(`router page → its health read from the router: ${line(statusMs)}`);
    ctx.log(`Monitoring tab → a live sample for every uplink: ${line(firstSampleMs)}`);
    ctx.log(`Monitoring tab again, its monitor still recording → the newest sample of every uplink: ${line(reopenMs)}`);
    ctx.log(`in the core, cold: SSH connect ${line(core.connectMs)}`);
    ctx.log(`in the core: first status read on the fresh connection ${line(core.statusReadMs)}`);
    ctx.log(`in the core, cold: monitor.start (connect, probe set-up) ${line(core.monitorStartMs)}`);
    ctx.log(`in the core: then a live sample of every uplink ${line(core.firstSampleMs)}`);
    const status = summarize(statusMs);
    const firstSample = summarize(firstSampleMs);
    const serve = summarize(serveMs);
    const demoReady = summarize(demo.readyMs);
    return {
      unit: 'ms',
      failover: Boolean(ctx.options.failover),
      load: { atStart: loadAtStart.map((l) => Number(l.toFixed(2))), atEnd: loadavg().map((l) => Number(l.toFixed(2))), cores: availableParallelism() },
      serveStart: serve,
      demo: { buildingLab: { url: summarize(demo.freshUrlMs), ready: summarize(demo.freshReadyMs) }, reusingLab: { url: summarize(demo.urlMs), ready: demoReady } },
      routerStatus: status,
      monitoringFirstSample: firstSample,
      monitoringReopened: summarize(reopenMs),
      core: { connect: summarize(core.connectMs), firstStatusRead: summarize(core.statusReadMs), monitorStart: summarize(core.monitorStartMs), thenFirstSample: summarize(core.firstSampleMs) },
      goalsMs: { serveStart: serveGoalMs, demoReady: serveGoalMs, routerStatus: goalMs, monitoringFirstSample: goalMs },
      withinGoals: (serve.max === null || serve.max <= serveGoalMs) && (demoReady.p95 === null || demoReady.p95 <= serveGoalMs) && status.p95 !== null && status.p95 <= goalMs && firstSample.p95 !== null && firstSample.p95 <= goalMs,
    };
  },
};

function line(values: readonly number[]): string {
  const s = summarize(values);
  return `median ${Math.round(s.median ?? NaN)} ms, p95 ${Math.round(s.p95 ?? NaN)} ms, max ${Math.round(s.max ?? NaN)} ms (n=${s.n})`;
}

let pageLoads = 0;

type BenchCore = Awaited<ReturnType<typeof openBrowserSession>>['core'];

/**
 * Back to a freshly loaded page that reads nothing from the router (`awayHash`, an empty site):
 * the router's tabs unmount (monitoring stops), the page forgets what it had read, and every SSH
 * connection is closed — as after the app started.
 */
async function leaveRouter(page: Page, origin: string, awayHash: string, core: BenchCore): Promise<void> {
  // A new query string: a URL differing only in its hash would not reload the page.
  await page.goto(`${origin}/?run=${++pageLoads}${awayHash}`);
  await page.waitForFunction("document.querySelector('#root') && document.querySelector('#root').children.length > 0", undefined, { timeout: 60_000 });
  await stopMonitorsAndDisconnect(core);
  // A new second, so the next run's live samples cannot be confused with this run's last ones.
  await new Promise((r) => setTimeout(r, 1500));
}

/** The router's monitor keeps recording after its tab closes: stop it, as a fresh app has none. */
async function stopMonitorsAndDisconnect(core: BenchCore): Promise<void> {
  for (const id of core.monitor.runningRouters()) await core.monitor.stop(id);
  await core.connections.closeAll();
}

/**
 * The cold spans in the core alone: SSH connect; the first failover.status on that connection;
 * then, disconnected again, monitor.start and the first onDidSample batches until every uplink
 * has a sample of a second after the start.
 */
async function coreSpans(core: BenchCore, routerId: string, uplinks: number): Promise<{ connectMs: number; statusReadMs: number; monitorStartMs: number; firstSampleMs: number }> {
  await stopMonitorsAndDisconnect(core);
  const t0 = performance.now();
  await core.connections.connection(routerId);
  const t1 = performance.now();
  const status = await core.dispatcher.dispatch('failover.status', { routerId });
  if (!status.ok) throw new Error(`failover.status: ${status.error.message}`);
  const t2 = performance.now();
  await core.connections.closeAll();
  const startedWallMs = Date.now();
  const sampled = new Set<string>();
  let allSampled!: () => void;
  const done = new Promise<void>((resolve) => (allSampled = resolve));
  const off = core.events.on('onDidSample', (batch) => {
    if (batch.routerId !== routerId) return;
    for (const s of batch.samples) if (s.atMs >= Math.floor(startedWallMs / 1000) * 1000) sampled.add(s.wan);
    if (sampled.size >= uplinks) allSampled();
  });
  try {
    const t3 = performance.now();
    const started = await core.dispatcher.dispatch('monitor.start', { routerId });
    if (!started.ok) throw new Error(`monitor.start: ${started.error.message}`);
    const t4 = performance.now();
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error('no sample of every uplink within 60 s')), 60_000))]);
    const t5 = performance.now();
    return { connectMs: t1 - t0, statusReadMs: t2 - t1, monitorStartMs: t4 - t3, firstSampleMs: t5 - t4 };
  } finally {
    off();
    await core.dispatcher.dispatch('monitor.stop', { routerId });
  }
}

/** samples: of a second after the tab opened ('fresh', the default), or any shown ('any'). */
type Until = { kind: 'status' } | { kind: 'samples'; uplinks: number; since?: 'fresh' | 'any' };

/**
 * Runs in the page (as source text: this file is typed for Node, not the DOM). Sets the hash and
 * resolves with the milliseconds until the condition holds, checked on every DOM change.
 */
const openUntilInPage = `async ({ hash, until, timeoutMs }) => {
  const openedWallMs = Date.now();
  const started = performance.now();
  const done = () => {
    if (until.kind === 'status') {
      // 'unknown' until the router answered (and if it does not).
      const health = document.querySelector('[data-testid="router-health"]');
      const level = health ? health.getAttribute('data-level') : null;
      return !!level && level !== 'unknown';
    }
    // A sample of the second the tab opened in, or later: measured after it opened.
    const since = until.since === 'any' ? 0 : Math.floor(openedWallMs / 1000) * 1000;
    const fresh = [...document.querySelectorAll('[data-testid="uplink-latest"]')].filter((e) => Number(e.getAttribute('data-at-ms')) >= since);
    return fresh.length >= until.uplinks;
  };
  await new Promise((resolve, reject) => {
    const observer = new MutationObserver(() => check());
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error('not there after ' + timeoutMs + ' ms (' + hash + ')'));
    }, timeoutMs);
    const check = () => {
      let ok = false;
      try {
        ok = done();
      } catch (error) {
        observer.disconnect();
        clearTimeout(timer);
        reject(error);
        return;
      }
      if (!ok) return;
      clearTimeout(timer);
      observer.disconnect();
      resolve();
    };
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    location.hash = hash;
    check();
  });
  return performance.now() - started;
}`;

async function openUntil(page: Page, hash: string, until: Until): Promise<number> {
  return (await page.evaluate(`(${openUntilInPage})(${JSON.stringify({ hash, until, timeoutMs: 60_000 })})`)) as number;
}

/** `npm run serve` from the command to its URL answering 200 (the renderer already built). */
async function timeServeStart(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-bench-serve-'));
  const started = performance.now();
  const child = spawn('npm', ['run', '--silent', 'serve', '--', '--port', '0', '--data-dir', dataDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, SWITCHYARD_NO_KEYRING: '1' },
  });
  try {
    const url = await new Promise<string>((resolvePromise, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`npm run serve printed no URL in 120 s:\n${out}`)), 120_000);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolvePromise(m[1]!);
        }
      });
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('exit', (code) => reject(new Error(`npm run serve exited (${code}):\n${out}`)));
    });
    // As a browser does: trade the token for the session cookie, then load the app's page.
    const traded = await fetch(url, { redirect: 'manual' });
    const cookie = traded.headers.get('set-cookie')?.split(';')[0];
    if (!cookie) throw new Error(`serve answered ${traded.status} without a session cookie`);
    const response = await fetch(new URL('/', url), { headers: { cookie } });
    const html = await response.text();
    if (response.status !== 200 || !html.includes('<div id="root">')) throw new Error(`serve answered ${response.status} without the app's page`);
    return performance.now() - started;
  } finally {
    // Its own process group (npm, sh, node): stop exactly what this run started.
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * `npm run demo` from the command to its URL printed and to "the demo is ready" (the lab router
 * registered), then Ctrl-C (SIGINT, as a user stops it); the demo leaves its lab up for the next.
 */
async function timeDemo(): Promise<{ urlMs: number; readyMs: number; reused: boolean }> {
  const started = performance.now();
  const child = spawn('npm', ['run', '--silent', 'demo'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, SWITCHYARD_NO_KEYRING: '1' } });
  let out = '';
  try {
    return await new Promise((resolvePromise, reject) => {
      let urlMs: number | null = null;
      const timer = setTimeout(() => reject(new Error(`npm run demo was not ready in 300 s:\n${out}`)), 300_000);
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        if (urlMs === null && /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.test(out)) urlMs = performance.now() - started;
        if (urlMs !== null && /the demo is ready/.test(out)) {
          clearTimeout(timer);
          resolvePromise({ urlMs, readyMs: performance.now() - started, reused: /Reusing the lab/.test(out) });
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => reject(new Error(`npm run demo exited (${code}):\n${out}`)));
    });
  } finally {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGINT');
      } catch {
        // Already gone.
      }
    }
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  }
}
