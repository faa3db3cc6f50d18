// @vitest-environment happy-dom
// Adding a router against a mocked contract: the connection is tested with the details as
// entered and nothing is saved until it worked or the user chose "Keep it anyway" (then the
// router is saved once, with the key the user trusted); a failed add (not SSH, a wrong password,
// a changed host key) saves nothing; the same host and port twice is warned about; a changed key
// can be replaced only through a confirmation naming both keys.
import { MantineProvider } from '@mantine/core';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MethodName } from '../../shared/api/contract.ts';
import type { Router } from '../../shared/api/routers-schemas.ts';
import type { ApiError } from '../../shared/errors.ts';
import { ApiCallError } from '../api/api.ts';
import { routeApiCalls } from '../api/route-api-calls.test-util.ts';
import { useRoutersStore } from '../stores/routers-store.ts';
import { useSitesStore } from '../stores/sites-store.ts';
import { theme } from '../theme.ts';
import { AddRouterModal } from './add-router-modal.tsx';
import { savedRouter } from './router-fixtures.test-util.ts';

vi.mock('../api/api.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../api/api.ts')>()), api: { call: vi.fn(), on: vi.fn(() => () => {}) } }));

type Handler = (params: Record<string, unknown>) => unknown;
let handlers: Partial<Record<MethodName, Handler>>;
let calls: { method: string; params: Record<string, unknown> }[];
let routers: Router[];
const offered = `SHA256:${'N'.repeat(43)}`;
const pinned = `SHA256:${'P'.repeat(43)}`;
const fail = (error: ApiError) => () => {
  throw new ApiCallError(error);
};

beforeEach(() => {
  routers = [savedRouter({ id: 'r-old', name: 'Till router', host: '192.0.2.50' })];
  calls = [];
  handlers = {
    'routers.list': () => ({ routers }),
    'routers.create': (p) => {
      const created = savedRouter({ id: 'r-new', name: p.name as string, host: p.host as string, port: (p.port as number) ?? 22, hostKey: null });
      routers = [...routers, created];
      return created;
    },
    'routers.remove': (p) => {
      routers = routers.filter((r) => r.id !== p.id);
      return { removed: true };
    },
    'routers.testNewConnection': (p) => (p.hostKey ? { status: 'trusted', keyType: 'ssh-ed25519', fingerprint: offered, connectMs: 5 } : { status: 'unknown-host-key', keyType: 'ssh-ed25519', fingerprint: offered }),
    'routers.dropTestedConnection': () => ({ closed: true }),
    'routers.trustHostKey': (p) => savedRouter({ id: p.id as string, hostKey: { type: 'ssh-ed25519', fingerprint: p.fingerprint as string, pinnedMs: 2 } }),
  };
  routeApiCalls(handlers, calls);
  useRoutersStore.setState({ routers, status: 'ready', error: null });
  useSitesStore.setState({ sites: [{ id: 's1', name: 'Bakery', notes: '', routerCount: 1, createdMs: 1, updatedMs: 1 }], status: 'ready', error: null });
});
afterEach(cleanup);

function renderModal() {
  const onClose = vi.fn();
  render(
    <MantineProvider theme={theme}>
      <AddRouterModal siteId="s1" opened onClose={onClose} />
    </MantineProvider>,
  );
  return onClose;
}

const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label, { selector: 'input:not([type=radio])' }), { target: { value } });
function submit(host = '192.0.2.7') {
  type('Name', 'Backroom router');
  type('Address', host);
  type('Password', 'not-the-password');
  fireEvent.click(screen.getByRole('button', { name: 'Save and connect' }));
}
const creates = () => calls.filter((c) => c.method === 'routers.create');
const closeModal = () => fireEvent.click(within(screen.getByRole('dialog')).getAllByRole('button').find((b) => b.classList.contains('mantine-Modal-close'))!);

