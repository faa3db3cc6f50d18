// @vitest-environment happy-dom
// Inventory export and import on the Sites page against a mocked contract: the download, a
// file checked before it is sent, the core's all-or-nothing refusal, and the summary.
import { MantineProvider } from '@mantine/core';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MethodName } from '../../shared/api/contract.ts';
import type { InventoryFile } from '../../shared/api/inventory-schemas.ts';
import { ApiCallError } from '../api/api.ts';
import { useSitesStore } from '../stores/sites-store.ts';
import { theme } from '../theme.ts';
import { SitesPage } from './sites-page.tsx';
import { routeApiCalls } from '../api/route-api-calls.test-util.ts';

vi.mock('../api/api.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../api/api.ts')>()), api: { call: vi.fn(), on: vi.fn(() => () => {}) } }));

const inventory: InventoryFile = {
  format: 'switchyard-inventory',
  version: 1,
  exportedMs: Date.UTC(2025, 4, 6),
  sites: [
    {
      name: 'Bakery',
      notes: '',
      routers: [
        { name: 'Shop', host: '192.0.2.1', port: 22, username: 'root', authKind: 'password', keyPath: null, jumpRouter: null, hostKey: null, snmp: null, notes: '' },
        { name: 'Back', host: '192.0.2.2', port: 22, username: 'root', authKind: 'agent', keyPath: null, jumpRouter: { site: 'Bakery', router: 'Shop' }, hostKey: null, snmp: null, notes: '' },
      ],
    },
  ],
};

type Handler = (params: Record<string, unknown>) => unknown;
let handlers: Partial<Record<MethodName, Handler>>;
let calls: { method: string; params: Record<string, unknown> }[];

beforeEach(() => {
  calls = [];
  handlers = {
    'sites.list': () => ({ sites: [{ id: 's1', name: 'Bakery', notes: '', routerCount: 2, createdMs: 1, updatedMs: 1 }] }),
    'inventory.export': () => inventory,
    'inventory.import': () => ({ sites: 1, routers: 2 }),
  };
  routeApiCalls(handlers, calls);
  useSitesStore.setState({ sites: [], status: 'idle', error: null });
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

async function renderPage() {
  render(
    <MantineProvider theme={theme}>
      <SitesPage />
    </MantineProvider>,
  );
  await screen.findByTestId('site-card');
}

async function chooseFile(text: string, name = 'inventory.json') {
  const input = document.querySelector('input[type="file"]') as HTMLInputElement;
  expect(input.accept).toContain('.json');
  fireEvent.change(input, { target: { files: [new File([text], name, { type: 'application/json' })] } });
  return (await screen.findByTestId('inventory-notice')).textContent ?? '';
}

const imports = () => calls.filter((c) => c.method === 'inventory.import');

describe('exporting the inventory', () => {
  it('downloads the JSON through a Blob URL and says there are no secrets in it', async () => {
    const blobs: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => (blobs.push(blob as Blob), 'blob:inventory'));
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    await renderPage();
    fireEvent.click(screen.getByRole('button', { name: 'Export inventory' }));
    expect(await screen.findByText(/1 site and 2 routers saved as switchyard-inventory-2025-05-06\.json/)).toBeTruthy();
    expect(clicked.map((a) => [a.download, a.href])).toEqual([['switchyard-inventory-2025-05-06.json', 'blob:inventory']]);
    expect(JSON.parse(await blobs[0]!.text())).toEqual(inventory);
  });
});

describe('importing an inventory', () => {
  it('imports a valid file and shows a summary', async () => {
    await renderPage();
    const notice = await chooseFile(JSON.stringify(inventory));
    expect(notice).toContain('Imported 1 site and 2 routers');
    expect(notice).toContain('enter it with Edit');
    expect(imports()).toEqual([{ method: 'inventory.import', params: { file: inventory } }]);
  });

  it('refuses a file that is not JSON, or not an inventory, before sending anything', async () => {
    await renderPage();
    expect(await chooseFile('{ nope', 'notes.json')).toMatch(/notes\.json was not imported.*This file is not JSON/);
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(await chooseFile(JSON.stringify({ hello: 'world' }))).toContain('This is not a Switchyard inventory');
    expect(imports()).toEqual([]);
  });

  it('names the site and router of a bad field', async () => {
    await renderPage();
    const bad = structuredClone(inventory) as { sites: { routers: { host: string }[] }[] };
    bad.sites[0]!.routers[1]!.host = 'back door';
    expect(await chooseFile(JSON.stringify(bad))).toContain('site “Bakery”, router “Back”, host: a host is a name like router.local');
    expect(imports()).toEqual([]);
  });

  it('shows the core’s refusal: one clash and nothing is imported', async () => {
    handlers['inventory.import'] = () => {
      throw new ApiCallError({ code: 'conflict', message: 'A router named "Shop" already exists at site "Bakery" — nothing was imported.' });
    };
    await renderPage();
    expect(await chooseFile(JSON.stringify(inventory))).toContain('A router named "Shop" already exists at site "Bakery" — nothing was imported.');
  });
});
