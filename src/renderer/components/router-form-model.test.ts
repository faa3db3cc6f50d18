// The router form's rules without a DOM: what a new router or a patch looks like, that empty
// secrets keep the saved ones, when the host key is dropped, and ~/.ssh/config filling.
import { describe, expect, it } from 'vitest';
import type { Router } from '../../shared/api/routers-schemas.ts';
import { savedRouter } from './router-fixtures.test-util.ts';
import { blankRouterForm, dropsHostKey, fillFromSshConfig, routerFormFrom, toRouterInput, toRouterPatch, type RouterFormValues } from './router-form-model.ts';

const patchOf = (router: Router, change: Partial<RouterFormValues>) => toRouterPatch(router, { ...routerFormFrom(router), ...change });

describe('a new router', () => {
  it('becomes a create request with the chosen login, jump host and SNMP', () => {
    const values: RouterFormValues = { ...blankRouterForm, name: 'Shop', host: 'router.local', authKind: 'keyboard-interactive', password: 'pw', jumpRouterId: 'j1', snmpVersion: '2c', community: 'public' };
    expect(toRouterInput('s1', values)).toEqual({
      ok: true,
      value: { siteId: 's1', name: 'Shop', host: 'router.local', port: 22, username: 'root', auth: { kind: 'keyboard-interactive', password: 'pw' }, jumpRouterId: 'j1', snmp: { version: '2c', port: 161, community: 'public' }, notes: '' },
    });
  });

  it('names each missing or wrong field, in our words before the schema’s', () => {
    const result = toRouterInput('s1', { ...blankRouterForm, host: 'bad host', port: '', snmpVersion: '3', authKey: 'short' });
    expect(result.ok).toBe(false);
    const byPath = Object.fromEntries((result.ok ? [] : result.issues).map((i) => [i.path, i.message]));
    expect(byPath).toMatchObject({
      name: 'a router needs a name',
      host: expect.stringContaining('a host is a name like'),
      port: 'the port is a whole number',
      'auth.password': 'the password is needed',
      'snmp.authKey': 'SNMPv3 keys need at least 8 characters',
      'snmp.privKey': 'the privacy key is needed',
      'snmp.user': 'the SNMPv3 user is needed',
    });
  });
});

describe('messages in plain words (issue 12 item 10)', () => {
  it('port 99999 is refused with a message, never silently turned into 65535', () => {
    const result = toRouterInput('s1', { ...blankRouterForm, name: 'Shop', host: 'router.local', password: 'pw', port: 99999 });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues).toContainEqual({ path: 'port', message: 'ports go from 1 to 65535' });
  });

  it('a name that is too long says so, not "Too big: expected string to have <=80 characters"', () => {
    const result = toRouterInput('s1', { ...blankRouterForm, name: 'x'.repeat(300), host: 'router.local', password: 'pw' });
    const name = (result.ok ? [] : result.issues).find((i) => i.path === 'name')?.message;
    expect(name).toMatch(/^The name is too long: at most \d+ characters\.$/);
  });
});

