// @vitest-environment happy-dom
// Editing a site from its page against a mocked contract: only what changed is sent, and the
// core's refusal (a taken name) is shown in the form.
import { MantineProvider } from '@mantine/core';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MethodName } from '../../shared/api/contract.ts';
import { ApiCallError } from '../api/api.ts';
import { useRoutersStore } from '../stores/routers-store.ts';
import { useSitesStore } from '../stores/sites-store.ts';
import { theme } from '../theme.ts';
import { SitePage } from './site-page.tsx';
import { routeApiCalls } from '../api/route-api-calls.test-util.ts';
import { savedRouter } from '../components/router-fixtures.test-util.ts';

vi.mock('../api/api.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../api/api.ts')>()), api: { call: vi.fn(), on: vi.fn(() => () => {}) } }));

type Handler = (params: Record<string, unknown>) => unknown;
let handlers: Partial<Record<MethodName, Handler>>;
let calls: { method: string; params: Record<string, unknown> }[];
let site: { id: string; name: string; notes: string; routerCount: number; createdMs: number; updatedMs: number };

beforeAll(() => {
  // Mantine's autosize Textarea listens for font loading, which happy-dom does not have.
  if (!('fonts' in document)) Object.defineProperty(document, 'fonts', { value: new EventTarget() });
});
beforeEach(() => {
  calls = [];
  site = { id: 's1', name: 'Bakery', notes: 'Back door code 1234', routerCount: 0, createdMs: 1, updatedMs: 1 };
  handlers = {
    'sites.list': () => ({ sites: [site] }),
    'routers.list': () => ({ routers: [] }),
    'sites.update': (p) => (site = { ...site, ...(p.patch as object) }),
  };
  routeApiCalls(handlers, calls);
  useSitesStore.setState({ sites: [], status: 'idle', error: null });
  useRoutersStore.setState({ routers: [], status: 'idle', error: null });
});
afterEach(cleanup);

async function openEdit() {
  render(
    <MantineProvider theme={theme}>
      <SitePage siteId="s1" />
    </MantineProvider>,
  );
  fireEvent.click(await screen.findByRole('button', { name: 'Edit site' }));
  return within(await screen.findByRole('dialog'));
}

describe('editing a site', () => {
  it('renames it without touching the notes', async () => {
    const dialog = await openEdit();
    expect((dialog.getByLabelText('Notes') as HTMLTextAreaElement).value).toBe('Back door code 1234');
    fireEvent.change(dialog.getByLabelText('Name'), { target: { value: 'Corner Bakery' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), { timeout: 10_000 });
    expect(calls.filter((c) => c.method === 'sites.update')).toEqual([{ method: 'sites.update', params: { id: 's1', patch: { name: 'Corner Bakery' } } }]);
    expect(await screen.findByRole('heading', { name: 'Corner Bakery' })).toBeTruthy();
  });

  it('validates the name as you type and shows a taken name from the core', async () => {
    handlers['sites.update'] = () => {
      throw new ApiCallError({ code: 'conflict', message: 'A site named "Depot" already exists. Choose another name.' });
    };
    const dialog = await openEdit();
    fireEvent.change(dialog.getByLabelText('Name'), { target: { value: ' ' } });
    expect(dialog.getByText('a site needs a name')).toBeTruthy();
    fireEvent.change(dialog.getByLabelText('Name'), { target: { value: 'Depot' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Save changes' }));
    expect(await dialog.findByText('A site named "Depot" already exists. Choose another name.')).toBeTruthy();
  });
});

describe('reaching a router with the keyboard (issue 12 item 1)', () => {
  it('each router row has a link to the router, reachable with Tab and opened with Enter like any link', async () => {
    handlers['routers.list'] = () => ({ routers: [savedRouter({ id: 'r9', siteId: 's1', name: 'Backroom router' })] });
    handlers['failover.status'] = () => ({ enabled: false, mode: null, forced: 'auto', wans: [], pendingRevertAtMs: null, events: [] });
    render(
      <MantineProvider theme={theme}>
        <SitePage siteId="s1" />
      </MantineProvider>,
    );
    const link = await screen.findByRole('link', { name: 'Backroom router' });
    expect(link.getAttribute('href')).toBe('#/routers/r9/overview');
    expect(await screen.findByText('Failover off')).toBeTruthy();
  });
});