describe('a router is saved only once the connection worked, with the key the user trusted', () => {
  it('tests the details as entered, pins the trusted key in the one write, then detects', async () => {
    handlers['routers.detect'] = () => new Promise(() => {});
    renderModal();
    submit();
    await screen.findByTestId('offered-fingerprint');
    expect(creates()).toEqual([]);
    expect(calls.find((c) => c.method === 'routers.testNewConnection')?.params).toMatchObject({ siteId: 's1', name: 'Backroom router', host: '192.0.2.7', auth: { kind: 'password', password: 'not-the-password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Trust this key' }));
    await screen.findByText('Looking at the router…');
    expect(calls.filter((c) => c.method === 'routers.testNewConnection').map((c) => c.params.hostKey)).toEqual([undefined, { keyType: 'ssh-ed25519', fingerprint: offered }]);
    expect(creates()).toHaveLength(1);
    expect(creates()[0]!.params).toMatchObject({ name: 'Backroom router', host: '192.0.2.7', hostKey: { keyType: 'ssh-ed25519', fingerprint: offered } });
    expect(calls.some((c) => c.method === 'routers.trustHostKey' || c.method === 'routers.remove')).toBe(false);
  });
});

describe('a failed add saves nothing', () => {
  for (const [what, error] of [
    ['a not-SSH answer', { code: 'not-ssh', message: '192.0.2.7:22 answered, but not with SSH (it sent "HTTP/1.1 400").' }],
    ['a wrong password', { code: 'auth-failed', message: 'The router refused the password for root.' }],
    ['a changed host key', { code: 'host-key-mismatch', message: 'The host key of 192.0.2.7:22 has changed.', details: { keyType: 'ssh-ed25519', expectedFingerprint: pinned, offeredFingerprint: offered } }],
  ] as const) {
    it(`saves nothing after ${what} when the window is closed`, async () => {
      handlers['routers.testNewConnection'] = fail(error);
      const onClose = renderModal();
      submit();
      await screen.findByTestId('connect-failed');
      expect(screen.getByTestId('not-kept-note').textContent).toContain('Backroom router is not kept unless you choose “Keep it anyway”');
      closeModal();
      expect(onClose).toHaveBeenCalled();
      expect(creates()).toEqual([]);
      expect(calls.some((c) => c.method === 'routers.remove')).toBe(false);
      expect(routers.map((r) => r.name)).toEqual(['Till router']);
    });
  }

  it('keeps the router when the user chooses "Keep it anyway", and never pins a key the user did not confirm', async () => {
    handlers['routers.testNewConnection'] = fail({ code: 'auth-failed', message: 'The router refused the password for root.' });
    const onClose = renderModal();
    submit();
    fireEvent.click(await screen.findByTestId('keep-anyway'));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(creates()).toHaveLength(1);
    expect(creates()[0]!.params.hostKey).toBeUndefined();
    expect(calls.some((c) => c.method === 'routers.remove')).toBe(false);
    expect(calls.some((c) => c.method === 'routers.trustHostKey')).toBe(false);
    expect(routers.find((r) => r.name === 'Backroom router')?.hostKey).toBeNull();
  });

  it('saves nothing when the user cancels at the host key instead of trusting it, and closes the tested login', async () => {
    const onClose = renderModal();
    submit();
    await screen.findByTestId('offered-fingerprint');
    expect(calls.some((c) => c.method === 'routers.dropTestedConnection')).toBe(false);
    closeModal();
    expect(onClose).toHaveBeenCalled();
    expect(calls.filter((c) => c.method === 'routers.dropTestedConnection')).toHaveLength(1);
    expect(routers.map((r) => r.name)).toEqual(['Till router']);
    expect(creates()).toEqual([]);
    expect(calls.some((c) => c.method === 'routers.trustHostKey')).toBe(false);
  });
});

describe('the same router twice', () => {
  it('warns before adding a host and port already in the inventory, and adds only when asked', async () => {
    renderModal();
    submit('192.0.2.50');
    const warning = await screen.findByTestId('duplicate-host');
    expect(warning.textContent).toContain('Till router at Bakery already uses 192.0.2.50 port 22');
    expect(calls.some((c) => c.method === 'routers.create')).toBe(false);
    fireEvent.click(screen.getByTestId('add-anyway'));
    await screen.findByTestId('offered-fingerprint');
    expect(calls.filter((c) => c.method === 'routers.testNewConnection')).toHaveLength(1);
    expect(creates()).toEqual([]);
  });

  it('does not warn for the same address on another port', async () => {
    renderModal();
    type('SSH port', '2222');
    submit('192.0.2.50');
    await screen.findByTestId('offered-fingerprint');
    expect(screen.queryByTestId('duplicate-host')).toBeNull();
  });
});

