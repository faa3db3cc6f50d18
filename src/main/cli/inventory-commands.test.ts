// `switchyard inventory export|import` over an in-memory core: a round trip without secrets,
// and each bad file or clash refused with its own message and nothing imported.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InventoryFile } from '../../shared/api/inventory-schemas.ts';
import { cliSession } from './cli-test-core.test-util.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sy-inv-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function sourceInventory() {
  const cli = await cliSession();
  const site = await cli.json<{ id: string }>(['sites', 'add', 'Bakery', '--notes', 'Back door']);
  const jump = await cli.json<{ id: string }>(['routers', 'add', site.id, 'Bastion', '198.51.100.7', '--user', 'root', '--password-stdin'], 'very-secret-pw');
  await cli.json(['routers', 'add', site.id, 'Shop', '192.0.2.1', '--user', 'admin', '--agent', '--jump', jump.id]);
  return cli;
}

describe('switchyard inventory', () => {
  it('exports to a file without secrets and imports it elsewhere, jump host included', async () => {
    const source = await sourceInventory();
    const out = join(dir, 'inventory.json');
    expect(await source.json(['inventory', 'export', '--out', out])).toEqual({ out, sites: 1, routers: 2 });
    const text = readFileSync(out, 'utf8');
    expect(text).not.toContain('very-secret-pw');
    expect({ ...JSON.parse(text), exportedMs: 0 }).toEqual({ ...JSON.parse((await source.run(['inventory', 'export'])).out), exportedMs: 0 });

    const target = await cliSession();
    const imported = await target.run(['inventory', 'import', out]);
    expect(imported).toMatchObject({ code: 0, out: expect.stringContaining('Imported 1 site(s) and 2 router(s)') });
    const { routers } = await target.json<{ routers: { name: string; id: string; jumpRouterId: string | null; hasSecret: boolean }[] }>(['routers', 'list']);
    const bastion = routers.find((r) => r.name === 'Bastion')!;
    expect(bastion.hasSecret).toBe(false);
    expect(routers.find((r) => r.name === 'Shop')!.jumpRouterId).toBe(bastion.id);
    await Promise.all([source.core.close(), target.core.close()]);
  });

  it('refuses a clash with the names and imports nothing', async () => {
    const cli = await sourceInventory();
    const out = join(dir, 'inventory.json');
    await cli.run(['inventory', 'export', '--out', out]);
    const clash = await cli.run(['inventory', 'import', out, '--json']);
    expect(clash.code).toBe(1);
    expect(JSON.parse(clash.out)).toMatchObject({ error: { code: 'conflict', message: 'A router named "Bastion" already exists at site "Bakery" — nothing was imported.' } });
    expect((await cli.json<{ routers: unknown[] }>(['routers', 'list'])).routers).toHaveLength(2);
    await cli.core.close();
  });

  it('explains a missing file, a file that is not JSON, and a bad field, with exit 1', async () => {
    const cli = await cliSession();
    expect(await cli.run(['inventory', 'import', join(dir, 'missing.json')])).toMatchObject({ code: 1, err: expect.stringContaining('Cannot read') });
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    expect(await cli.run(['inventory', 'import', join(dir, 'bad.json')])).toMatchObject({ code: 1, err: expect.stringContaining('This file is not JSON') });
    const file: InventoryFile = { format: 'switchyard-inventory', version: 1, exportedMs: 1, sites: [{ name: 'Depot', notes: '', routers: [] }] };
    writeFileSync(join(dir, 'v2.json'), JSON.stringify({ ...file, version: 2 }));
    expect((await cli.run(['inventory', 'import', join(dir, 'v2.json')])).err).toContain('version 2; this Switchyard reads version 1 only');
    writeFileSync(join(dir, 'field.json'), JSON.stringify({ ...file, sites: [{ name: 'Depot', routers: [{ name: 'Gate', host: '10.0.0.1', port: 0, username: 'root', authKind: 'agent', keyPath: null, jumpRouter: null, hostKey: null, snmp: null }] }] }));
    const field = await cli.run(['inventory', 'import', join(dir, 'field.json'), '--json']);
    expect(JSON.parse(field.out)).toMatchObject({ error: { code: 'bad-request', message: expect.stringContaining('site “Depot”, router “Gate”, port') } });
    expect((await cli.json<{ sites: unknown[] }>(['sites', 'list'])).sites).toEqual([]);
    expect((await cli.run(['inventory', 'import'])).code).toBe(2);
    await cli.core.close();
  });
});
