// Importing an inventory costs work in proportion to the file, not to its square: every row
// SQLite hands back is counted (not timed: the machine is shared), and an import of 1,000
// routers into one site may read only a few rows per router. The old import listed the whole
// site for each router it added (half a million rows for 1,000). Jump hosts, host keys,
// clashes and all-or-nothing behave as before. And the import does not hold the core: a request
// of another client that arrives while it runs (as a later event-loop task, the way a WebSocket
// message arrives) is answered before the import finishes, and sees none of it until all is in.
// How long that other client waits is measured by `npm run bench -- import`, not asserted here.
import type { StatementSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InventoryFile } from '../../../shared/api/inventory-schemas.ts';
import { syntheticInventory } from '../../../../test/contract/synthetic-inventory.ts';
import { createCore, type Core } from '../app-core.ts';
import { validationChunkRouters } from '../api/yielding-validation.ts';

let core: Core;
let rowsRead = 0;

beforeEach(async () => {
  core = await createCore({ dataDir: ':memory:', transport: 'direct' });
  const prepare = core.db.prepare.bind(core.db);
  // Count what every statement returns, whichever repository prepared it.
  core.db.prepare = ((sql: string) => {
    const statement = prepare(sql);
    return new Proxy(statement, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        if (property === 'all') return (...args: unknown[]) => { const rows = (value as (...a: unknown[]) => unknown[]).apply(target, args); rowsRead += rows.length; return rows; };
        if (property === 'get') return (...args: unknown[]) => { const row = (value as (...a: unknown[]) => unknown).apply(target, args); rowsRead += row === undefined ? 0 : 1; return row; };
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    }) as StatementSync;
  }) as typeof core.db.prepare;
});
afterEach(async () => core.close());

const inventory = (sites: number, perSite: number, tag = 'Shop'): InventoryFile => syntheticInventory(sites, perSite, { tag, jumpHosts: true });

const importFile = (file: InventoryFile) => core.dispatcher.dispatch('inventory.import', { file });
/** `request` sent as a later task of the event loop, as another client's WebSocket message is. */
const fromAnotherClient = <T>(request: () => Promise<T>): Promise<T> => new Promise<void>((resolve) => setImmediate(resolve)).then(request);
/**
 * `request` sent by another client once `importing` has been checked and is being staged (its
 * TEMP table exists), checked again at every turn; sent anyway if the import ends first.
 */
async function whileStaged<I, T>(importing: Promise<I>, request: () => Promise<T>): Promise<[I, T]> {
  let ended = false;
  void importing.finally(() => (ended = true));
  const staging = () => core.db.prepare("SELECT 1 FROM temp.sqlite_master WHERE name = 'switchyard_import_routers'").get() !== undefined;
  while (!ended && !staging()) await new Promise<void>((resolve) => setImmediate(resolve));
  return Promise.all([importing, request()]);
}

