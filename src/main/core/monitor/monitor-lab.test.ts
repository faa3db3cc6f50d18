// The monitor against a real lab router: samples at 1 Hz, impairments showing up honestly (loss
// as loss, a blackhole as null latency, added latency as latency), throughput over SNMP v3 and
// over /proc/net/dev, SNMP failing over to /proc/net/dev, and nothing left running after stop.
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labFixture } from '../../../../test/lab/lab-fixture.ts';
import { impair, labExec, type LabRouter } from '../../../../test/lab/lab.ts';
import type { LinkEvent } from '../../../shared/model.ts';
import { ensureHistorySchema, HistoryStore } from '../store/history-store.ts';
import type { SshConnection } from '../transport/ssh/ssh-connection.ts';
import { connectLabRouter, labSnmp, labUplinks, probeProcesses, routeLabUplinks } from './lab-monitor.test-util.ts';
import type { MonitorSample, SampleBatch } from '../../../shared/api/monitor-schemas.ts';
import type { SnmpTarget } from './monitor-types.ts';
import { RouterMonitor } from './router-monitor.ts';

const NAME = 'montst';
const lab = labFixture({ name: NAME, routers: 1, wans: 4 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(Boolean(lab.skipReason))('monitoring a lab router', () => {
  let router: LabRouter;
  let conn: SshConnection;

  beforeAll(async () => {
    router = lab.info().routers[0]!;
    await routeLabUplinks(NAME, router);
    conn = await connectLabRouter(router);
  });
  afterAll(async () => {
    await conn?.close();
  });

  function watch(snmp: SnmpTarget | null) {
    const db = new DatabaseSync(':memory:');
    ensureHistorySchema(db);
    const batches: SampleBatch[] = [];
    const events: LinkEvent[] = [];
    const monitor = new RouterMonitor({
      routerId: 'r01',
      shell: conn,
      uplinks: labUplinks(lab.info(), router),
      snmp,
      history: new HistoryStore(db),
      emit: ((event: string, payload: unknown) => {
        if (event === 'onDidSample') batches.push(payload as SampleBatch);
        else events.push(payload as LinkEvent);
      }) as never,
    });
    const samples = (wan: string, sinceMs = 0): MonitorSample[] => batches.flatMap((b) => b.samples).filter((s) => s.wan === wan && s.atMs >= sinceMs);
    return { monitor, batches, events, samples };
  }

  /** Bulk traffic from the LAN client out through the router's default uplink (eth1). */
  function lanTraffic(seconds: number): Promise<unknown> {
    const target = lab.info().probeTargets.icmp[0]!;
    return labExec(NAME, 'lan', ['ping', '-q', '-n', '-i', '0.01', '-s', '1400', '-w', String(seconds), target], { allowFailure: true });
  }

  it('samples every uplink at 1 Hz with sane latency, /proc/net/dev throughput, and leaves nothing running after stop', async () => {
    const w = watch(null);
    await w.monitor.start();
    expect(w.monitor.status().throughputSource).toBe('proc-net-dev');
    const traffic = lanTraffic(6);
    await sleep(8000);
    await traffic;
    expect(w.monitor.status().uplinks.every((u) => u.state === 'running')).toBe(true);
    // One batch a second, never more.
    const gaps = w.batches.slice(1).map((b, i) => b.atMs - w.batches[i]!.atMs);
    expect(gaps.every((g) => g >= 900)).toBe(true);
    expect(w.batches.length).toBeGreaterThanOrEqual(5);
    for (const wan of ['eth1', 'wlan0', 'usb0', 'wwan0']) {
      const s = w.samples(wan);
      expect(s.length).toBeGreaterThanOrEqual(5);
      const answered = s.filter((x) => x.latencyMs !== null);
      expect(answered.length).toBeGreaterThanOrEqual(s.length - 1);
      expect(answered.every((x) => x.latencyMs! > 0 && x.latencyMs! < 50 && x.lossPct === 0)).toBe(true);
    }
    // ~1.1 Mbit/s each way on eth1 from the LAN ping flood; the idle uplinks carry only probes.
    const eth1Rx = w.samples('eth1').flatMap((s) => (s.rxBps === null ? [] : [s.rxBps]));
    expect(Math.max(...eth1Rx)).toBeGreaterThan(500_000);
    const wwanRx = w.samples('wwan0').flatMap((s) => (s.rxBps === null ? [] : [s.rxBps]));
    expect(Math.max(...wwanRx)).toBeLessThan(20_000);
    expect(await probeProcesses(NAME, router)).not.toEqual([]);
    await w.monitor.stop();
    await sleep(300);
    expect(await probeProcesses(NAME, router)).toEqual([]);
  }, 30_000);

  it('shows a blackhole as 100 % loss with null latency and a monitor event, then the recovery', async () => {
    const w = watch(null);
    await w.monitor.start();
    await sleep(3000);
    await impair(NAME, 'r01', 'wwan0', { kind: 'blackhole' });
    const impairedAt = Date.now();
    await sleep(7000);
    await impair(NAME, 'r01', 'wwan0', { kind: 'clear' });
    await sleep(4000);
    await w.monitor.stop();
    const silent = w.events.find((e) => e.kind === 'monitor' && e.wan === 'wwan0' && e.to === 'silent');
    expect(silent?.message).toBe('no replies on wwan0 for 3 s');
    expect(silent!.atMs - impairedAt).toBeLessThan(5500);
    expect(w.events.some((e) => e.kind === 'monitor' && e.wan === 'wwan0' && e.to === 'answering')).toBe(true);
    const dark = w.samples('wwan0').filter((s) => s.atMs >= impairedAt + 1000 && s.atMs < impairedAt + 6000);
    expect(dark.length).toBeGreaterThanOrEqual(4);
    expect(dark.every((s) => s.lossPct === 100 && s.latencyMs === null && s.latencyP95Ms === null)).toBe(true);
    // The other uplinks never noticed.
    expect(w.events.filter((e) => e.wan !== 'wwan0')).toEqual([]);
    expect(w.samples('eth1').every((s) => s.lossPct === 0 || s.lossPct === null)).toBe(true);
  }, 30_000);

  it('shows added latency as latency (~100 ms on wlan0 only)', async () => {
    const w = watch(null);
    await w.monitor.start();
    await impair(NAME, 'r01', 'wlan0', { kind: 'latency', latencyMs: 100 });
    const since = Date.now() + 1500;
    await sleep(8000);
    await impair(NAME, 'r01', 'wlan0', { kind: 'clear' });
    await w.monitor.stop();
    const slow = w.samples('wlan0', since).flatMap((s) => (s.latencyMs === null ? [] : [s.latencyMs]));
    expect(slow.length).toBeGreaterThanOrEqual(3);
    expect(slow.every((l) => l > 95 && l < 130)).toBe(true);
    expect(w.samples('eth1', since).every((s) => s.latencyMs === null || s.latencyMs < 50)).toBe(true);
  }, 30_000);

  it('measures throughput over SNMP v3 (authPriv)', async () => {
    const w = watch(labSnmp(router, '3'));
    await w.monitor.start();
    const traffic = lanTraffic(7);
    await sleep(9000);
    await traffic;
    const status = w.monitor.status();
    await w.monitor.stop();
    expect(status.throughputSource).toBe('snmp');
    const eth1Rx = w.samples('eth1').flatMap((s) => (s.rxBps === null ? [] : [s.rxBps]));
    expect(Math.max(...eth1Rx)).toBeGreaterThan(300_000);
  }, 30_000);

  it('falls back to /proc/net/dev and says so when the SNMP community is wrong', async () => {
    const w = watch(labSnmp(router, '2c', 'not-the-community'));
    await w.monitor.start();
    // ~1.6 s of SNMP timeouts, a first /proc/net/dev reading, a rate, and the sample's 1.7 s lag.
    await sleep(8000);
    const status = w.monitor.status();
    await w.monitor.stop();
    expect(status.throughputSource).toBe('proc-net-dev');
    expect(status.throughputNotes.join(' ')).toMatch(/SNMP failed \(no answer from the SNMP agent .* check community.*\/proc\/net\/dev/);
    expect(w.samples('eth1').some((s) => s.rxBps !== null)).toBe(true);
    await sleep(300);
    expect(await probeProcesses(NAME, router)).toEqual([]);
  }, 30_000);
});