describe('a changed host key', () => {
  it('offers to replace it, showing the old and the new fingerprint before anything is pinned', async () => {
    let attempts = 0;
    handlers['routers.testNewConnection'] = () => {
      if (++attempts === 1) fail({ code: 'host-key-mismatch', message: 'The host key has changed.', details: { keyType: 'ssh-ed25519', expectedFingerprint: pinned, offeredFingerprint: offered } })();
      return { status: 'trusted', keyType: 'ssh-ed25519', fingerprint: offered, connectMs: 5 };
    };
    handlers['routers.detect'] = () => new Promise(() => {});
    renderModal();
    submit();
    fireEvent.click(await screen.findByTestId('repin-button'));
    const confirm = await screen.findByTestId('repin-confirm');
    expect(within(confirm).getByTestId('repin-old').textContent).toBe(pinned);
    expect(within(confirm).getByTestId('repin-new').textContent).toBe(offered);
    expect(calls.some((c) => c.method === 'routers.trustHostKey')).toBe(false);
    fireEvent.click(within(confirm).getByRole('button', { name: 'Replace the key' }));
    await screen.findByText('Looking at the router…');
    // The replacement is what the router is tested with again and saved with, in one write.
    expect(calls.filter((c) => c.method === 'routers.testNewConnection').map((c) => c.params.hostKey)).toEqual([undefined, { keyType: 'ssh-ed25519', fingerprint: offered }]);
    expect(creates().map((c) => c.params.hostKey)).toEqual([{ keyType: 'ssh-ed25519', fingerprint: offered }]);
    expect(calls.some((c) => c.method === 'routers.trustHostKey')).toBe(false);
  });
});

describe('a wrong password (technician\'s walk)', () => {
  const refused = 'router.example port 22 refused the login as "root". Check the user name, the password or key, and that this login method is allowed on the router.';
  const step = (label: string) => screen.getByText(label).closest('button')!;

  it('marks the Connection step failed, not done, says what to do, and works once the password is fixed', async () => {
    handlers['routers.testNewConnection'] = (p) => {
      const auth = p.auth as { password?: string };
      if (!p.hostKey) return { status: 'unknown-host-key', keyType: 'ssh-ed25519', fingerprint: offered };
      if (auth.password !== 'the-password') fail({ code: 'auth-failed', message: refused })();
      return { status: 'trusted', keyType: 'ssh-ed25519', fingerprint: offered, connectMs: 5 };
    };
    handlers['routers.detect'] = () => new Promise(() => {});
    renderModal();
    submit();
    fireEvent.click(await screen.findByRole('button', { name: 'Trust this key' }));
    await screen.findByTestId('connect-failed');
    expect(screen.getByTestId('connect-failed').textContent).toContain('Check the user name, the password or key');
    expect(step('Connection').dataset.failed).toBe('true');
    expect(step('Connection').dataset.completed).toBeUndefined();
    expect(step('Connection').textContent).toContain('Failed');
    expect(step('Identity').dataset.failed).toBeUndefined();
    // Back to the form: the reason stays beside the password field; fix it and connect again.
    fireEvent.click(screen.getByRole('button', { name: 'Change the connection' }));
    expect((await screen.findByText(refused)).textContent).toBe(refused);
    expect(step('Connection').dataset.failed).toBe('true');
    type('Password', 'the-password');
    fireEvent.click(screen.getByRole('button', { name: 'Save and connect' }));
    await screen.findByText('Looking at the router…');
    expect(step('Connection').dataset.failed).toBeUndefined();
    expect(creates()).toHaveLength(1);
    expect(creates()[0]!.params).toMatchObject({ auth: { kind: 'password', password: 'the-password' }, hostKey: { keyType: 'ssh-ed25519', fingerprint: offered } });
  });
});
