// A metered backup standing by under the Cellular saver preset, as a technician sees it in
// Chromium on a lab router (the preset applied through the contract as test/lab/preset-drill.ts
// does): the WAN Failover card says "Standing by — probed only when needed (saves …)" with the
// last time it answered, exactly while `switchyard-agent status` says the router does not probe
// it; Monitoring does not probe it and says so, "Probe now" measures it once; health calls it
// fine, not degraded; a failing primary wakes it and every screen shows it probed again.
// Screenshots under test-results/ (STANDBY_E2E_ARTIFACTS).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLabRouter, contractCaller, shopNames, waitProbedVia } from '../helpers/lab-router.ts';
import { impair, labExec } from '../lab/lab.ts';
import { labFixture } from '../lab/lab-fixture.ts';
import { presetDrillPolicy, until } from '../lab/preset-drill.ts';
import { busyDeadlineMs } from '../lab/wait-until.ts';
import { openBrowserSession, type BrowserSession } from './browser-session.ts';

const labName = 'e2esb';
const lab = labFixture({ name: labName, routers: 1, wans: 4 });
const artifacts = process.env.STANDBY_E2E_ARTIFACTS;

describe.skipIf(lab.skipReason)('a backup standing by, in the browser', { timeout: 4 * busyDeadlineMs }, () => {
  let session: BrowserSession;
  let routerId: string;
  const show = (path: string) => session.page.evaluate(`location.hash = ${JSON.stringify(path)}`);
  const shot = async (name: string) => {
    if (!artifacts) return;
    mkdirSync(artifacts, { recursive: true });
    await session.page.screenshot({ path: join(artifacts, name), fullPage: true });
  };
  const agentProbing = async (wan: string): Promise<boolean | undefined> => {
    const out = JSON.parse((await labExec(labName, 'r01', ['switchyard-agent', 'status', '0'])).stdout) as { state: { uplinks: Array<{ name: string; probing: boolean }> } | null };
    return out.state?.uplinks.find((u) => u.name === wan)?.probing;
  };

  beforeAll(async () => {
    session = await openBrowserSession({ viewport: { width: 1300, height: 1000 } });
    routerId = await addLabRouter(session.core, lab.info().routers[0]!, shopNames);
    const { call } = contractCaller(session.core);
    const { policy } = presetDrillPolicy(lab.info(), 'cellular-saver');
    await call('failover.apply', { routerId, policy, revertInSec: 60 });
    await call('failover.confirm', { routerId });
    await waitProbedVia(call, routerId, 'eth1');
    await until(async () => ((await agentProbing('wwan0')) === false ? true : undefined), busyDeadlineMs);
  }, 10 * busyDeadlineMs);
  afterAll(async () => {
    await session?.close();
  });

  it('WAN Failover: the cellular backup reads "Standing by" with its saving and last answer, as the agent has it', async () => {
    const { page } = session;
    await show(`#/routers/${routerId}/failover`);
    const line = page.locator('[data-testid="wan-card"][data-wan="wwan0"] [data-testid="wan-standby-line"]');
    await expect.poll(() => line.textContent(), { timeout: busyDeadlineMs, interval: 200 }).toMatch(/^Standing by — probed only when needed \(saves ~14\.5 MB\/month\); last answered \d+ (s|min) ago \(\d\d:\d\d:\d\d\)$/);
    expect(await page.locator('[data-testid="wan-card"][data-wan="wwan0"] [data-testid="wan-standby"]').textContent()).toBe('Standing by');
    expect(await page.locator('[data-testid="wan-card"][data-wan="eth1"] [data-testid="wan-standby-line"]').count()).toBe(0);
    expect(await agentProbing('wwan0')).toBe(false);
    await shot('standby-failover-tab.png');
  });

  it('Monitoring: not probed while it stands by, and says so; "Probe now" measures it once', async () => {
    const { page } = session;
    await show(`#/routers/${routerId}/monitoring`);
    const status = page.locator('[data-testid="uplink-monitor"][data-wan="wwan0"] [data-testid="uplink-status"]');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: busyDeadlineMs, interval: 200 }).toBe('standby');
    await expect
      .poll(() => page.locator('[data-testid="uplink-monitor"][data-wan="wwan0"] [data-testid="uplink-message"]').textContent(), { timeout: busyDeadlineMs, interval: 200 })
      .toMatch(/wwan0 stands by: the router probes it only when needed, so this monitor does not probe it either \(a probe a second would cost ~458\.4 MB a month\)/);
    expect(await page.getByTestId('monitor-status').textContent()).toMatch(/Switchyard probes every second \(not wwan0: standing by\)/);
    await shot('standby-monitoring.png');
    await page.getByTestId('standby-probe-now').click();
    // Its five echoes show as a latency on its card; then it stands by again.
    const latest = page.locator('[data-testid="uplink-monitor"][data-wan="wwan0"] [data-testid="uplink-latest"]');
    await latest.waitFor({ timeout: busyDeadlineMs });
    await expect.poll(() => latest.textContent(), { timeout: busyDeadlineMs, interval: 200 }).toMatch(/\d+(\.\d)? ms/);
    await expect.poll(() => status.getAttribute('data-state'), { timeout: busyDeadlineMs, interval: 200 }).toBe('standby');
    // Standing by again, "now" has no latency or loss: its seconds are not probed (throughput still is).
    await expect.poll(() => latest.textContent(), { timeout: busyDeadlineMs, interval: 200 }).toMatch(/^now – · loss – · jitter/);
    await shot('standby-monitoring-probed-once.png');
    expect(session.problems).toEqual([]);
  });

  it('health at a glance: fine, with the backup standing by, not degraded', async () => {
    const { page } = session;
    await show('#/sites');
    const health = page.getByTestId('router-health').first();
    await expect.poll(() => health.getAttribute('data-level'), { timeout: busyDeadlineMs, interval: 200 }).toBe('ok');
    expect(await page.getByTestId('health-standby').first().textContent()).toBe('wwan0 standing by');
    await shot('standby-sites-health.png');
  });

  it('the primary fails: the backup wakes and reads "Probed now" everywhere; back on eth1 it stands by again', async () => {
    const { page } = session;
    await show(`#/routers/${routerId}/failover`);
    const line = page.locator('[data-testid="wan-card"][data-wan="wwan0"] [data-testid="wan-standby-line"]');
    await expect.poll(() => line.textContent(), { timeout: busyDeadlineMs, interval: 200 }).toMatch(/^Standing by/);
    await impair(labName, 'r01', 'eth1', { kind: 'blackhole' });
    try {
      await expect.poll(() => line.textContent(), { timeout: busyDeadlineMs, interval: 200 }).toMatch(/^Probed now: it is needed/);
      expect(await agentProbing('wwan0')).toBe(true);
      await shot('standby-woken-failover-tab.png');
      await show(`#/routers/${routerId}/monitoring`);
      const status = page.locator('[data-testid="uplink-monitor"][data-wan="wwan0"] [data-testid="uplink-status"]');
      await expect.poll(() => status.getAttribute('data-state'), { timeout: busyDeadlineMs, interval: 200 }).toBe('running');
      await shot('standby-woken-monitoring.png');
    } finally {
      await impair(labName, 'r01', 'eth1', { kind: 'clear' });
    }
    await show(`#/routers/${routerId}/failover`);
    await expect.poll(() => line.textContent(), { timeout: 2 * busyDeadlineMs, interval: 200 }).toMatch(/^Standing by/);
    expect(await agentProbing('wwan0')).toBe(false);
    expect(session.problems).toEqual([]);
  });
});
