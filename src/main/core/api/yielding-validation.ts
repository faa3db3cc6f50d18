// Checking a large request without holding the core. zod checks a 1 MiB inventory (4,000+
// routers) in one synchronous call of 50–400 ms on a 2-core machine (the first call of a process
// is the slowest), and every other client waits that long. Here the file is checked as its
// head (format, version, sites and their fields) and then router by router, with the event loop
// free between chunks. The outcome is the one the contract's schema would give: the same parsed
// value (defaults, trimmed names) or the same issues with the same paths; the handler still runs
// only on a request that passed as a whole, so nothing is imported from a file with a bad row.
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

/** Routers checked per turn of the event loop: about 1–10 ms of zod each on this kind of machine. */
export const validationChunkRouters = 100;

type Checked<M extends MethodName> = z.ZodSafeParseResult<z.output<Contract[M]['request']>>;
export type YieldingValidators = { readonly [M in MethodName]?: (params: unknown) => Promise<Checked<M>> };

/** Methods whose requests can be large enough to hold the core: checked in chunks. */
export const yieldingValidators: YieldingValidators = {
  'inventory.import': checkImportRequest,
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
  const checkedLists: Array<Array<z.output<typeof inventoryRouterSchema>>> = [];
  // The frame was just parsed and the head checked in this same turn: let others in before the routers.
  await nextTurn();
  let sinceTurn = 0;
  for (const [siteIndex, routers] of lists.entries()) {
    const checked: Array<z.output<typeof inventoryRouterSchema>> = [];
    for (const [routerIndex, router] of routers.entries()) {
      const parsed = inventoryRouterSchema.safeParse(router);
      if (parsed.success) checked.push(parsed.data);
      else for (const issue of parsed.error.issues) issues.push({ ...issue, path: ['file', 'sites', siteIndex, 'routers', routerIndex, ...issue.path] });
      if (++sinceTurn === validationChunkRouters) {
        sinceTurn = 0;
        await nextTurn();
      }
    }
    checkedLists.push(checked);
  }
  if (!head.success || issues.length > 0) return { success: false, error: new z.ZodError(issues) as z.ZodError<z.output<Contract['inventory.import']['request']>> };
  const file = { ...head.data.file, sites: head.data.file.sites.map((site, i) => ({ ...site, routers: checkedLists[i]! })) };
  return { success: true, data: { file } };
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
