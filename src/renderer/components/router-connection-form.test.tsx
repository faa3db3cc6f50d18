// @vitest-environment happy-dom
// The shared router form against a mocked contract: import from ~/.ssh/config with a ProxyJump
// note, keyboard-interactive, and editing from the Overview (secrets kept, host key warning,
// jump host, SNMP), each failure shown in place with nothing saved.
import { MantineProvider } from '@mantine/core';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MethodName } from '../../shared/api/contract.ts';
import type { Router, RouterInput } from '../../shared/api/routers-schemas.ts';
import { detectToolNames, type DetectionResult } from '../../shared/detect-schemas.ts';
import { ApiCallError } from '../api/api.ts';
import { useRoutersStore } from '../stores/routers-store.ts';
import { useSitesStore } from '../stores/sites-store.ts';
import { theme } from '../theme.ts';
import { RouterConnectionForm } from './router-connection-form.tsx';
import { savedRouter } from './router-fixtures.test-util.ts';
import { RouterOverview } from './router-overview.tsx';
import { routeApiCalls } from '../api/route-api-calls.test-util.ts';

vi.mock('../api/api.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../api/api.ts')>()), api: { call: vi.fn(), on: vi.fn(() => () => {}) } }));

type Handler = (params: Record<string, unknown>) => unknown;
let handlers: Partial<Record<MethodName, Handler>>;
let calls: { method: string; params: Record<string, unknown> }[];
let routers: Router[];

const site = (id: string, name: string) => ({ id, name, notes: '', routerCount: 1, createdMs: 1, updatedMs: 1 });
const sshHosts = [
  { alias: 'shop', hostName: '192.0.2.10', user: 'admin', port: 2222, identityFiles: ['/home/t/.ssh/shop_ed25519'], proxyJump: ['jump@198.51.100.7'] },
  { alias: 'plain', hostName: '192.0.2.11', user: null, port: 22, identityFiles: [], proxyJump: [] },
];

beforeEach(() => {
  routers = [savedRouter(), savedRouter({ id: 'r2', name: 'Bastion', host: '198.51.100.9' }), savedRouter({ id: 'r3', siteId: 's2', name: 'Depot gateway', host: '203.0.113.5' })];
  calls = [];
  handlers = {
    'routers.list': () => ({ routers }),
    'sites.list': () => ({ sites: [site('s1', 'Bakery'), site('s2', 'Depot')] }),
    'routers.sshConfigHosts': () => ({ hosts: sshHosts }),
    'routers.update': (p) => {
      const id = p.id as string;
      const patch = p.patch as Partial<Router> & { host?: string };
      const before = routers.find((r) => r.id === id)!;
      const after = { ...before, ...patch, hostKey: patch.host && patch.host !== before.host ? null : before.hostKey };
      routers = routers.map((r) => (r.id === id ? after : r));
      return after;
    },
    'routers.testConnection': () => ({ status: 'unknown-host-key', keyType: 'ssh-ed25519', fingerprint: `SHA256:${'N'.repeat(43)}` }),
  };
  routeApiCalls(handlers, calls);
  useRoutersStore.setState({ routers, status: 'ready', error: null });
  useSitesStore.setState({ sites: [site('s1', 'Bakery'), site('s2', 'Depot')], status: 'ready', error: null });
});
afterEach(cleanup);

const wrap = (ui: React.ReactNode) => render(<MantineProvider theme={theme}>{ui}</MantineProvider>);
// Not the SegmentedControl radios, which share labels like "Password".
const fieldSelector = 'input:not([type=radio]), textarea';
const field = (label: string | RegExp) => screen.getByLabelText(label, { selector: fieldSelector }) as HTMLInputElement;
const type = (label: string | RegExp, value: string) => fireEvent.change(field(label), { target: { value } });
const writes = () => calls.filter((c) => c.method !== 'routers.list' && c.method !== 'sites.list' && c.method !== 'routers.sshConfigHosts' && c.method !== 'routers.testConnection' && c.method !== 'routers.detect');

async function choose(label: string | RegExp, option: string | RegExp) {
  fireEvent.click(await screen.findByLabelText(label, { selector: fieldSelector }));
  // The dropdown is still in its opening transition (display: none) in happy-dom.
  fireEvent.click(await screen.findByRole('option', { name: option, hidden: true }));
}

function renderAdd() {
  const onSubmit = vi.fn<(input: RouterInput) => void>();
  wrap(<RouterConnectionForm mode={{ kind: 'add', siteId: 's1', onSubmit }} busy={false} error={null} onCancel={() => {}} />);
  return onSubmit;
}

