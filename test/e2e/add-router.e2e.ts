// A newcomer adds the lab router in Chromium: site, connection, the host key to compare and
// trust, then what detection found; a wrong password is explained in plain words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labFixture } from '../lab/lab-fixture.ts';
import { openBrowserSession, type BrowserSession } from './browser-session.ts';
import { addSite, fillRouterConnection } from './ui-steps.ts';
import { busyDeadlineMs } from '../lab/wait-until.ts';

const lab = labFixture({ name: 'e2e', routers: 1, wans: 4 });

describe.skipIf(lab.skipReason)('adding the lab router in the UI', { timeout: 4 * busyDeadlineMs }, () => {
  let session: BrowserSession;
  beforeAll(async () => {
    session = await openBrowserSession();
  });
  afterAll(async () => {
    await session?.close();
  });

  const fillConnection = (password: string, name: string) => fillRouterConnection(session.page, lab.info().routers[0]!, name, password);

  it('goes from an empty site to a detected router with its uplinks', async () => {
    const { page } = session;
    const router = lab.info().routers[0]!;
    await addSite(page, 'Corner Bakery');
    await page.getByTestId('routers-empty').waitFor();

    await fillConnection(router.ssh.password, 'Shop router');
    const fingerprint = page.getByTestId('offered-fingerprint');
    await fingerprint.waitFor();
    expect(await fingerprint.textContent()).toBe(router.ssh.hostKeyFingerprint);
    await page.getByRole('button', { name: 'Trust this key' }).click();

    await page.getByTestId('detection-summary').waitFor({ timeout: busyDeadlineMs });
    const rows = await page.getByTestId('uplink-row').allTextContents();
    for (const device of ['eth1', 'wlan0', 'usb0', 'wwan0']) expect(rows.join(' ')).toContain(device);
    await page.getByRole('button', { name: 'Open the router' }).click();
    await page.getByRole('heading', { name: 'Shop router' }).waitFor();
    expect(await page.getByText(router.ssh.hostKeyFingerprint).count()).toBeGreaterThan(0);
    expect(session.problems).toEqual([]);
  });

  it('warns about the same router twice, explains a wrong password, and keeps nothing of the failed add', async () => {
    const { page } = session;
    const router = lab.info().routers[0]!;
    await page.getByRole('link', { name: 'Corner Bakery' }).click();
    await fillConnection('not-the-password', 'Back office');
    const duplicate = page.getByTestId('duplicate-host');
    await duplicate.waitFor();
    expect(await duplicate.textContent()).toContain(`Shop router at Corner Bakery already uses ${router.ssh.host} port ${router.ssh.port}`);
    await page.getByTestId('add-anyway').click();
    // Pins are per router, so the second router's key is offered again; the login fails after.
    await page.getByRole('button', { name: 'Trust this key' }).click();
    const alert = page.getByText('Switchyard could not connect');
    await alert.waitFor({ timeout: busyDeadlineMs });
    expect(await page.getByRole('dialog').textContent()).toMatch(/password|refused|log in/i);
    expect(await page.getByTestId('not-kept-note').textContent()).toContain('Back office is not kept');

    // Closed without "Keep it anyway": the site shows only the router that works, as the core has it.
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.waitForFunction(`document.querySelectorAll('[data-testid="router-row"]').length === 1`, undefined, { timeout: busyDeadlineMs });
    expect(await page.getByTestId('router-row').allTextContents()).toEqual([expect.stringContaining('Shop router')]);
    expect((await session.core.routers.list()).map((r) => r.name)).toEqual(['Shop router']);
    expect(session.problems).toEqual([]);
  });
});
