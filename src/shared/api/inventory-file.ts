// Reads an inventory file's text and says what is wrong with it in the user's words (site and
// router names, not array indexes). The UI and the CLI both check a file with this before sending.
import { inventoryFileSchema, type InventoryFile } from './inventory-schemas.ts';

export type ParsedInventory = { readonly ok: true; readonly file: InventoryFile } | { readonly ok: false; readonly message: string };

export function parseInventoryText(text: string): ParsedInventory {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `This file is not JSON (${(error as Error).message}).` };
  }
  const head = json as { format?: unknown; version?: unknown } | null;
  if (typeof head !== 'object' || head === null || head.format !== 'switchyard-inventory') {
    return { ok: false, message: 'This is not a Switchyard inventory: such a file is made by exporting the inventory and starts with "format": "switchyard-inventory".' };
  }
  if (head.version !== 1) return { ok: false, message: `This inventory has version ${JSON.stringify(head.version)}; this Switchyard reads version 1 only.` };
  const parsed = inventoryFileSchema.safeParse(json);
  if (parsed.success) return { ok: true, file: parsed.data };
  const issues = parsed.error.issues.slice(0, 3).map((i) => `${describePath(json, i.path)}: ${i.message}`);
  return { ok: false, message: `This inventory cannot be imported (${issues.join('; ')}). Nothing was imported.` };
}

export function inventoryCounts(file: InventoryFile): { sites: number; routers: number } {
  return { sites: file.sites.length, routers: file.sites.reduce((n, s) => n + s.routers.length, 0) };
}

/** `sites.0.routers.1.host` → `site “Bakery”, router “Shop”, host`, as far as the names are there. */
function describePath(json: unknown, path: readonly PropertyKey[]): string {
  const parts: string[] = [];
  let node: unknown = json;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    const child = (node as Record<PropertyKey, unknown> | null | undefined)?.[key as never];
    const index = path[i + 1];
    if ((key === 'sites' || key === 'routers') && typeof index === 'number') {
      const item = (Array.isArray(child) ? child[index] : undefined) as { name?: unknown } | undefined;
      const label = key === 'sites' ? 'site' : 'router';
      parts.push(typeof item?.name === 'string' && item.name.trim() ? `${label} “${item.name}”` : `${label} ${index + 1}`);
      node = item;
      i++;
      continue;
    }
    parts.push(String(key));
    node = child;
  }
  return parts.length ? parts.join(', ') : 'the file';
}
