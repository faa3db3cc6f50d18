import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import type { LinkEvent } from '../../../shared/model.ts';
import type { RouterShell, RouterStatus } from '../drivers/driver.ts';
import { FakeProbeClock } from '../probes/fake-probe-clock.test-util.ts';
import { ensureHistorySchema, HistoryStore } from '../store/history-store.ts';
import { isShellCommand } from '../transport/ssh/shell-quote.ts';
import type { Command, RunResult, StreamExit, StreamOptions } from '../transport/ssh/ssh-connection.ts';
import type { SampleBatch } from '../../../shared/api/monitor-schemas.ts';
import { EventPacer } from './event-pacer.ts';
import { MonitorService } from './monitor-service.ts';
import type { LossDetection, MonitorUplink } from './monitor-types.ts';
import { PingFlavorCache } from './ping-flavor-cache.ts';
import { RouterMonitor } from './router-monitor.ts';

const T0 = 1_800_000_000_000;

interface FakeStream {
  readonly argv: readonly string[];
  line(text: string): void;
  exit(exit: Partial<StreamExit>): void;
  stopped: boolean;
}

/** A router that answers `ping -V` as iputils does and hands each stream to the test. */
function fakeShell(pingV = 'ping from iputils 20221126\n', pingVExit = 0, pingVStderr = '') {
  const streams: FakeStream[] = [];
  const shell: RouterShell = {
    async run(command: Command): Promise<RunResult> {
      const argv = isShellCommand(command) ? [command.text] : [...(command as readonly string[])];
      if (argv.join(' ') === 'ping -V') return { stdout: pingV, stderr: pingVStderr, exitCode: pingVExit, signal: undefined, stdoutBytes: Buffer.from(pingV) };
      throw new Error(`unexpected run ${argv.join(' ')}`);
    },
    async stream(command: Command, options: StreamOptions) {
      const argv = isShellCommand(command) ? [command.text] : [...(command as readonly string[])];
      let resolveDone!: (e: StreamExit) => void;
      const done = new Promise<StreamExit>((r) => (resolveDone = r));
      const s: FakeStream = {
        argv,
        stopped: false,
        line: (text) => options.onLine(text),
        exit: (e) => {
          const exit = { reason: 'exited' as const, exitCode: 0, signal: undefined, ...e };
          options.onExit?.(exit);
          resolveDone(exit);
        },
      };
      streams.push(s);
      return {
        done,
        stop: () => {
          s.stopped = true;
          s.exit({ reason: 'stopped', exitCode: null });
          return done;
        },
      };
    },
  };
  return { shell, streams, pingStream: (dev: string) => streams.find((s) => s.argv[0] === 'ping' && s.argv.includes(dev) && !s.stopped) };
}

const uplinks: MonitorUplink[] = [
  { name: 'wan', device: 'eth1', kind: 'ethernet', targets: ['203.0.113.10'], method: 'ping' },
  { name: 'wwan', device: 'wwan0', kind: 'cellular', targets: ['203.0.113.11'], method: 'ping' },
];

