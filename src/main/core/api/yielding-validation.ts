// Checking a large request, or a large answer, without holding the core. zod checks a 1 MiB
// inventory (4,000+ routers) in one synchronous call of 50–400 ms on a 2-core machine (the first
// call of a process is the slowest), and every other client waits that long. Here the file is
// checked as its head (format, version, sites and their fields) and then router by router, with
// the event loop free between chunks. The outcome is the one the contract's schema would give:
// the same parsed value (defaults, trimmed names) or the same issues with the same paths; the
// handler still runs only on a request that passed as a whole, so nothing is imported from a file
// with a bad row.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { z } from 'zod';
import type { Contract, MethodName } from '../../../shared/api/contract.ts';
import {
  inventoryFileSchema,
  inventoryRouterSchema,
  inventorySiteSchema,
  maxInventoryRoutersPerSite,
  maxInventorySites,
} from '../../../shared/api/inventory-schemas.ts';
import { routerSchema } from '../../../shared/api/routers-schemas.ts';

/** Routers checked per turn of the event loop: about 1–10 ms of zod each on this kind of machine. */
export const validationChunkRouters = 100;

type Checked<M extends MethodName> = z.ZodSafeParseResult<z.output<Contract[M]['request']>>;
export type YieldingValidators = { readonly [M in MethodName]?: (params: unknown) => Promise<Checked<M>> };

/** Methods whose requests can be large enough to hold the core: checked in chunks. */
export const yieldingValidators: YieldingValidators = {
  'inventory.import': checkImportRequest,
};

export type YieldingResponseChecks = { readonly [M in MethodName]?: (result: unknown) => Promise<z.output<Contract[M]['response']>> };

/** Methods whose answers can be large enough to hold the core: checked in chunks. */
export const yieldingResponseChecks: YieldingResponseChecks = {
  'routers.list': checkRoutersList,
  'inventory.export': checkInventoryExport,
};

/** `inventory.import`'s request with the routers left unchecked: everything but them, in one go. */
const importHeadSchema = z
  .object({
    file: inventoryFileSchema.extend({
      sites: z.array(inventorySiteSchema.extend({ routers: z.array(z.unknown()).max(maxInventoryRoutersPerSite) })).max(maxInventorySites),
    }),
  })
  .strict();

async function checkImportRequest(params: unknown): Promise<Checked<'inventory.import'>> {
  const head = importHeadSchema.safeParse(params);
  const issues: z.core.$ZodIssue[] = head.success ? [] : [...head.error.issues];
  // The head's own copies of the router lists when it passed (the caller's object cannot change
  // them between turns); when it failed, whatever lists are there, so every issue is reported.
  const lists = head.success ? head.data.file.sites.map((s) => s.routers) : routerListsOf(params);
  // The frame was just parsed and the head checked in this same turn: let others in before the routers.
  await nextTurn();
  const turns = new Turns(validationChunkRouters);
  const checkedLists: Array<Array<z.output<typeof inventoryRouterSchema>>> = [];
  for (const [siteIndex, routers] of lists.entries()) {
    checkedLists.push(await checkEach(inventoryRouterSchema, routers, ['file', 'sites', siteIndex, 'routers'], issues, turns));
  }
  if (!head.success || issues.length > 0) return { success: false, error: new z.ZodError(issues) as z.ZodError<z.output<Contract['inventory.import']['request']>> };
  const file = { ...head.data.file, sites: head.data.file.sites.map((site, i) => ({ ...site, routers: checkedLists[i]! })) };
  return { success: true, data: { file } };
}

/**
 * `routers.list`'s answer (every window asks for it after each inventory change: 4,000 routers
 * took 80–400 ms of zod in one go), checked router by router; throws as the schema's parse would.
 */
async function checkRoutersList(result: unknown): Promise<z.output<Contract['routers.list']['response']>> {
  const head = z.object({ routers: z.array(z.unknown()) }).parse(result);
  const issues: z.core.$ZodIssue[] = [];
  const routers = await checkEach(routerSchema, head.routers, ['routers'], issues, new Turns(validationChunkRouters));
  if (issues.length > 0) throw new z.ZodError(issues);
  return { routers };
}

/** `inventory.export`'s answer: the same file the import checks, checked the same way; throws as the schema's parse would. */
async function checkInventoryExport(result: unknown): Promise<z.output<Contract['inventory.export']['response']>> {
  const checked = await checkImportRequest({ file: result });
  if (!checked.success) throw checked.error;
  return checked.data.file;
}

/** Gives the event loop a turn after every `every` calls of `tick`. */
class Turns {
  readonly #every: number;
  #since = 0;
  constructor(every: number) {
    this.#every = every;
  }
  async tick(): Promise<void> {
    if (++this.#since < this.#every) return;
    this.#since = 0;
    await nextTurn();
  }
}

/** Each item through `schema`: the parsed ones returned, the issues added with their full path. */
async function checkEach<S extends z.ZodType>(schema: S, items: readonly unknown[], path: PropertyKey[], issues: z.core.$ZodIssue[], turns: Turns): Promise<Array<z.output<S>>> {
  const checked: Array<z.output<S>> = [];
  for (const [index, item] of items.entries()) {
    const parsed = schema.safeParse(item);
    if (parsed.success) checked.push(parsed.data);
    else for (const issue of parsed.error.issues) issues.push({ ...issue, path: [...path, index, ...issue.path] });
    await turns.tick();
  }
  return checked;
}

/** `params.file.sites[i].routers` for each site where that is an array; [] where it is not. */
function routerListsOf(params: unknown): unknown[][] {
  const sites = (params as { file?: { sites?: unknown } } | null | undefined)?.file?.sites;
  if (!Array.isArray(sites)) return [];
  return sites.map((site: unknown) => {
    const routers = (site as { routers?: unknown } | null | undefined)?.routers;
    return Array.isArray(routers) ? (routers as unknown[]) : [];
  });
}
