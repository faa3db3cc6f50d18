// A newcomer opens the app: the empty Sites page, with no console errors and no CSP
// violations; adding a site shows it, and a bad name is explained before anything is saved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserSession, type BrowserSession } from './browser-session.ts';

let session: BrowserSession;

beforeAll(async () => {
  session = await openBrowserSession();
});
afterAll(async () => {
  await session?.close();
});

describe('the Sites page in Chromium over serve mode', () => {
  it('opens on the empty Sites page with no console errors and no CSP violations', async () => {
    const { page } = session;
    await page.getByRole('heading', { name: 'Sites' }).waitFor();
    await page.getByTestId('sites-empty').waitFor();
    expect(await page.getByText('No sites yet').isVisible()).toBe(true);
    // The token left the address bar once traded for the cookie.
    expect(page.url()).not.toContain('token=');
    expect(session.problems).toEqual([]);
  });

  it('explains a blank name and then adds a site that every client sees', async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Add site' }).click();
    const name = page.getByLabel('Name');
    await name.fill('  ');
    await page.getByText('a site needs a name').waitFor();
    await name.fill('Corner Bakery');
    await page.getByRole('dialog').getByRole('button', { name: 'Add site' }).click();
    await page.getByTestId('site-card').filter({ hasText: 'Corner Bakery' }).waitFor();
    expect((await session.core.dispatcher.dispatch('sites.list', {})).ok).toBe(true);
    expect(session.problems).toEqual([]);
  });

  it('refreshes when another client changes the sites', async () => {
    await session.core.dispatcher.dispatch('sites.create', { name: 'Hardware Store' });
    await session.page.getByTestId('site-card').filter({ hasText: 'Hardware Store' }).waitFor();
  });

  it('switches to the dark theme', async () => {
    await session.page.getByRole('button', { name: 'Use the dark theme' }).click();
    expect(await session.page.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');
    expect(session.problems).toEqual([]);
  });
});