describe('adding a router', () => {
  it('fills the form from a ~/.ssh/config Host and explains its ProxyJump', async () => {
    const onSubmit = renderAdd();
    await choose('Import from ~/.ssh/config', /^shop/);
    expect(field('Name').value).toBe('shop');
    expect(field('Address').value).toBe('192.0.2.10');
    expect(field('SSH port').value).toBe('2222');
    expect(field('User').value).toBe('admin');
    expect(field('Private key file').value).toBe('/home/t/.ssh/shop_ed25519');
    const note = screen.getByTestId('proxyjump-note');
    expect(note.textContent).toContain('jump@198.51.100.7');
    expect(note.textContent).toContain('add the jump host as its own router first');

    fireEvent.click(screen.getByRole('button', { name: 'Save and connect' }));
    expect(onSubmit).toHaveBeenCalledWith(
      expect.objectContaining({ siteId: 's1', name: 'shop', host: '192.0.2.10', port: 2222, username: 'admin', auth: { kind: 'key', keyPath: '/home/t/.ssh/shop_ed25519' } }),
      expect.anything(),
    );
  });

  it('picks the jump host itself when the ProxyJump hop is already a router', async () => {
    routers[1] = savedRouter({ id: 'r2', name: 'Bastion', host: '198.51.100.7' });
    useRoutersStore.setState({ routers: [...routers] });
    renderAdd();
    await choose('Import from ~/.ssh/config', /^shop/);
    expect(screen.getByTestId('proxyjump-note').textContent).toContain('“Bastion” in your inventory looks like that jump host');
    expect(field('Jump host').value).toMatch(/^Bastion/);
  });

  it('logs in with keyboard-interactive, and says what is missing before anything is sent', async () => {
    const onSubmit = renderAdd();
    await screen.findByLabelText('Import from ~/.ssh/config', { selector: fieldSelector });
    fireEvent.click(screen.getByRole('radio', { name: 'Keyboard-interactive' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save and connect' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByText('a router needs a name')).toBeTruthy();
    expect(screen.getByText('the password is needed')).toBeTruthy();
    type('Name', 'Shop');
    type('Address', 'router.local');
    type('Password', 'answer');
    fireEvent.click(screen.getByRole('button', { name: 'Save and connect' }));
    expect(onSubmit.mock.calls[0]![0]).toMatchObject({ auth: { kind: 'keyboard-interactive', password: 'answer' } });
  });
});

describe('the Overview of a router never detected (issue 12 item 10)', () => {
  it('detects by itself on first open, once, and says so while it runs', async () => {
    handlers['routers.detect'] = () => new Promise(() => {});
    wrap(<RouterOverview router={routers[0]!} detection={null} />);
    expect(await screen.findByText('Detecting the platform and uplinks…')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'routers.detect')).toEqual([{ method: 'routers.detect', params: { id: routers[0]!.id } }]);
  });
});

/** What detection found for the login as a non-root user without sudo, as on the lab's `tech`. */
const detectedAsTech: DetectionResult = {
  platform: 'linux',
  supported: true,
  reason: 'Debian GNU/Linux 12 (bookworm): Switchyard runs its agent here. The login is not root and sudo is missing: log in as root (or a user with sudo) to let Switchyard change routes.',
  facts: { hostname: 'r01', kernel: '6.1.0', kernelName: 'Linux', os: { id: 'debian', name: 'Debian GNU/Linux 12 (bookworm)', version: '12' }, init: 'systemd', isRoot: false, tools: Object.fromEntries(detectToolNames.map((t) => [t, true])) as DetectionResult['facts']['tools'] },
  uplinks: [],
  ignoredInterfaces: [],
  warnings: [],
  evidence: [],
};

describe('the Overview after the login is edited', () => {
  it('detects again when the user or login changes (the "not root" warning was for the old login), not for a new name', async () => {
    // Seen on the lab walk: tech → root with a key file, and the Overview kept saying
    // "The login is not root" until "Detect again" was pressed.
    handlers['routers.detect'] = () => detectedAsTech;
    wrap(<RouterOverview router={routers[0]!} detection={detectedAsTech} />);
    const detects = () => calls.filter((c) => c.method === 'routers.detect').length;
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    let dialog = within(await screen.findByRole('dialog'));
    type('Name', 'Back office');
    fireEvent.click(dialog.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(detects()).toBe(0);
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    dialog = within(await screen.findByRole('dialog'));
    type('User', 'admin');
    fireEvent.click(dialog.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(detects()).toBe(1));
  });

  it('names the system once: "Debian GNU/Linux 12 (bookworm) · r01", not "… (bookworm) 12 · r01"', () => {
    wrap(<RouterOverview router={routers[0]!} detection={detectedAsTech} />);
    expect(screen.getByText('Debian GNU/Linux 12 (bookworm) · r01 · init systemd')).toBeTruthy();
  });
});

describe('editing a router from its Overview', () => {
  const openEdit = async (router: Router = routers[0]!) => {
    wrap(<RouterOverview router={router} detection={null} />);
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    return within(await screen.findByRole('dialog'));
  };

  it('saves only the new name; the empty password field keeps the saved password', async () => {
    const dialog = await openEdit();
    expect(field('Name').value).toBe('Shop router');
    expect(field('Password').value).toBe('');
    expect(field('Password').placeholder).toMatch(/saved/);
    type('Name', 'Back office');
    fireEvent.click(dialog.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(writes()).toEqual([{ method: 'routers.update', params: { id: 'r1', patch: { name: 'Back office' } } }]);
  });

  it('sends a new password when one is typed', async () => {
    const dialog = await openEdit();
    type('Password', 'n3w-secret');
    fireEvent.click(dialog.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(writes()).toEqual([{ method: 'routers.update', params: { id: 'r1', patch: { auth: { kind: 'password', password: 'n3w-secret' } } } }]));
  });

  it('warns before saving that a new address forgets the host key, then offers the new key', async () => {
    const dialog = await openEdit();
    expect(screen.queryByTestId('host-key-drop-note')).toBeNull();
    type('Address', '192.0.2.99');
    expect(screen.getByTestId('host-key-drop-note').textContent).toContain('forgets the key it trusts now');
    fireEvent.click(dialog.getByRole('button', { name: 'Save changes' }));
    expect((await screen.findByTestId('offered-fingerprint')).textContent).toBe(`SHA256:${'N'.repeat(43)}`);
  });

  it('chooses a jump host among the other routers, grouped by site, or none', async () => {
    const dialog = await openEdit();
    fireEvent.click(field('Jump host'));
    const options = (await screen.findAllByRole('option', { hidden: true })).map((o) => o.textContent);
    expect(options).toEqual(['None — connect directly', expect.stringMatching(/^Bastion/), expect.stringMatching(/^Depot gateway/)]);
    fireEvent.click(screen.getByRole('option', { name: /^Depot gateway/, hidden: true }));
    fireEvent.click(dialog.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(writes()).toEqual([{ method: 'routers.update', params: { id: 'r1', patch: { jumpRouterId: 'r3' } } }]));
  });

  it('shows SNMP secrets only as saved, and asks for them again to change the settings', async () => {
    routers[0] = savedRouter({ snmp: { version: '2c', port: 161 } });
    expect(wrap(<RouterOverview router={routers[0]} detection={null} />).getByTestId('snmp-settings').textContent).toBe('SNMP: v2c on port 161, community saved');
    cleanup();
    const dialog = await openEdit(routers[0]);
    expect(field('Community').value).toBe('');
    expect(field('Community').placeholder).toBe('saved');
    fireEvent.click(dialog.getByRole('radio', { name: 'v3' }));
    type('SNMPv3 user', 'monitor');
    fireEvent.click(dialog.getByRole('button', { name: 'Save changes' }));
    expect(await dialog.findByText(/the authentication key is needed/)).toBeTruthy();
    expect(writes()).toEqual([]);
    type('Authentication key', 'auth-key-1');
    type('Privacy key', 'priv-key-1');
    await choose('Authentication protocol', 'sha512');
    fireEvent.click(dialog.getByRole('button', { name: 'Save changes' }));
    await waitFor(() =>
      expect(writes()).toEqual([
        { method: 'routers.update', params: { id: 'r1', patch: { snmp: { version: '3', port: 161, user: 'monitor', authProtocol: 'sha512', authKey: 'auth-key-1', privProtocol: 'aes', privKey: 'priv-key-1' } } } },
      ]),
    );
  });

  it('shows the core’s refusal in the form and stays open', async () => {
    handlers['routers.update'] = () => {
      throw new ApiCallError({ code: 'conflict', message: 'This site already has a router named "Bastion". Choose another name.' });
    };
    const dialog = await openEdit();
    type('Name', 'Bastion');
    fireEvent.click(dialog.getByRole('button', { name: 'Save changes' }));
    expect((await dialog.findByRole('alert')).textContent).toContain('already has a router named "Bastion"');
    expect(screen.getByRole('dialog')).toBeTruthy();
  });
});