describe('inventory import', () => {
  // The old import took minutes here on a busy machine: let it end, so it fails on the count.
  it('reads a few rows per router, not the whole site each time (1,000 routers in one site)', { timeout: 300_000 }, async () => {
    rowsRead = 0;
    expect(await importFile(inventory(1, 1000))).toEqual({ ok: true, result: { sites: 1, routers: 1000 } });
    expect(rowsRead).toBeLessThan(5 * 1000);
    const { routers } = core.routers.exportInventory().sites[0]!;
    expect(routers).toHaveLength(1000);
    expect(routers.find((r) => r.name === 'router-7')).toMatchObject({ host: '10.0.0.7', jumpRouter: { site: 'Shop 0', router: 'router-0' }, hostKey: { fingerprint: `SHA256:${'A'.repeat(43)}` } });
  });

  it('is all or nothing: a clash with an existing router, or one inside the file, adds nothing', async () => {
    expect((await importFile(inventory(2, 3))).ok).toBe(true);
    const clash = await importFile({ ...inventory(1, 2, 'New'), sites: [...inventory(1, 2, 'New').sites, ...inventory(1, 1).sites] });
    expect(clash).toMatchObject({ ok: false, error: { code: 'conflict', message: 'A router named "router-0" already exists at site "Shop 0" — nothing was imported.' } });
    const twice = inventory(1, 2, 'Twice');
    twice.sites[0]!.routers.push({ ...twice.sites[0]!.routers[1]!, name: 'ROUTER-1' });
    expect(await importFile(twice)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(core.routers.exportInventory().sites.map((s) => s.name)).toEqual(['Shop 0', 'Shop 1']);
  });

  it('refuses a jump host that is not in the file, adding nothing', async () => {
    const file = inventory(1, 2);
    file.sites[0]!.routers[1]!.jumpRouter = { site: 'Elsewhere', router: 'router-0' };
    expect(await importFile(file)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(core.routers.exportInventory().sites).toEqual([]);
  });

  it('answers another client while 4×1,000 routers are imported, showing none of them until all are in', { timeout: 300_000 }, async () => {
    const settled: string[] = [];
    const imported = importFile(inventory(4, 1000)).finally(() => settled.push('import'));
    const other = fromAnotherClient(async () => {
      const info = await core.dispatcher.dispatch('app.info', {});
      const sites = await core.dispatcher.dispatch('sites.list', {});
      settled.push('other client');
      return { info, sites };
    });
    const [result, seen] = await Promise.all([imported, other]);
    expect(settled).toEqual(['other client', 'import']);
    expect(seen.info.ok).toBe(true);
    expect(seen.sites).toEqual({ ok: true, result: { sites: [] } });
    expect(result).toEqual({ ok: true, result: { sites: 4, routers: 4000 } });
    expect(core.routers.exportInventory().sites.map((s) => s.routers.length)).toEqual([1000, 1000, 1000, 1000]);
  });

  // The check of the file itself used to be one synchronous zod call (50–400 ms for 4,000
  // routers), before any chunk of the import: no other client was answered until it ended.
  it('checks a 4×1,000 file without holding the core: the loop turns while it is checked, and another client is answered first', { timeout: 300_000 }, async () => {
    const file = inventory(4, 1000);
    file.sites[3]!.routers[999]!.host = 'not a host';
    let turns = 0;
    let checking = true;
    const countTurns = () => {
      if (!checking) return;
      turns++;
      setImmediate(countTurns);
    };
    setImmediate(countTurns);
    const settled: string[] = [];
    const refused = importFile(file).finally(() => settled.push('import'));
    const other = fromAnotherClient(() => core.dispatcher.dispatch('app.info', {})).finally(() => settled.push('other client'));
    const [result, info] = await Promise.all([refused, other]);
    checking = false;
    expect(info.ok).toBe(true);
    expect(settled).toEqual(['other client', 'import']);
    // Only the check ran (the last router is bad): it gave the loop a turn per chunk of routers.
    expect(turns).toBeGreaterThanOrEqual(4000 / validationChunkRouters - 1);
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('file.sites.3.routers.999.host') } });
    expect(core.routers.exportInventory().sites).toEqual([]);
  });

  it('is all or nothing when a router in the middle is bad: what was there stays, nothing of the file is added', { timeout: 300_000 }, async () => {
    expect((await importFile(inventory(1, 3, 'Kept'))).ok).toBe(true);
    const before = core.routers.exportInventory();
    const file = inventory(4, 1000);
    file.sites[2]!.routers[500]!.port = 0;
    expect(await importFile(file)).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('file.sites.2.routers.500.port') } });
    expect(core.routers.exportInventory().sites).toEqual(before.sites);
  });

  // SQLite itself refusing a row halfway through the final copy (a full disk, a constraint):
  // the copy is one transaction, so no router and no new site of the file is left behind, and
  // the next import starts clean.
  it('leaves nothing behind when the database refuses a row in the middle of the final copy', { timeout: 300_000 }, async () => {
    expect((await importFile(inventory(1, 3, 'Kept'))).ok).toBe(true);
    const before = core.routers.exportInventory();
    core.db.exec(`CREATE TEMP TRIGGER refuse_one BEFORE INSERT ON main.routers WHEN NEW.name = 'router-500' AND NEW.host = '10.2.1.244' BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END`);
    expect(await importFile(inventory(4, 1000))).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(core.routers.exportInventory().sites).toEqual(before.sites);
    core.db.exec('DROP TRIGGER refuse_one');
    expect(await importFile(inventory(4, 1000))).toEqual({ ok: true, result: { sites: 4, routers: 4000 } });
  });

  it('adds nothing when another client adds a clashing site or router while the file is imported', { timeout: 300_000 }, async () => {
    const siteClash = await whileStaged(importFile(inventory(2, 1000)), () => core.dispatcher.dispatch('sites.create', { name: 'Shop 1' }));
    expect(siteClash[1].ok).toBe(true);
    expect(siteClash[0]).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('a site named "Shop 1" was added') } });
    expect(core.routers.exportInventory().sites).toEqual([{ name: 'Shop 1', notes: '', routers: [] }]);

    const siteId = (siteClash[1] as { ok: true; result: { id: string } }).result.id;
    const router = { siteId, name: 'ROUTER-999', host: '192.0.2.9', username: 'root', auth: { kind: 'agent' } };
    const routerClash = await whileStaged(importFile(inventory(2, 1000)), () => core.dispatcher.dispatch('routers.create', router));
    expect(routerClash[1].ok).toBe(true);
    expect(routerClash[0]).toMatchObject({ ok: false, error: { code: 'conflict', message: 'A router named "router-999" already exists at site "Shop 1" — nothing was imported.' } });
    expect(core.routers.exportInventory().sites.map((s) => [s.name, s.routers.map((r) => r.name)])).toEqual([['Shop 1', ['ROUTER-999']]]);
  });
});
