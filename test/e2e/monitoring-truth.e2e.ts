// Issue 11 "Done when", as a person would read the screen, on a lab router with failover applied:
// healthy uplinks show loss 0 % and a latency after opening Monitoring; after a blackhole on eth1
// the screen shows eth1 offline and wlan0 carrying traffic; the Events tab and its CSV contain the
// failover. How fast (targets: 5 s after opening, 1 s after the router's own switch, which its log
// times: lab routers share this machine's clock) is measured and printed, not asserted: speed
// targets live in benchmarks (the project's standards), and a loaded 2-core machine must not turn them red.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLinuxDriver } from '../../src/main/core/drivers/linux/linux-driver.ts';
import { addLabRouter, enableFailover, labFailoverPolicy, shopNames } from '../helpers/lab-router.ts';
import { impair } from '../lab/lab.ts';
import { labFixture } from '../lab/lab-fixture.ts';
import { busyDeadlineMs, waitUntil } from '../lab/wait-until.ts';
import { openBrowserSession, type BrowserSession } from './browser-session.ts';

const labName = 'e2emon';
const lab = labFixture({ name: labName, routers: 1, wans: 2 });

describe.skipIf(lab.skipReason)('monitoring tells the truth about the router', { timeout: 3 * busyDeadlineMs }, () => {
  let session: BrowserSession;
  let routerId: string;

  // In-page navigation (the page's token was traded for a session once; no reload).
  const show = (tab: string) => session.page.evaluate(`location.hash = ${JSON.stringify(`#/routers/${encodeURIComponent(routerId)}/${tab}`)}`);
  const card = (wan: string) => session.page.locator(`[data-testid="wan-card"][data-wan="${wan}"]`);

  beforeAll(async () => {
    session = await openBrowserSession();
    routerId = await addLabRouter(session.core, lab.info().routers[0]!, shopNames);
    await enableFailover(session.core, routerId, labFailoverPolicy(lab.info(), { forcedRefreshStreams: false }), 120);
  }, 10 * busyDeadlineMs);
  afterAll(async () => {
    await session?.close();
  });

  it('shows loss 0 % and a latency for every healthy uplink once Monitoring opens (time printed; target 5 s)', async () => {
    const { page } = session;
    const openedMs = Date.now();
    await show('monitoring');
    for (const wan of ['eth1', 'wlan0']) {
      const latest = page.locator(`[data-testid="uplink-monitor"][data-wan="${wan}"] [data-testid="uplink-latest"]`);
      await expect.poll(() => latest.textContent(), { timeout: busyDeadlineMs, interval: 100 }).toMatch(/^now \d+(\.\d)? ms · loss 0 %/);
    }
    console.log(`monitoring: loss and latency on screen ${Date.now() - openedMs} ms after opening (target 5000)`);
    // Both measure their path (the agent gives each uplink its route), nothing labelled gateway only.
    expect(await page.getByTestId('uplink-scope').count()).toBe(0);
  });

  it('shows eth1 offline and wlan0 carrying traffic after the router switched (lag printed; target 1 s)', async () => {
    await show('failover');
    await card('eth1').getByTestId('wan-active').waitFor({ timeout: busyDeadlineMs });
    const impairedAtMs = Date.now();
    await impair(labName, 'r01', 'eth1', { kind: 'blackhole' });
    await card('wlan0').getByTestId('wan-active').waitFor({ timeout: busyDeadlineMs });
    await card('eth1').locator('[data-testid="wan-state"][data-state="offline"]').waitFor({ timeout: busyDeadlineMs });
    const shownAtMs = Date.now();
    const driver = createLinuxDriver(await session.core.connections.connection(routerId), { agentScriptPath: join(import.meta.dirname, '../../resources/agent/switchyard-agent') });
    const switched = await waitUntil(
      async () => (await driver.readRouterEvents!(impairedAtMs - 1000)).find((e) => e.kind === 'switch' && e.to === 'wlan0' && e.routerAtMs >= impairedAtMs),
      (e) => e !== undefined,
      { what: "the router's own switch to wlan0 in its log" },
    );
    console.log(`failover: router switched ${switched!.routerAtMs - impairedAtMs} ms after the blackhole; the screen showed it ${shownAtMs - switched!.routerAtMs} ms after the router (target 1000)`);
    // What the screen shows is what the router did: it switched, and to wlan0, before we saw it.
    expect(shownAtMs).toBeGreaterThanOrEqual(switched!.routerAtMs);
  });

  it('has the failover in the Events tab and in its CSV', async () => {
    const { page } = session;
    await show('events');
    await page.locator('[data-testid="event-row"][data-kind="switch"]').filter({ hasText: /eth1 to wlan0/ }).first().waitFor({ timeout: busyDeadlineMs });
    await page.locator('[data-testid="event-row"][data-kind="offline"]').filter({ hasText: /eth1/ }).first().waitFor({ timeout: busyDeadlineMs });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('events-export').click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toMatch(/,switch,.*Traffic moved from eth1 to wlan0/);
    expect(csv).toMatch(/,offline,.*eth1 went offline/);
    await impair(labName, 'r01', 'eth1', { kind: 'clear' });
    expect(session.problems).toEqual([]);
  });
});