async function setup(extra: Partial<ConstructorParameters<typeof RouterMonitor>[0]> = {}, shellArgs: Parameters<typeof fakeShell> = []) {
  const clock = new FakeProbeClock(T0 + 400);
  const { shell, streams, pingStream } = fakeShell(...shellArgs);
  const db = new DatabaseSync(':memory:');
  ensureHistorySchema(db);
  const history = new HistoryStore(db);
  const batches: SampleBatch[] = [];
  const events: LinkEvent[] = [];
  const detections: LossDetection[] = [];
  const notes: string[] = [];
  let n = 0;
  const monitor = new RouterMonitor({
    routerId: 'r1',
    routerName: 'Shop',
    shell,
    uplinks,
    history,
    clock,
    emit: ((event: string, payload: unknown) => {
      if (event === 'onDidSample') batches.push(payload as SampleBatch);
      else events.push(payload as LinkEvent);
    }) as never,
    notify: (n) => notes.push(`${n.title} | ${n.body}`),
    onDidDetect: (d) => detections.push(d),
    newId: () => `e${++n}`,
    ...extra,
  });
  await monitor.start();
  await flushMicrotasks();
  return { clock, monitor, streams, pingStream, history, batches, events, detections, notes };
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** iputils replies for seq 1.. on every watched device, one per second, RTT by device. */
async function runSeconds(ctx: Awaited<ReturnType<typeof setup>>, seconds: number, rttMs: (dev: string, seq: number) => number | null, firstSeq = 1) {
  const start = ctx.clock.nowMs();
  for (let k = 0; k < seconds; k++) {
    const seq = firstSeq + k;
    for (const dev of ['eth1', 'wwan0']) {
      const rtt = rttMs(dev, seq);
      ctx.clock.advanceTo(start + k * 1000 + (rtt ?? 0) + 5);
      if (rtt !== null) ctx.pingStream(dev)?.line(`64 bytes from 203.0.113.10: icmp_seq=${seq} ttl=63 time=${rtt} ms`);
    }
    ctx.clock.advanceTo(start + (k + 1) * 1000);
    await flushMicrotasks();
  }
}

describe('RouterMonitor', () => {
  it('streams the bound iputils probe per uplink and emits one batch per second for all uplinks', async () => {
    const ctx = await setup();
    expect(ctx.streams.filter((s) => s.argv[0] === 'ping').map((s) => s.argv)).toEqual([
      ['ping', '-n', '-O', '-I', 'eth1', '-i', '0.95', '203.0.113.10'],
      ['ping', '-n', '-O', '-I', 'wwan0', '-i', '0.95', '203.0.113.11'],
    ]);
    // The /proc/net/dev loop runs as one stream too (no SNMP configured).
    expect(ctx.streams.some((s) => s.argv[0]?.includes('/proc/net/dev'))).toBe(true);
    await runSeconds(ctx, 20, (dev) => (dev === 'eth1' ? 10 : 80));
    expect(ctx.batches.length).toBeGreaterThanOrEqual(15);
    for (const b of ctx.batches) expect(new Set(b.samples.map((s) => `${s.wan}@${s.atMs}`)).size).toBe(b.samples.length);
    // Each uplink's first second goes out alone as soon as it is whole; then the tick, once a second.
    const quick = ctx.batches.slice(0, 2);
    expect(quick.map((b) => b.samples.map((s) => s.wan))).toEqual([['wan'], ['wwan']]);
    const times = ctx.batches.slice(2).map((b) => b.atMs);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
    const wan = ctx.batches.flatMap((b) => b.samples).filter((s) => s.wan === 'wan');
    // Every second has exactly its one probe: bucketing by send time, not by arrival.
    expect(wan.every((s) => s.sent === 1 && s.received === 1 && s.latencyMs === 10 && s.lossPct === 0)).toBe(true);
    expect(ctx.batches.flatMap((b) => b.samples).filter((s) => s.wan === 'wwan').every((s) => s.latencyMs === 80)).toBe(true);
    // Nothing measured the counters: throughput is a gap, not a zero.
    expect(wan.every((s) => s.rxBps === null && s.txBps === null)).toBe(true);
    const stored = ctx.history.query({ routerId: 'r1', fromMs: T0, toMs: T0 + 30_000 }, T0 + 30_000);
    expect(stored.series.find((s) => s.wan === 'wan')?.points.length).toBe(wan.length);
    await ctx.monitor.stop();
    expect(ctx.streams.every((s) => s.stopped)).toBe(true);
  });

  it('sends each uplink’s first second as soon as its probe answers, not after the round’s timeout, and never twice', async () => {
    const ctx = await setup();
    const sent = ctx.clock.nowMs();
    // eth1 answers in 10 ms; wwan0's first probe is lost (no line): it waits for the tick.
    ctx.clock.advanceTo(sent + 15);
    ctx.pingStream('eth1')!.line('64 bytes from 203.0.113.10: icmp_seq=1 ttl=63 time=10 ms');
    await flushMicrotasks();
    // Before the old path could: the tick holds a second until timeout 1000 + slack 500 + 100 ms.
    expect(ctx.clock.nowMs() - sent).toBeLessThan(100);
    expect(ctx.batches).toHaveLength(1);
    expect(ctx.batches[0]!.samples).toMatchObject([{ wan: 'wan', atMs: Math.floor(sent / 1000) * 1000, sent: 1, received: 1, latencyMs: 10, lossPct: 0 }]);
    // Stored as any second is.
    expect(ctx.history.query({ routerId: 'r1', fromMs: T0, toMs: T0 + 10_000 }, T0 + 10_000).series.find((s) => s.wan === 'wan')?.points).toHaveLength(1);
    ctx.clock.advanceTo(sent + 1000);
    await runSeconds(ctx, 6, (dev) => (dev === 'eth1' ? 10 : 80), 2);
    const wwanFirst = ctx.batches.find((b) => b.samples.some((s) => s.wan === 'wwan'))!;
    const all = ctx.batches.flatMap((b) => b.samples);
    const wanSeconds = all.filter((s) => s.wan === 'wan').map((s) => s.atMs);
    expect(new Set(wanSeconds).size).toBe(wanSeconds.length);
    expect(wanSeconds[0]).toBe(Math.floor(sent / 1000) * 1000);
    // wwan0's unanswered first probe: its second comes with the tick, as loss, not as a quick sample.
    expect(wwanFirst.atMs - sent).toBeGreaterThanOrEqual(1000 + 500 + 100);
    expect(all.filter((s) => s.wan === 'wwan').reduce((n, s) => n + s.sent - s.received, 0)).toBe(1);
    await ctx.monitor.stop();
  });

  it('declares a silent uplink after 3 lost probes, leaves its latency null, and says when it answers again', async () => {
    const ctx = await setup();
    // This "router" sends every 1000 ms: the monitor measures that from the replies.
    await runSeconds(ctx, 8, () => 20);
    // wwan0 stops answering for 6 probes (seq 9..14).
    await runSeconds(ctx, 6, (dev) => (dev === 'eth1' ? 20 : null), 9);
    await runSeconds(ctx, 5, () => 20, 15);
    const silent = ctx.events.filter((e) => e.kind === 'monitor' && e.to === 'silent');
    expect(silent).toHaveLength(1);
    expect(silent[0]).toMatchObject({ wan: 'wwan', message: 'no replies on wwan0 (wwan) for 3 s' });
    expect(ctx.events.some((e) => e.kind === 'monitor' && e.to === 'answering' && e.wan === 'wwan')).toBe(true);
    const d = ctx.detections[0]!;
    // The rule is met 2 intervals + the 1 s timeout after the first silent probe left; the
    // tracker's slack (0.5 s) is all we add.
    expect(d.ruleMetAtMs - d.firstLostSentMs).toBe(3000);
    expect(d.detectedAtMs - d.ruleMetAtMs).toBeGreaterThanOrEqual(0);
    expect(d.detectedAtMs - d.ruleMetAtMs).toBeLessThanOrEqual(600);
    const wwan = ctx.batches.flatMap((b) => b.samples).filter((s) => s.wan === 'wwan');
    const lost = wwan.filter((s) => s.lossPct === 100);
    expect(lost.length).toBe(6);
    expect(lost.every((s) => s.latencyMs === null && s.latencyP95Ms === null && s.jitterMs === null)).toBe(true);
    expect(ctx.history.events('r1', 0, Infinity).filter((e) => e.kind === 'monitor')).toHaveLength(2);
    await ctx.monitor.stop();
  });

  it('gives a clear per-router message when the probe tool is missing, and does not retry it', async () => {
    const ctx = await setup({ uplinks: [{ name: 'wan', device: 'eth1', kind: 'ethernet', targets: ['203.0.113.10'], method: 'httping' }], platform: 'openwrt-mwan3' });
    const s = ctx.streams.find((x) => x.argv[0] === 'httping')!;
    s.line('sh: httping: not found');
    s.exit({ exitCode: 127 });
    await flushMicrotasks();
    const status = ctx.monitor.status();
    expect(status.uplinks[0]).toMatchObject({ state: 'failed' });
    expect(status.uplinks[0]?.message).toContain('opkg install httping');
    expect(ctx.events.at(-1)?.message).toContain('httping is not installed');
    ctx.clock.advance(120_000);
    await flushMicrotasks();
    expect(ctx.streams.filter((x) => x.argv[0] === 'httping')).toHaveLength(1);
    await ctx.monitor.stop();
  });

  it('says when ping itself is missing instead of starting anything for it', async () => {
    const ctx = await setup({}, ['', 127, 'sh: ping: not found\n']);
    expect(ctx.monitor.status().uplinks.map((u) => u.state)).toEqual(['failed', 'failed']);
    expect(ctx.monitor.status().uplinks[0]?.message).toMatch(/ping is not installed/);
    expect(ctx.streams.filter((s) => s.argv[0] === 'ping')).toHaveLength(0);
    await ctx.monitor.stop();
  });

  it('uses BusyBox ping’s form when ping -V is not iputils', async () => {
    const ctx = await setup({}, ['', 1, "ping: invalid option -- 'V'\nBusyBox v1.36.1 multi-call binary.\n"]);
    expect(ctx.pingStream('eth1')?.argv).toEqual(['ping', '-I', 'eth1', '-i', '1', '203.0.113.10']);
    await ctx.monitor.stop();
  });

  it('restarts a probe that ended, leaving the seconds in between as gaps', async () => {
    const ctx = await setup();
    await runSeconds(ctx, 3, () => 10);
    ctx.pingStream('eth1')!.exit({ reason: 'connection-lost', exitCode: null });
    await flushMicrotasks();
    expect(ctx.monitor.status().uplinks[0]).toMatchObject({ state: 'restarting' });
    ctx.clock.advance(1500);
    await flushMicrotasks();
    expect(ctx.streams.filter((s) => s.argv[0] === 'ping' && s.argv.includes('eth1'))).toHaveLength(2);
    await ctx.monitor.stop();
  });

  it('turns driver status changes into state/active events and notifies on failover', async () => {
    let status: RouterStatus = {
      enabled: true,
      mode: 'failover',
      forced: 'auto',
      pendingRevertAtMs: null,
      events: [],
      wans: [
        { wan: 'wan', state: 'online', active: true },
        { wan: 'wwan', state: 'online', active: false },
      ],
    };
    const ctx = await setup({ readStatus: async () => status, statusIntervalMs: 2000 });
    ctx.clock.advance(2100);
    await flushMicrotasks();
    // No probe lines here, so the probes go silent too: look at the driver's events only, as stored.
    const driverEvents = () => ctx.history.events('r1', 0, Infinity).filter((e) => e.kind !== 'monitor');
    expect(driverEvents()).toEqual([]);
    status = { ...status, wans: [{ wan: 'wan', state: 'offline', active: false }, { wan: 'wwan', state: 'online', active: true }] };
    ctx.clock.advance(2000);
    await flushMicrotasks();
    expect(driverEvents().map((e) => [e.kind, e.wan, e.from, e.to])).toEqual([
      ['state', 'wan', 'online', 'offline'],
      ['active', undefined, 'wan', 'wwan'],
    ]);
    expect(ctx.notes).toEqual(['Shop: traffic moved to wwan | Traffic moved from wan to wwan']);
    expect(ctx.monitor.status().routerStatus).toMatchObject({ ok: true });
    await ctx.monitor.stop();
  });

  it('reports a failing status read as a clear status, not as events', async () => {
    let fail = false;
    const ctx = await setup({
      readStatus: async () => {
        if (fail) throw new Error('ubus timed out');
        return { enabled: true, mode: 'failover', forced: 'auto', pendingRevertAtMs: null, events: [], wans: [] };
      },
    });
    await flushMicrotasks();
    fail = true;
    ctx.clock.advance(2000);
    await flushMicrotasks();
    expect(ctx.monitor.status().routerStatus).toMatchObject({ ok: false, message: "reading the router's status failed: ubus timed out" });
    await ctx.monitor.stop();
  });
});

describe('RouterMonitor: a backup probed only when needed', () => {
  const needed: MonitorUplink[] = [uplinks[0]!, { ...uplinks[1]!, probeWhen: 'needed' }];
  const routerStatus = (standby: boolean): RouterStatus => ({
    enabled: true,
    mode: 'failover',
    forced: 'auto',
    pendingRevertAtMs: null,
    events: [],
    wans: [
      { wan: 'wan', state: 'online', active: true, probing: true },
      { wan: 'wwan', state: 'online', active: false, probing: !standby, standby },
    ],
  });

  it('does not probe it while the router lets it stand by, probes it when the router wakes it, and stops again', async () => {
    let status = routerStatus(true);
    const ctx = await setup({ uplinks: needed, readStatus: async () => status, statusIntervalMs: 1000 });
    // Not even before the first status: a probe a second is the data the preset saves.
    expect(ctx.pingStream('wwan0')).toBeUndefined();
    expect(ctx.pingStream('eth1')).toBeDefined();
    ctx.clock.advance(1100);
    await flushMicrotasks();
    expect(ctx.pingStream('wwan0')).toBeUndefined();
    const wwan = () => ctx.monitor.status().uplinks.find((u) => u.wan === 'wwan')!;
    expect(wwan()).toMatchObject({ state: 'standby', standbyProbe: 'when-needed' });
    expect(wwan().message).toMatch(/wwan stands by: the router probes it only when needed, so this monitor does not probe it either \(a probe a second would cost ~458\.4 MB a month\)/);
    // A standing-by backup makes no loss event: it is not probed, not silent.
    await runSeconds(ctx, 10, (dev) => (dev === 'eth1' ? 10 : null));
    expect(ctx.events.filter((e) => e.wan === 'wwan')).toEqual([]);

    status = routerStatus(false);
    ctx.clock.advance(1000);
    await flushMicrotasks();
    expect(ctx.pingStream('wwan0')?.argv).toEqual(['ping', '-n', '-O', '-I', 'wwan0', '-i', '0.95', '203.0.113.11']);
    expect(wwan().state).not.toBe('standby');

    status = routerStatus(true);
    ctx.clock.advance(1000);
    await flushMicrotasks();
    expect(ctx.pingStream('wwan0')).toBeUndefined();
    expect(ctx.streams.filter((s) => s.argv.includes('wwan0')).every((s) => s.stopped)).toBe(true);
    expect(wwan().state).toBe('standby');
    await ctx.monitor.stop();
  });

  it('probes it a few times on "Probe now", always when asked, and only when needed again', async () => {
    const ctx = await setup({ uplinks: needed, readStatus: async () => routerStatus(true), statusIntervalMs: 1000 });
    ctx.clock.advance(1100);
    await flushMicrotasks();
    expect(ctx.pingStream('wwan0')).toBeUndefined();
    ctx.monitor.probeStandby('wwan', 'once');
    await flushMicrotasks();
    expect(ctx.pingStream('wwan0')).toBeDefined();
    expect(ctx.monitor.status().uplinks.find((u) => u.wan === 'wwan')).toMatchObject({ standbyProbe: 'once' });
    // Five probes answered: then it stands by again by itself.
    for (let seq = 1; seq <= 4; seq++) ctx.pingStream('wwan0')!.line(`64 bytes from 203.0.113.11: icmp_seq=${seq} ttl=63 time=40 ms`);
    await flushMicrotasks();
    expect(ctx.pingStream('wwan0')).toBeDefined();
    ctx.pingStream('wwan0')!.line('64 bytes from 203.0.113.11: icmp_seq=5 ttl=63 time=40 ms');
    await flushMicrotasks();
    expect(ctx.pingStream('wwan0')).toBeUndefined();
    expect(ctx.monitor.status().uplinks.find((u) => u.wan === 'wwan')).toMatchObject({ state: 'standby', standbyProbe: 'when-needed' });

    ctx.monitor.probeStandby('wwan', 'always');
    ctx.clock.advance(5000);
    await flushMicrotasks();
    expect(ctx.pingStream('wwan0')).toBeDefined();
    ctx.monitor.probeStandby('wwan', 'when-needed');
    await flushMicrotasks();
    expect(ctx.pingStream('wwan0')).toBeUndefined();
    expect(() => ctx.monitor.probeStandby('wan', 'once')).toThrow(/wan is probed always/);
    await ctx.monitor.stop();
  });

  it('probes it as before when the router gives no status to follow', async () => {
    const ctx = await setup({ uplinks: needed });
    expect(ctx.pingStream('wwan0')).toBeDefined();
    await ctx.monitor.stop();
  });
});

describe('EventPacer', () => {
  it('sends the first event at once and a burst one per second, dropping the oldest past its cap', () => {
    const clock = new FakeProbeClock(T0);
    const sent: [number, number][] = [];
    const pacer = new EventPacer<number>((n) => sent.push([n, clock.nowMs() - T0]), clock, 1000, 3);
    for (const n of [1, 2, 3, 4, 5]) pacer.push(n);
    clock.advance(5000);
    expect(sent).toEqual([
      [1, 0],
      [3, 1000],
      [4, 2000],
      [5, 3000],
    ]);
  });
});

describe('MonitorService', () => {
  it('starts once per router, stops cleanly, and refuses a router with no uplinks', async () => {
    const { shell, streams } = fakeShell();
    const db = new DatabaseSync(':memory:');
    ensureHistorySchema(db);
    const clock = new FakeProbeClock(T0);
    const service = new MonitorService({
      resolve: async (id) => ({ routerName: id, shell, uplinks: id === 'empty' ? [] : uplinks }),
      history: new HistoryStore(db),
      emit: (() => undefined) as never,
      clock,
    });
    const [a, b] = await Promise.all([service.start('r1'), service.start('r1')]);
    expect(a.running && b.running).toBe(true);
    expect(streams.filter((s) => s.argv[0] === 'ping')).toHaveLength(2);
    await expect(service.start('empty')).rejects.toMatchObject({ code: 'invalid-input' });
    expect(await service.stop('r1')).toBe(true);
    expect(await service.stop('r1')).toBe(false);
    expect(streams.every((s) => s.stopped)).toBe(true);
    expect(service.status('r1').running).toBe(false);
    await service.stopAll();
  });

  it('watches the targets now on the router after a policy change, and starts nothing when no monitor runs', async () => {
    const { shell, streams } = fakeShell();
    const db = new DatabaseSync(':memory:');
    ensureHistorySchema(db);
    let targets = ['100.64.1.1'];
    let resolves = 0;
    const service = new MonitorService({
      resolve: async (id) => {
        resolves++;
        return { routerName: id, shell, uplinks: uplinks.map((u) => ({ ...u, targets })) };
      },
      history: new HistoryStore(db),
      emit: (() => undefined) as never,
      clock: new FakeProbeClock(T0),
    });
    await service.refresh('r1');
    expect(resolves).toBe(0);
    await service.start('r1');
    expect(service.status('r1').uplinks.map((u) => u.target)).toEqual(['100.64.1.1', '100.64.1.1']);
    targets = ['203.0.113.10'];
    await service.refresh('r1');
    expect(service.status('r1').running).toBe(true);
    expect(service.status('r1').uplinks.map((u) => u.target)).toEqual(['203.0.113.10', '203.0.113.10']);
    // The first monitor's probes are gone from the router.
    expect(streams.filter((s) => s.argv.includes('100.64.1.1')).every((s) => s.stopped)).toBe(true);
    await service.stopAll();
  });

  it('sends a view that subscribes to a running monitor the newest batch and router status at once, not at the next tick', async () => {
    const { shell, pingStream } = fakeShell();
    const db = new DatabaseSync(':memory:');
    ensureHistorySchema(db);
    const clock = new FakeProbeClock(T0 + 400);
    const status: RouterStatus = { enabled: true, mode: 'failover', forced: 'auto', pendingRevertAtMs: null, events: [], wans: [{ wan: 'wan', state: 'online', active: true }] };
    const emitted: { event: string; payload: unknown }[] = [];
    const service = new MonitorService({
      resolve: async (id) => ({ routerName: id, shell, uplinks, readStatus: async () => status }),
      history: new HistoryStore(db),
      emit: ((event: string, payload: unknown) => emitted.push({ event, payload })) as never,
      clock,
    });
    await service.start('r1');
    await flushMicrotasks();
    for (let seq = 1; seq <= 6; seq++) {
      for (const dev of ['eth1', 'wwan0']) pingStream(dev)?.line(`64 bytes from 203.0.113.10: icmp_seq=${seq} ttl=63 time=12 ms`);
      clock.advance(1000);
      await flushMicrotasks();
    }
    const lastOf = (event: string) => emitted.filter((e) => e.event === event).at(-1)?.payload;
    expect(lastOf('onDidSample')).toBeDefined();
    expect(lastOf('onDidRouterStatus')).toBeDefined();
    const before = emitted.length;
    // Between ticks: no timer runs, yet the second view gets the newest of each right away.
    await service.start('r1');
    expect(emitted.slice(before)).toEqual([
      { event: 'onDidSample', payload: lastOf('onDidSample') },
      { event: 'onDidRouterStatus', payload: lastOf('onDidRouterStatus') },
    ]);
    await service.stopAll();
  });
});

describe('PingFlavorCache with the monitor', () => {
  /** A link whose drops the test makes: the states SshConnection reports while reconnecting. */
  function fakeLink() {
    const listeners = new Set<(e: { state: string }) => void>();
    const link = {
      state: 'ready',
      onDidChangeState(l: (e: { state: string }) => void) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      go(state: string) {
        link.state = state;
        for (const l of [...listeners]) l({ state });
      },
    };
    return link;
  }

  it('asks `ping -V` once per link: not again on the next start, again after a reconnect', async () => {
    const { shell } = fakeShell();
    let pingVRuns = 0;
    const counting: RouterShell = {
      run: async (command, options) => {
        if (!isShellCommand(command) && (command as readonly string[]).join(' ') === 'ping -V') pingVRuns++;
        return shell.run(command, options);
      },
      stream: (command, options) => shell.stream(command, options),
    };
    const cache = new PingFlavorCache();
    const link = fakeLink();
    const db = new DatabaseSync(':memory:');
    ensureHistorySchema(db);
    // What monitorSetup hands the monitor: the remembered flavour of this link, and where to keep it.
    const service = new MonitorService({
      resolve: async (id) => {
        const known = cache.get(id, link);
        return { routerName: id, shell: counting, uplinks, ...(known && { pingFlavor: known }), rememberPingFlavor: (f) => cache.set(id, link, f) };
      },
      history: new HistoryStore(db),
      emit: (() => undefined) as never,
      clock: new FakeProbeClock(T0),
    });
    const startStop = async () => {
      const status = await service.start('r1');
      await service.stop('r1');
      return status.uplinks.map((u) => u.command?.join(' '));
    };
    const first = await startStop();
    expect(pingVRuns).toBe(1);
    // The second start uses the same iputils form without asking.
    expect(await startStop()).toEqual(first);
    expect(pingVRuns).toBe(1);
    // The link dropped and came back: maybe a reboot into another firmware, so ask again.
    link.go('reconnecting');
    link.go('ready');
    await startStop();
    expect(pingVRuns).toBe(2);
    await startStop();
    expect(pingVRuns).toBe(2);
    // Another connection object (the pool replaced it) is not trusted with the old answer.
    expect(cache.get('r1', fakeLink())).toBeUndefined();
    await service.stopAll();
  });

  it('does not remember a missing ping', async () => {
    const cache = new PingFlavorCache();
    const link = fakeLink();
    const ctx = await setup({ rememberPingFlavor: (f) => cache.set('r1', link, f) }, ['', 127, 'sh: ping: not found']);
    expect(cache.get('r1', link)).toBeUndefined();
    await ctx.monitor.stop();
  });
});

/** A fake router shell that notes each command it is asked to run. */
function countingShell() {
  const { shell } = fakeShell();
  const runs: string[] = [];
  const counting: RouterShell = {
    run: async (command, options) => {
      runs.push(isShellCommand(command) ? command.text : (command as readonly string[]).join(' '));
      return shell.run(command, options);
    },
    stream: (command, options) => shell.stream(command, options),
  };
  return { counting, runs };
}

describe('RouterMonitor start: what it asks the router', () => {
  it("probes each uplink's own gateway without asking the router for its routes (before failover every target is one)", async () => {
    const { counting, runs } = countingShell();
    const gatewayUplinks: MonitorUplink[] = [
      { name: 'eth1', device: 'eth1', kind: 'ethernet', targets: ['100.64.1.1'], gateway: '100.64.1.1', method: 'ping' },
      { name: 'wlan0', device: 'wlan0', kind: 'repeater', targets: ['100.65.1.1'], gateway: '100.65.1.1', method: 'ping' },
    ];
    const ctx = await setup({ shell: counting, uplinks: gatewayUplinks });
    expect(runs).toEqual(['ping -V']);
    expect(ctx.monitor.status().uplinks.map((u) => [u.wan, u.target, u.scope])).toEqual([
      ['eth1', '100.64.1.1', 'gateway'],
      ['wlan0', '100.65.1.1', 'gateway'],
    ]);
    await ctx.monitor.stop();
  });

  it('uses the ping flavour read its setup began, without a `ping -V` of its own', async () => {
    const { counting, runs } = countingShell();
    const remembered: string[] = [];
    const ctx = await setup({ shell: counting, probeCommand: (u, target) => ['mwan3', 'use', u.name, 'ping', target], pingFlavorRead: Promise.resolve({ flavor: 'busybox', problem: null }), rememberPingFlavor: (f) => remembered.push(f) });
    expect(runs).toEqual([]);
    expect(remembered).toEqual(['busybox']);
    await ctx.monitor.stop();
  });
});
