// `switchyard inventory export|import`: the sites and routers as a JSON file without secrets, to
// move them to another computer. A file is checked before it is sent, with the UI's own words.
import { writeFileSync } from 'node:fs';
import type { ResponseOf } from '../../shared/api/contract.ts';
import { inventoryCounts, parseInventoryText } from '../../shared/api/inventory-file.ts';
import { CliApiError, UsageError, type CliCommand } from './cli-command.ts';
import { maxInventoryFileBytes, readCappedTextFile } from './read-capped-file.ts';

type Exported = ResponseOf<'inventory.export'> | { readonly out: string; readonly sites: number; readonly routers: number };

export const inventoryCommands: readonly CliCommand[] = [
  {
    path: ['inventory', 'export'],
    usage: 'switchyard inventory export [--out FILE] [--json]',
    summary: 'Write the inventory (sites, routers, trusted host keys; no secrets) as JSON to FILE, or print it.',
    options: { out: { type: 'string' } },
    run: async (ctx): Promise<Exported> => {
      const file = await ctx.call('inventory.export', {});
      if (ctx.options.out === undefined) return file;
      const out = String(ctx.options.out);
      try {
        writeFileSync(out, `${JSON.stringify(file, null, 2)}\n`);
      } catch (error) {
        throw new CliApiError({ code: 'invalid-input', message: `Cannot write ${out}: ${(error as Error).message}` });
      }
      return { out, ...inventoryCounts(file) };
    },
    format: (r: Exported) =>
      'out' in r ? `Wrote ${r.sites} site(s) and ${r.routers} router(s) to ${r.out}. It holds no passwords, keys or SNMP secrets.` : JSON.stringify(r, null, 2),
  },
  {
    path: ['inventory', 'import'],
    usage: 'switchyard inventory import FILE [--json]',
    summary: 'Add the sites and routers of an exported inventory; all or nothing (one clash and nothing is imported).',
    run: async (ctx) => {
      const path = ctx.positionals[0];
      if (!path) throw new UsageError('Say which file: switchyard inventory import FILE');
      let text: string;
      try {
        text = readCappedTextFile(path, maxInventoryFileBytes, 'inventory export');
      } catch (error) {
        throw new CliApiError({ code: 'not-found', message: `Cannot read ${path}: ${(error as Error).message}` });
      }
      const parsed = parseInventoryText(text);
      if (!parsed.ok) throw new CliApiError({ code: 'bad-request', message: `${path}: ${parsed.message}` });
      return ctx.call('inventory.import', { file: parsed.file });
    },
    format: (r: ResponseOf<'inventory.import'>) =>
      `Imported ${r.sites} site(s) and ${r.routers} router(s). The file holds no secrets: give each router that logs in with a password its password again (switchyard routers edit ROUTER_ID --password-stdin).`,
  },
];
