// Steps a user takes in the UI that several browser tests share.
import type { Page } from 'playwright-core';
import type { LabRouter } from '../lab/lab.ts';
import { busyDeadlineMs } from '../lab/wait-until.ts';

export async function addSite(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Add site' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByRole('dialog').getByRole('button', { name: 'Add site' }).click();
  await page.getByTestId('site-card').filter({ hasText: name }).click();
}

/** From a site page: the connection form, filled for a lab router's password login (or any address, user and password). */
export async function fillRouterConnection(page: Page, router: { ssh: Pick<LabRouter['ssh'], 'host' | 'port' | 'user' | 'password'> }, name: string, password = router.ssh.password): Promise<void> {
  await page.getByRole('button', { name: 'Add router' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Address').fill(router.ssh.host);
  await dialog.getByLabel('SSH port').fill(String(router.ssh.port));
  await dialog.getByLabel('User').fill(router.ssh.user);
  await dialog.locator('input[type="password"]').fill(password);
  await dialog.getByRole('button', { name: 'Save and connect' }).click();
}

/**
 * From the sites page: a new site with a lab router added by root's key file, its offered host key
 * checked against the lab's record and trusted, detection waited for, and the router page opened.
 */
export async function addTrustedRouterByKeyFile(
  page: Page,
  router: LabRouter,
  names: { site: string; router: string },
  detectionTimeoutMs = busyDeadlineMs,
): Promise<void> {
  await addSite(page, names.site);
  await page.getByRole('button', { name: 'Add router' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill(names.router);
  await dialog.getByLabel('Address').fill(router.ssh.host);
  await dialog.getByLabel('User').fill('root');
  await dialog.getByText('Key file').click();
  await dialog.getByLabel('Private key file').fill(router.ssh.rootKeyPath);
  await dialog.getByRole('button', { name: 'Save and connect' }).click();
  const offered = await page.getByTestId('offered-fingerprint').textContent();
  if (offered !== router.ssh.hostKeyFingerprint) {
    throw new Error(`the offered host key ${offered} is not the lab router's ${router.ssh.hostKeyFingerprint}`);
  }
  await page.getByRole('button', { name: 'Trust this key' }).click();
  await page.getByTestId('detection-summary').waitFor({ timeout: detectionTimeoutMs });
  await page.getByRole('button', { name: 'Open the router' }).click();
}
