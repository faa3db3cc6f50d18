// The chunked check of an inventory import gives exactly what the contract's schema gives: the
// same value for a good file (defaults filled in, names trimmed) and the same issues, at the same
// paths, for a bad one. Only when it happens differs (between turns of the event loop), which
// inventory-import.test.ts shows through the dispatcher.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { contract } from '../../../shared/api/contract.ts';
import { syntheticInventory } from '../../../../test/contract/synthetic-inventory.ts';
import { yieldingValidators } from './yielding-validation.ts';

const schema = contract['inventory.import'].request;
const checkInChunks = yieldingValidators['inventory.import']!;

/** Issues in a comparable form: path, code and message, in a stable order. */
const issuesOf = (error: z.ZodError) => error.issues.map((i) => JSON.stringify([i.path, i.code, i.message])).sort();

async function expectSameOutcome(params: unknown): Promise<void> {
  const whole = schema.safeParse(params);
  const chunked = await checkInChunks(params);
  expect(chunked.success).toBe(whole.success);
  if (!whole.success && !chunked.success) expect(issuesOf(chunked.error)).toEqual(issuesOf(whole.error));
  if (whole.success && chunked.success) expect(chunked.data).toEqual(whole.data);
}

/** A fresh copy of a 3-site file (250 routers each, more than one chunk) to spoil in one place. */
const file = (): Record<string, unknown> & { sites: Array<Record<string, unknown> & { routers: Array<Record<string, unknown>> }> } =>
  structuredClone(syntheticInventory(3, 250, { jumpHosts: true })) as never;

describe('checking an inventory import in chunks', () => {
  it('gives the schema’s value for a good file: defaults filled in, names trimmed', async () => {
    await expectSameOutcome({ file: syntheticInventory(3, 250, { jumpHosts: true }) });
    const loose = file();
    delete loose.sites[1]!.notes;
    delete loose.sites[2]!.routers[7]!.notes;
    loose.sites[0]!.name = '  Bakery  ';
    loose.sites[2]!.routers[9]!.name = ' shop ';
    loose.sites[2]!.routers[10]!.snmp = { version: '2c', port: 161 };
    expect(schema.safeParse({ file: loose }).success).toBe(true);
    await expectSameOutcome({ file: loose });
    const checked = await checkInChunks({ file: loose });
    expect(checked.success && [checked.data.file.sites[0]!.name, checked.data.file.sites[2]!.routers[9]!.name, checked.data.file.sites[1]!.notes]).toEqual(['Bakery', 'shop', '']);
  });

  const spoilt: Array<[string, (f: ReturnType<typeof file>) => unknown]> = [
    ['a bad host in the middle', (f) => { f.sites[1]!.routers[120]!.host = 'a b'; return { file: f }; }],
    ['bad routers in several sites', (f) => { f.sites[0]!.routers[0]!.port = 0; f.sites[2]!.routers[249]!.username = ''; f.sites[2]!.routers[3] = null as never; return { file: f }; }],
    ['a router missing fields and with extra ones', (f) => { f.sites[1]!.routers[5] = { name: 'x', extra: 1 }; return { file: f }; }],
    ['a bad site beside bad routers', (f) => { f.sites[1]!.name = ''; f.sites[1]!.routers[200]!.authKind = 'telnet'; return { file: f }; }],
    ['routers that are not a list', (f) => { f.sites[1]!.routers = 'many' as never; f.sites[2]!.routers[1]!.port = 70000; return { file: f }; }],
    ['a site that is not an object', (f) => { f.sites[0] = 7 as never; f.sites[1]!.routers[1]!.host = ''; return { file: f }; }],
    ['too many routers in one site', (f) => { f.sites[0]!.routers = Array.from({ length: 1001 }, (_, r) => ({ ...f.sites[0]!.routers[1]!, name: `r-${r}` })); return { file: f }; }],
    ['a wrong format with bad routers', (f) => { f.format = 'other'; f.sites[0]!.routers[4]!.keyPath = 5; return { file: f }; }],
    ['sites that are not a list', (f) => { f.sites = {} as never; return { file: f }; }],
    ['an unknown key beside the file', (f) => ({ file: f, also: true })],
    ['no file', () => ({})],
    ['not an object', () => 'file'],
  ];
  for (const [name, spoil] of spoilt) {
    it(`gives the schema’s issues for ${name}`, async () => {
      const params = spoil(file());
      expect(schema.safeParse(params).success).toBe(false);
      await expectSameOutcome(params);
    });
  }
});
