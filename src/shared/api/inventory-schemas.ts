// The inventory as a portable JSON file: sites and routers with their pinned host keys, and no
// secrets — whoever imports it enters the passwords again.
import { z } from 'zod';
import { authKinds, hostKeySchema, snmpSettingsSchema } from './routers-schemas.ts';

/** Most sites in one file, and most routers in one site of it. */
export const maxInventorySites = 1000;
export const maxInventoryRoutersPerSite = 1000;

/** One router of the file. Exported on its own so the core can check a large file router by router. */
export const inventoryRouterSchema = z.object({
  name: z.string().trim().min(1).max(80),
  host: z.string().min(1).max(253).regex(/^[A-Za-z0-9.:_-]+$/, 'a host is a name like router.local or an address like 192.0.2.1'),
  port: z.int('the port is a whole number').min(1).max(65535, 'ports go from 1 to 65535'),
  username: z.string('a user name is needed').min(1, 'a user name is needed').max(64).regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits, . _ @ - only'),
  authKind: z.enum(authKinds),
  keyPath: z.string().max(4096).nullable(),
  /** By name within the same file, since ids are local to one installation. */
  jumpRouter: z.object({ site: z.string(), router: z.string() }).nullable(),
  hostKey: hostKeySchema.nullable(),
  snmp: snmpSettingsSchema.nullable(),
  notes: z.string().max(2000).default(''),
});

export const inventorySiteSchema = z.object({
  name: z.string().trim().min(1).max(80),
  notes: z.string().max(2000).default(''),
  routers: z.array(inventoryRouterSchema).max(maxInventoryRoutersPerSite),
});

export const inventoryFileSchema = z.object({
  format: z.literal('switchyard-inventory'),
  version: z.literal(1),
  exportedMs: z.number(),
  sites: z.array(inventorySiteSchema).max(maxInventorySites),
});
export type InventoryFile = z.infer<typeof inventoryFileSchema>;
