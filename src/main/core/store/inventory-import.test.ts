// Importing an inventory costs work in proportion to the file, not to its square: every row
// SQLite hands back is counted (not timed: the machine is shared), and an import of 1,000
// routers into one site may read only a few rows per router. The old import listed the whole
// site for each router it added (half a million rows for 1,000). Jump hosts, host keys,
// clashes and all-or-nothing behave as before.
import type { StatementSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InventoryFile } from '../../../shared/api/inventory-schemas.ts';
import { syntheticInventory } from '../../../../test/contract/synthetic-inventory.ts';
import { createCore, type Core } from '../app-core.ts';

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
});