describe('editing a saved router', () => {
  it('sends only what changed; an empty password keeps the saved one', () => {
    expect(patchOf(savedRouter(), { name: 'Back office' })).toEqual({ ok: true, value: { name: 'Back office' } });
    expect(patchOf(savedRouter(), {})).toEqual({ ok: true, value: {} });
    expect(patchOf(savedRouter(), { password: 'new' })).toEqual({ ok: true, value: { auth: { kind: 'password', password: 'new' } } });
  });

  it('needs the password again when the login method changes to one that uses it', () => {
    expect(patchOf(savedRouter({ authKind: 'agent' }), { authKind: 'password' })).toMatchObject({ ok: false, issues: [{ path: 'auth.password', message: expect.stringContaining('again') }] });
    expect(patchOf(savedRouter(), { authKind: 'agent' })).toEqual({ ok: true, value: { auth: { kind: 'agent' } } });
  });

  it('keeps a saved key passphrase unless the key file changes or a new one is typed', () => {
    const router = savedRouter({ authKind: 'key', keyPath: '/k/id' });
    expect(patchOf(router, {})).toEqual({ ok: true, value: {} });
    expect(patchOf(router, { keyPath: '/k/other' })).toEqual({ ok: true, value: { auth: { kind: 'key', keyPath: '/k/other' } } });
    expect(patchOf(router, { passphrase: 'pp' })).toEqual({ ok: true, value: { auth: { kind: 'key', keyPath: '/k/id', passphrase: 'pp' } } });
  });

  it('sets and clears the jump host', () => {
    expect(patchOf(savedRouter(), { jumpRouterId: 'j1' })).toEqual({ ok: true, value: { jumpRouterId: 'j1' } });
    expect(patchOf(savedRouter({ jumpRouterId: 'j1' }), { jumpRouterId: null })).toEqual({ ok: true, value: { jumpRouterId: null } });
  });

  it('keeps saved SNMP keys untouched, asks for them again to change the settings, and removes SNMP', () => {
    const router = savedRouter({ snmp: { version: '3', port: 161, user: 'mon', authProtocol: 'sha', privProtocol: 'aes' } });
    expect(patchOf(router, {})).toEqual({ ok: true, value: {} });
    expect(patchOf(router, { authProtocol: 'sha512' })).toMatchObject({ ok: false, issues: [{ path: 'snmp.authKey', message: expect.stringContaining('enter it again') }, { path: 'snmp.privKey' }] });
    expect(patchOf(router, { authProtocol: 'sha512', authKey: 'authkey1', privKey: 'privkey1' })).toEqual({
      ok: true,
      value: { snmp: { version: '3', port: 161, user: 'mon', authProtocol: 'sha512', authKey: 'authkey1', privProtocol: 'aes', privKey: 'privkey1' } },
    });
    expect(patchOf(router, { snmpVersion: 'none' })).toEqual({ ok: true, value: { snmp: null } });
  });

  it('knows a new address or port drops the pinned host key', () => {
    const router = savedRouter();
    expect(dropsHostKey(router, routerFormFrom(router))).toBe(false);
    expect(dropsHostKey(router, { ...routerFormFrom(router), host: '192.0.2.2' })).toBe(true);
    expect(dropsHostKey(router, { ...routerFormFrom(router), port: 2222 })).toBe(true);
    expect(dropsHostKey(savedRouter({ hostKey: null }), { ...routerFormFrom(router), port: 2222 })).toBe(false);
  });
});

describe('filling from ~/.ssh/config', () => {
  const entry = { alias: 'shop', hostName: '192.0.2.10', user: 'admin', port: 2222, identityFiles: ['/home/t/.ssh/shop', '/home/t/.ssh/other'], proxyJump: [] };

  it('takes address, user, port and the first key file; a typed name wins', () => {
    const fill = fillFromSshConfig(blankRouterForm, entry, []);
    expect(fill.values).toMatchObject({ name: 'shop', host: '192.0.2.10', username: 'admin', port: 2222, authKind: 'key', keyPath: '/home/t/.ssh/shop' });
    expect(fillFromSshConfig({ ...blankRouterForm, name: 'Shop router' }, entry, []).values.name).toBe('Shop router');
    expect(fillFromSshConfig(blankRouterForm, { ...entry, identityFiles: [], user: null }, []).values).toMatchObject({ authKind: 'password', username: 'root' });
  });

  it('picks an inventory router that matches the single ProxyJump hop as jump host', () => {
    const bastion = savedRouter({ id: 'b1', name: 'Bastion', host: '198.51.100.7' });
    const fill = fillFromSshConfig(blankRouterForm, { ...entry, proxyJump: ['jump@198.51.100.7'] }, [bastion]);
    expect(fill).toMatchObject({ jumpHops: ['jump@198.51.100.7'], jumpMatch: { id: 'b1' }, values: { jumpRouterId: 'b1' } });
    expect(fillFromSshConfig(blankRouterForm, { ...entry, proxyJump: ['bastion:2200'] }, [bastion]).jumpMatch).toBeNull();
  });
});
