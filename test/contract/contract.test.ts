// One contract suite, run through the dispatcher directly and end to end over WebSocket:
// both paths must answer every call the same way, including every kind of bad request.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contract, events } from '../../src/shared/api/contract.ts';
import { eventNames, methodNames } from '../../src/shared/api/method-names.ts';
import { directClient, wsClient, type ContractClient } from './contract-clients.ts';

const transports: Array<[string, () => Promise<ContractClient>]> = [
  ['dispatcher', directClient],
  ['websocket', wsClient],
];

describe.each(transports)('the contract over %s', (_name, connect) => {
  let client: ContractClient;
  beforeEach(async () => {
    client = await connect();
  });
  afterEach(async () => {
    await client.close();
  });

  it('answers app.info', async () => {
    const envelope = await client.call('app.info', {});
    expect(envelope).toMatchObject({ ok: true, result: { name: 'Switchyard' } });
  });

  it('creates, lists, renames and removes a site, announcing each change', async () => {
    const changed = client.nextEvent('onDidChangeSites');
    const created = await client.call('sites.create', { name: 'Corner Bakery', notes: 'Main street 1' });
    expect(created.ok).toBe(true);
    expect(await changed).toMatchObject({ atMs: expect.any(Number) });
    const id = (created as { result: { id: string } }).result.id;

    const listed = await client.call('sites.list', {});
    expect(listed).toMatchObject({ ok: true, result: { sites: [{ id, name: 'Corner Bakery', routerCount: 0 }] } });

    expect(await client.call('sites.update', { id, patch: { name: 'Bakery' } })).toMatchObject({ ok: true, result: { name: 'Bakery', notes: 'Main street 1' } });
    expect(await client.call('sites.remove', { id })).toEqual({ ok: true, result: { removed: true } });
    expect(await client.call('sites.list', {})).toEqual({ ok: true, result: { sites: [] } });
  });

  it('refuses a duplicate site name with a conflict, whatever the case', async () => {
    await client.call('sites.create', { name: 'Bakery' });
    expect(await client.call('sites.create', { name: 'BAKERY' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('answers an unknown method with unknown-method', async () => {
    expect(await client.call('sites.explode', {})).toMatchObject({ ok: false, error: { code: 'unknown-method', message: expect.stringContaining('sites.explode') } });
    expect(await client.call('__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
  });

  it('answers wrong types with bad-request naming the field, and no stack', async () => {
    const envelope = await client.call('sites.create', { name: 42 });
    expect(envelope).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('name') } });
    expect(JSON.stringify(envelope)).not.toMatch(/at .*\.ts:\d+/);
    expect(await client.call('sites.create', { name: 'x', extra: true })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await client.call('sites.remove', 'not an object')).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('answers a missing site with not-found', async () => {
    expect(await client.call('sites.update', { id: 'nope', patch: { name: 'x' } })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});

describe('the preload allowlist', () => {
  it('names exactly the contract methods and events', () => {
    expect([...methodNames].sort()).toEqual(Object.keys(contract).sort());
    expect([...eventNames].sort()).toEqual(Object.keys(events).sort());
  });

  it('names methods domain.verb and events onDidX', () => {
    for (const name of methodNames) expect(name).toMatch(/^[a-z]+\.[a-z][A-Za-z]*$/);
    for (const name of eventNames) expect(name).toMatch(/^onDid[A-Z][A-Za-z]*$/);
  });
});
