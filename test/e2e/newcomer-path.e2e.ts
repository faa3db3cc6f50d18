// A newcomer's whole path in Chromium against a lab router: add it, trust its key, enable
// failover, reorder uplinks by keyboard and by mouse, change a ratio, apply and confirm, see the
// active marker and the event move when the active uplink is blackholed, fail over by hand and
// back, and remove failover — with no console error on the way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { impair, labExec } from '../lab/lab.ts';
import { labFixture } from '../lab/lab-fixture.ts';
import { busyDeadlineMs } from '../lab/wait-until.ts';
import { routerIdByName, waitProbed } from '../helpers/lab-router.ts';
import { openBrowserSession, type BrowserSession } from './browser-session.ts';
import { addTrustedRouterByKeyFile } from './ui-steps.ts';

const labName = 'e2efo';
const lab = labFixture({ name: labName, routers: 1, wans: 3 });

// Each step waits on the router over SSH: a busy 2-core machine makes that slow.
describe.skipIf(lab.skipReason)('the newcomer path', { timeout: 4 * busyDeadlineMs }, () => {
  let session: BrowserSession;
  beforeAll(async () => {
    session = await openBrowserSession();
  });
  afterAll(async () => {
    await session?.close();
  });

  const card = (wan: string) => session.page.locator(`[data-testid="wan-card"][data-wan="${wan}"]`);
  const order = async () => session.page.locator('[data-testid="wan-card"]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-wan')));

  it('adds the lab router with a key file and trusts its host key', async () => {
    const { page } = session;
    await addTrustedRouterByKeyFile(page, lab.info().routers[0]!, { site: 'Corner Bakery', router: 'Shop router' });
  });

  it('enables failover, fills in what the router cannot know, and reorders by keyboard and mouse', async () => {
    const { page } = session;
    const info = lab.info();
    await page.getByRole('tab', { name: 'WAN Failover' }).click();
    await page.getByTestId('enable-failover').click({ timeout: busyDeadlineMs });
    expect(await order()).toEqual(['eth1', 'wlan0', 'usb0']);

    // Gateways of the backup links and a probe target each (the lab's own targets).
    for (const [i, wan] of info.routers[0]!.wans.entries()) {
      await card(wan.name).getByRole('button', { name: /^Settings of/ }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Gateway', { exact: true }).fill(wan.gateway);
      await dialog.getByLabel('Targets', { exact: true }).fill(info.probeTargets.icmp[i]!);
      await expect.poll(async () => dialog.getByTestId('predicted-failover').textContent()).toMatch(/2\.6 s/);
      await page.keyboard.press('Escape');
    }

    // Keyboard: lift usb0, move it up one, drop.
    await card('usb0').getByTestId('wan-drag-handle').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Space');
    await expect.poll(order).toEqual(['eth1', 'usb0', 'wlan0']);

    // Mouse: drag wlan0 back above usb0 (both in view first: mouse coordinates are the viewport's).
    await card('usb0').scrollIntoViewIfNeeded();
    await card('wlan0').scrollIntoViewIfNeeded();
    const from = await card('wlan0').getByTestId('wan-drag-handle').boundingBox();
    const to = await card('usb0').getByTestId('wan-drag-handle').boundingBox();
    await page.mouse.move(from!.x + from!.width / 2, from!.y + from!.height / 2);
    await page.mouse.down();
    await page.mouse.move(from!.x + from!.width / 2, from!.y - 10, { steps: 5 });
    await page.mouse.move(to!.x + to!.width / 2, to!.y + to!.height / 2 - 20, { steps: 15 });
    await page.mouse.up();
    await expect.poll(order).toEqual(['eth1', 'wlan0', 'usb0']);
  });

  it('changes a ratio in load-balance mode and shows the shares', async () => {
    const { page } = session;
    await page.getByTestId('mode-switch').getByText('Load balance').click();
    await card('eth1').getByLabel(/^Ratio of/).fill('3');
    await expect.poll(() => card('eth1').getByTestId('wan-share').textContent()).toMatch(/60/);
    await page.getByTestId('mode-switch').getByText('Failover').click();
  });

  it('applies with a revert countdown and confirms', async () => {
    const { page } = session;
    await page.getByTestId('apply-button').click();
    await page.getByTestId('plan-diff').waitFor();
    await page.getByTestId('apply-now-button').click();
    await page.getByTestId('revert-countdown').waitFor({ timeout: busyDeadlineMs });
    await page.locator('[data-testid="verification"][data-ok="true"]').waitFor({ timeout: busyDeadlineMs });
    await page.getByTestId('confirm-button').click();
    await page.getByText('Confirmed', { exact: true }).waitFor({ timeout: busyDeadlineMs });
    await card('eth1').getByTestId('wan-active').waitFor({ timeout: busyDeadlineMs });
  });

  it('moves the active marker and records the event when the active uplink is blackholed', async () => {
    const { page } = session;
    // wlan0 online on its probes' answers, not the agent's start-up state: a backup whose first
    // reply came late would take the traffic to usb0 first, and the event would name usb0.
    await waitProbed(session.core, await routerIdByName(session.core, 'Shop router'), 'eth1');
    const started = Date.now();
    await impair(labName, 'r01', 'eth1', { kind: 'blackhole' });
    await card('wlan0').getByTestId('wan-active').waitFor({ timeout: busyDeadlineMs });
    // Predicted 2.6 s on the router, plus the tab's 2 s status poll.
    expect(Date.now() - started).toBeLessThan(2_600 + 2_000 + 1_000);
    await page.getByText(/Traffic moved from eth1 to wlan0/).first().waitFor({ timeout: busyDeadlineMs });
    await impair(labName, 'r01', 'eth1', { kind: 'clear' });
  });

  it('fails over by hand and goes back to automatic', async () => {
    const { page } = session;
    await card('usb0').getByRole('button', { name: 'Use this link now' }).click();
    await card('usb0').getByTestId('wan-active').waitFor({ timeout: busyDeadlineMs });
    await page.getByRole('button', { name: 'Back to automatic' }).click();
    await page.getByRole('button', { name: 'Back to automatic' }).waitFor({ state: 'detached', timeout: busyDeadlineMs });
  });

  it('removes failover and leaves the router as it was', async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Remove WAN failover' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove and restore' }).click();
    await page.getByTestId('enable-failover').waitFor({ timeout: busyDeadlineMs });
    const agent = await labExec(labName, 'r01', ['ls', '/usr/local/sbin/switchyard-agent'], { allowFailure: true });
    expect(agent.exitCode).not.toBe(0);
    expect(session.problems).toEqual([]);
  });
});
