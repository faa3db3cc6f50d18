// The technician's walk (issue 12): a lab router at 1366×768 in Chromium, as a person at a shop
// goes through it. Open → site → router with the keyboard only → detection done without a click →
// failover enabled with no gateway typed → reorder with the keyboard → apply → confirm →
// blackhole eth1 (banner, red offline, event) → clear (new connections back on eth1) → force
// wlan0 → automatic → remove. Each step asserts what a person sees (texts, roles, the colour role
// of status) and saves a screenshot under test-results/walk/ for a reviewer to look at.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { impair, labExec } from '../lab/lab.ts';
import { labFixture } from '../lab/lab-fixture.ts';
import { busyDeadlineMs } from '../lab/wait-until.ts';
import { routerIdByName, waitProbed } from '../helpers/lab-router.ts';
import { openBrowserSession, type BrowserSession } from './browser-session.ts';
import { addTrustedRouterByKeyFile } from './ui-steps.ts';

const labName = 'e2ewalk';
const lab = labFixture({ name: labName, routers: 1, wans: 4 });
const shotsDir = resolve(import.meta.dirname, '../../test-results/walk');
/** Per step: each waits on the router over SSH, and a busy 2-core machine makes that slow. */
const stepTimeoutMs = 240_000;

describe.skipIf(lab.skipReason)('the technician’s walk', () => {
  let session: BrowserSession;
  let step = 0;
  const shot = async (name: string) => {
    step++;
    await session.page.screenshot({ path: `${shotsDir}/${String(step).padStart(2, '0')}-${name}.png`, fullPage: true });
  };
  const card = (wan: string) => session.page.locator(`[data-testid="wan-card"][data-wan="${wan}"]`);
  const order = async () => session.page.locator('[data-testid="wan-card"]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-wan')));
  const stateOf = (wan: string) => card(wan).getByTestId('wan-state');
  /** Tab until the focused element matches, as a keyboard user would; fails after `max` presses. */
  const tabTo = async (matches: string, max = 25) => {
    const { page } = session;
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if ((await page.locator(`${matches}:focus`).count()) > 0) return;
    }
    throw new Error(`${max} presses of Tab never reached ${matches}`);
  };

  beforeAll(async () => {
    mkdirSync(shotsDir, { recursive: true });
    // The lab's targets reach the app as configuration, as `npm run demo` passes them.
    session = await openBrowserSession({ viewport: { width: 1366, height: 768 }, trackTargets: lab.info().probeTargets.icmp });
    await session.page.context().grantPermissions(['notifications'], { origin: new URL(session.server.url).origin });
  });
  afterAll(async () => {
    await session?.close();
  });

  it('the router is added and trusted; the LAN port is not an uplink', async () => {
    const { page } = session;
    await addTrustedRouterByKeyFile(page, lab.info().routers[0]!, { site: 'Corner Bakery', router: 'Shop router' });
    await shot('router-added');
  }, stepTimeoutMs);

  it('open → site → router with the keyboard only, with a visible focus ring', async () => {
    const { page } = session;
    await page.goto(session.server.url); // the app as it opens: the sites page
    const siteCard = page.getByTestId('site-card').filter({ hasText: 'Corner Bakery' });
    await siteCard.getByTestId('router-health').waitFor({ timeout: busyDeadlineMs });
    // The router answers: its health is read, not "unknown" (it said "not answering" once).
    await expect.poll(() => siteCard.getByTestId('health-failover').textContent(), { timeout: busyDeadlineMs }).toBe('Failover off');
    await tabTo('[data-testid="site-card"]');
    // An expression string: this file is typed for Node, the expression runs in the page.
    const ring = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    expect(ring).toBe('solid');
    await shot('sites-page-focused');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Corner Bakery' }).waitFor();
    await page.getByRole('link', { name: 'Shop router' }).waitFor();
    await tabTo('a[href^="#/routers/"]');
    expect(await page.locator(':focus').textContent()).toBe('Shop router');
    await shot('site-page-router-focused');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Shop router' }).waitFor();
  }, stepTimeoutMs);

  it('detection is done without a click: gateways found, eth0 (the LAN) not offered', async () => {
    const { page } = session;
    const summary = page.getByTestId('detection-summary');
    await summary.waitFor({ timeout: busyDeadlineMs });
    const rows = summary.getByTestId('uplink-row');
    await expect.poll(() => rows.count(), { timeout: busyDeadlineMs }).toBe(4);
    const text = await summary.textContent();
    expect(text).not.toContain('eth0');
    for (const wan of lab.info().routers[0]!.wans) expect(text).toContain(wan.gateway);
    expect(text).toContain('answered a ping on this link');
    await page.getByTestId('router-health').waitFor({ timeout: busyDeadlineMs });
    expect(await page.getByTestId('health-failover').textContent()).toBe('Failover off');
    await shot('overview-detected');
  }, stepTimeoutMs);

  it('enables failover with no gateway typed, and reorders with the keyboard', async () => {
    const { page } = session;
    const info = lab.info();
    await page.getByRole('tab', { name: 'WAN Failover' }).click();
    await page.getByTestId('enable-failover').click({ timeout: busyDeadlineMs });
    expect(await order()).toEqual(['eth1', 'wlan0', 'usb0', 'wwan0']);
    for (const wan of info.routers[0]!.wans) expect(await card(wan.name).textContent()).toContain(`gateway ${wan.gateway}`);
    expect(await page.locator('[data-testid="wan-card"][data-wan="eth0"]').count()).toBe(0);
    // Suggested targets are asked of the router: the lab's own, since public ones cannot answer there.
    await page.getByRole('button', { name: 'Fill in suggested targets' }).click();
    const suggestions = page.getByTestId('target-suggestion');
    await expect.poll(() => suggestions.count(), { timeout: 60_000 }).toBe(4);
    expect(await page.locator('[data-testid="target-suggestion"][data-checked="through-uplink"]').textContent()).toMatch(/^eth1: 203\.0\.113\.\d+ answered through eth1\.$/);
    expect(await page.locator('[data-testid="target-suggestion"][data-checked="through-other-uplink"]').count()).toBe(3);
    expect(await page.getByTestId('apply-blocked').count()).toBe(0);
    for (const text of await suggestions.allTextContents()) expect(info.probeTargets.icmp.some((t) => text.includes(t)), text).toBe(true);
    await shot('suggested-targets');
    expect(await page.getByTestId('return-to-primary-words').textContent()).toBe(
      "New connections go back to the primary once it passes its checks; Forced Refresh Streams also moves the connections still running on the backup; 'Stay on the backup until I switch back' is its own option.",
    );
    await card('wwan0').getByTestId('wan-drag-handle').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Space');
    await expect.poll(order).toEqual(['eth1', 'wlan0', 'wwan0', 'usb0']);
    await shot('draft-reordered');
  }, stepTimeoutMs);

  it('applies, shows On while waiting for confirmation, and confirms', async () => {
    const { page } = session;
    await page.getByTestId('apply-button').click();
    await page.getByTestId('plan-diff').waitFor({ timeout: busyDeadlineMs });
    await shot('plan');
    await page.getByTestId('apply-now-button').click();
    await page.getByTestId('revert-countdown').waitFor({ timeout: busyDeadlineMs });
    expect(await page.getByTestId('failover-enabled').textContent()).toBe('On · failover');
    await page.getByTestId('health-pending').first().waitFor({ timeout: 5_000 }).catch(() => {});
    await shot('pending-confirm');
    await page.getByTestId('confirm-button').click();
    await page.getByText('Confirmed', { exact: true }).waitFor({ timeout: busyDeadlineMs });
    expect(await page.getByText(/WAN failover is off/).count()).toBe(0);
    await card('eth1').getByTestId('wan-active').waitFor({ timeout: busyDeadlineMs });
    await shot('confirmed');
  }, stepTimeoutMs);

  it('blackholed eth1: a banner, eth1 offline in red, traffic and the event on wlan0', async () => {
    const { page } = session;
    // wlan0 online on its probes' answers, not the agent's start-up state: a backup whose first
    // reply came late would take the traffic to usb0 first, and the event would name usb0.
    await waitProbed(session.core, await routerIdByName(session.core, 'Shop router'), 'eth1');
    await impair(labName, 'r01', 'eth1', { kind: 'blackhole' });
    await card('wlan0').getByTestId('wan-active').waitFor({ timeout: busyDeadlineMs });
    const banner = page.getByTestId('failover-banner').getByRole('alert');
    await banner.first().waitFor({ timeout: busyDeadlineMs });
    expect(await banner.first().textContent()).toMatch(/eth1 offline/);
    await expect.poll(() => stateOf('eth1').getAttribute('data-state'), { timeout: busyDeadlineMs }).toBe('offline');
    expect(await stateOf('eth1').getAttribute('data-color')).toBe('red');
    expect(await page.getByTestId('health-offline').first().textContent()).toBe('eth1 offline');
    await page.getByText(/Traffic moved from eth1 to wlan0/).first().waitFor({ timeout: busyDeadlineMs });
    await shot('failover-banner');
  }, stepTimeoutMs);

  it('cleared eth1: new connections back on eth1', async () => {
    await impair(labName, 'r01', 'eth1', { kind: 'clear' });
    await card('eth1').getByTestId('wan-active').waitFor({ timeout: 60_000 });
    await expect.poll(() => stateOf('eth1').getAttribute('data-state'), { timeout: busyDeadlineMs }).toBe('online');
    // The router agrees: a new connection from the LAN leaves through eth1.
    const target = lab.info().probeTargets.icmp[0]!;
    const route = await labExec(labName, 'r01', ['ip', '-4', 'route', 'get', target, 'from', lab.info().routers[0]!.lan.clientAddress, 'iif', 'eth0']);
    expect(route.stdout).toMatch(/dev eth1/);
    await shot('back-on-eth1');
  }, stepTimeoutMs);

  it('forces wlan0, then back to automatic', async () => {
    const { page } = session;
    await card('wlan0').getByRole('button', { name: 'Use this link now' }).click();
    await card('wlan0').getByTestId('wan-active').waitFor({ timeout: busyDeadlineMs });
    await card('wlan0').getByTestId('wan-forced').waitFor();
    // The notice of the step before ("traffic on eth1") is no longer true: it goes.
    await page.getByTestId('failover-banner').waitFor({ state: 'detached', timeout: busyDeadlineMs });
    // The cards' route metrics are the router's now (forced: wlan0's default route comes first).
    const routerMetric = async (dev: string) => {
      const metrics = [...(await labExec(labName, 'r01', ['ip', '-4', 'route', 'show', 'default', 'dev', dev])).stdout.matchAll(/metric (\d+)/g)].map((m) => Number(m[1]));
      return Math.min(...metrics);
    };
    const shownMetric = async (wan: string) => Number(/route metric (\d+)/.exec((await card(wan).textContent()) ?? '')?.[1]);
    expect(await routerMetric('wlan0')).toBeLessThan(await routerMetric('eth1'));
    await expect.poll(async () => [await shownMetric('wlan0'), await shownMetric('eth1')], { timeout: busyDeadlineMs }).toEqual([await routerMetric('wlan0'), await routerMetric('eth1')]);
    await shot('forced-wlan0');
    await page.getByRole('button', { name: 'Back to automatic' }).click();
    await page.getByRole('button', { name: 'Back to automatic' }).waitFor({ state: 'detached', timeout: busyDeadlineMs });
    await card('eth1').getByTestId('wan-active').waitFor({ timeout: busyDeadlineMs });
    await shot('automatic');
  }, stepTimeoutMs);

  it('removes failover: Off at once, and the router as it was', async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Remove WAN failover' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove and restore' }).click();
    await expect.poll(() => page.getByTestId('failover-enabled').textContent(), { timeout: busyDeadlineMs }).toBe('Off');
    await page.getByTestId('enable-failover').waitFor({ timeout: busyDeadlineMs });
    const agent = await labExec(labName, 'r01', ['ls', '/usr/local/sbin/switchyard-agent'], { allowFailure: true });
    expect(agent.exitCode).not.toBe(0);
    await shot('removed');
    expect(session.problems).toEqual([]);
  }, stepTimeoutMs);
});
