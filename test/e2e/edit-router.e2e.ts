// A technician edits the lab router in Chromium — a new name, a wrong then the right password,
// the host key warning for a new port — then moves the inventory out and back in as a JSON file.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labFixture } from '../lab/lab-fixture.ts';
import { openBrowserSession, type BrowserSession } from './browser-session.ts';
import { addSite, fillRouterConnection } from './ui-steps.ts';
import { busyDeadlineMs } from '../lab/wait-until.ts';

const lab = labFixture({ name: 'edit', routers: 1, wans: 2 });

describe.skipIf(lab.skipReason)('editing a router and moving the inventory in the UI', { timeout: 4 * busyDeadlineMs }, () => {
  let session: BrowserSession;
  let exported = '';
  beforeAll(async () => {
    session = await openBrowserSession();
  });
  afterAll(async () => {
    await session?.close();
  });

  async function editRouter(change: { name?: string; password?: string }) {
    const { page } = session;
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const dialog = page.getByRole('dialog');
    if (change.name) await dialog.getByLabel('Name', { exact: true }).fill(change.name);
    if (change.password) await dialog.locator('input[type="password"]').fill(change.password);
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  async function detectAgain(): Promise<string | null> {
    const { page } = session;
    // The first open detects by itself; wait for that before asking again.
    await page.locator('button[data-loading="true"]').waitFor({ state: 'detached', timeout: busyDeadlineMs });
    await page.getByRole('button', { name: /^Detect( again)?$/ }).click();
    // Mantine marks a busy button with data-loading; detection is over when it is gone.
    await page.locator('button[data-loading="true"]').waitFor({ state: 'detached', timeout: busyDeadlineMs });
    const alert = page.getByTestId('overview-error');
    return (await alert.count()) > 0 ? await alert.textContent() : null;
  }

  it('renames the router and replaces its password; an empty field keeps it', async () => {
    const { page } = session;
    const router = lab.info().routers[0]!;
    await addSite(page, 'Edit lab');
    await fillRouterConnection(page, router, 'Shop router');
    await page.getByRole('button', { name: 'Trust this key' }).click();
    await page.getByTestId('detection-summary').waitFor({ timeout: busyDeadlineMs });
    await page.getByRole('button', { name: 'Open the router' }).click();
    await page.getByRole('heading', { name: 'Shop router' }).waitFor();

    await editRouter({ name: 'Till router', password: 'not-the-password' });
    await page.getByRole('heading', { name: 'Till router' }).waitFor();
    expect(await detectAgain()).toMatch(/password|refused|log in/i);

    await editRouter({ password: router.ssh.password });
    expect(await detectAgain()).toBeNull();
    // Saving with the password field left empty keeps the saved (right) password.
    await editRouter({ name: 'Till router 2' });
    await page.getByRole('heading', { name: 'Till router 2' }).waitFor();
    expect(await detectAgain()).toBeNull();
  });

  it('says before saving that a new port forgets the trusted host key', async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const dialog = page.getByRole('dialog');
    // The dialog open first: counted before it renders, "no note yet" would hold for any dialog.
    await dialog.getByLabel('SSH port').waitFor();
    expect(await dialog.getByTestId('host-key-drop-note').count()).toBe(0);
    await dialog.getByLabel('SSH port').fill('2222');
    await dialog.getByTestId('host-key-drop-note').waitFor();
    expect(await dialog.getByTestId('host-key-drop-note').textContent()).toContain(lab.info().routers[0]!.ssh.hostKeyFingerprint);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('exports the inventory as a file without the password', async () => {
    const { page } = session;
    await page.getByRole('link', { name: 'Sites' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export inventory' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^switchyard-inventory-\d{4}-\d{2}-\d{2}\.json$/);
    exported = readFileSync((await download.path())!, 'utf8');
    const file = JSON.parse(exported) as { sites: { name: string; routers: { name: string; hostKey: { fingerprint: string } | null }[] }[] };
    expect(file.sites).toMatchObject([{ name: 'Edit lab', routers: [{ name: 'Till router 2', hostKey: { fingerprint: lab.info().routers[0]!.ssh.hostKeyFingerprint } }] }]);
    expect(exported).not.toContain(lab.info().routers[0]!.ssh.password);
    expect(await page.getByTestId('inventory-notice').textContent()).toContain('1 site and 1 router saved');
  });

  it('refuses to import it over itself, and imports it once the site is gone', async () => {
    const { page } = session;
    const chooseFile = (name: string) => page.locator('input[type="file"]').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(exported) });
    await chooseFile('inventory.json');
    const notice = page.getByTestId('inventory-notice');
    await notice.filter({ hasText: 'was not imported' }).waitFor();
    expect(await notice.textContent()).toContain('A router named "Till router 2" already exists at site "Edit lab" — nothing was imported.');

    await page.getByTestId('site-card').filter({ hasText: 'Edit lab' }).click();
    await page.getByRole('button', { name: 'Remove site' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove site' }).click();
    await page.getByTestId('sites-empty').waitFor();

    await chooseFile('inventory.json');
    await notice.filter({ hasText: 'Inventory imported' }).waitFor();
    expect(await notice.textContent()).toContain('Imported 1 site and 1 router');
    await page.getByTestId('site-card').filter({ hasText: 'Edit lab' }).click();
    const row = page.getByTestId('router-row').filter({ hasText: 'Till router 2' });
    expect(await row.textContent()).toContain('trusted');
    expect(session.problems).toEqual([]);
  });
});
