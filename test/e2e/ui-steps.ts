// Steps a user takes in the UI that several browser tests share.
import type { Page } from 'playwright-core';
import type { LabRouter } from '../lab/lab.ts';

export async function addSite(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Add site' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByRole('dialog').getByRole('button', { name: 'Add site' }).click();
  await page.getByTestId('site-card').filter({ hasText: name }).click();
}

/** From a site page: the connection form, filled for a lab router's password login. */
export async function fillRouterConnection(page: Page, router: LabRouter, name: string, password = router.ssh.password): Promise<void> {
  await page.getByRole('button', { name: 'Add router' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Address').fill(router.ssh.host);
  await dialog.getByLabel('SSH port').fill(String(router.ssh.port));
  await dialog.getByLabel('User').fill(router.ssh.user);
  await dialog.locator('input[type="password"]').fill(password);
  await dialog.getByRole('button', { name: 'Save and connect' }).click();
}
