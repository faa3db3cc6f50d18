// The router inventory over the contract (dispatcher and WebSocket): secrets go in and never
// come out, bad input is refused with the field named, and nothing is saved half-way.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { directClient, wsClient, type ContractClient } from './contract-clients.ts';

const transports: Array<[string, () => Promise<ContractClient>]> = [
  ['dispatcher', directClient],
  ['websocket', wsClient],
];

const secret = 'S3cret-Pa55word!';

describe.each(transports)('routers over %s', (_name, connect) => {
  let client: ContractClient;
  let siteId: string;
  beforeEach(async () => {
    client = await connect();
    siteId = ((await client.call('sites.create', { name: 'Bakery' })) as { result: { id: string } }).result.id;
  });
  afterEach(async () => {
    await client.close();
  });

  const add = (extra: Record<string, unknown> = {}) =>
    client.call('routers.create', { siteId, name: 'Main router', host: '192.0.2.1', username: 'root', auth: { kind: 'password', password: secret }, ...extra });

  it('adds a router with defaults and never returns its secrets', async () => {
    const envelope = await add({ snmp: { version: '2c', community: 'public-ish' } });
    expect(envelope).toMatchObject({ ok: true, result: { name: 'Main router', port: 22, authKind: 'password', hasSecret: true, hostKey: null, platform: null, snmp: { version: '2c', port: 161 } } });
    const listed = await client.call('routers.list', { siteId });
    const exported = await client.call('inventory.export', {});
    for (const text of [JSON.stringify(envelope), JSON.stringify(listed), JSON.stringify(exported)]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain('public-ish');
    }
    expect(await client.call('sites.list', {})).toMatchObject({ result: { sites: [{ routerCount: 1 }] } });
  });

  it('refuses bad fields, naming them, and saves nothing', async () => {
    expect(await add({ port: 70000 })).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('port') } });
    expect(await add({ host: 'router; rm -rf /' })).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('host') } });
    expect(await add({ auth: { kind: 'password' } })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await add({ siteId: 'no-such-site' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await client.call('routers.list', {})).toEqual({ ok: true, result: { routers: [] } });
  });

  it('refuses a second router of the same name in a site', async () => {
    await add();
    expect(await add({ name: 'MAIN ROUTER' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('edits a router and refuses it as its own jump host', async () => {
    const id = ((await add()) as { result: { id: string } }).result.id;
    expect(await client.call('routers.update', { id, patch: { notes: 'in the back office' } })).toMatchObject({ ok: true, result: { notes: 'in the back office', hasSecret: true } });
    expect(await client.call('routers.update', { id, patch: { auth: { kind: 'agent' } } })).toMatchObject({ ok: true, result: { authKind: 'agent' } });
    expect(await client.call('routers.update', { id, patch: { jumpRouterId: id } })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('removes a site with its routers', async () => {
    await add();
    expect(await client.call('sites.remove', { id: siteId })).toEqual({ ok: true, result: { removed: true } });
    expect(await client.call('routers.list', {})).toEqual({ ok: true, result: { routers: [] } });
  });

  it('exports and imports the inventory, all or nothing', async () => {
    await add();
    const file = ((await client.call('inventory.export', {})) as { result: Record<string, unknown> }).result;
    expect(file).toMatchObject({ format: 'switchyard-inventory', version: 1, sites: [{ name: 'Bakery', routers: [{ name: 'Main router', host: '192.0.2.1' }] }] });
    // Importing into the same inventory clashes on the router name: nothing is added.
    expect(await client.call('inventory.import', { file })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect((await client.call('routers.list', {})) as { result: { routers: unknown[] } }).toMatchObject({ result: { routers: [{}] } });
    await client.call('sites.remove', { id: siteId });
    expect(await client.call('inventory.import', { file })).toEqual({ ok: true, result: { sites: 1, routers: 1 } });
    expect(await client.call('routers.list', {})).toMatchObject({ result: { routers: [{ name: 'Main router', hasSecret: false }] } });
    expect(await client.call('inventory.import', { file: { ...file, version: 2 } })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });
});
