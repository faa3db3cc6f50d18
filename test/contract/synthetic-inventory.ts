// A synthetic inventory file (built here, not exported from a real install) of any size, for the
// import test and the import benchmark: `sites` sites named "<tag> N", each with `perSite`
// routers "router-N" on distinct 10.x addresses with a pinned host key.
import type { InventoryFile } from '../../src/shared/api/inventory-schemas.ts';

export function syntheticInventory(sites: number, perSite: number, options: { tag?: string; jumpHosts?: boolean } = {}): InventoryFile {
  const tag = options.tag ?? 'Shop';
  return {
    format: 'switchyard-inventory',
    version: 1,
    exportedMs: 0,
    sites: Array.from({ length: sites }, (_, s) => ({
      name: `${tag} ${s}`,
      notes: '',
      routers: Array.from({ length: perSite }, (_, r) => ({
        name: `router-${r}`,
        host: `10.${s}.${r >> 8}.${r & 255}`,
        port: 22,
        username: 'root',
        authKind: 'password' as const,
        keyPath: null,
        // With jumpHosts, every router but the first of its site is reached through that first one.
        jumpRouter: options.jumpHosts && r > 0 ? { site: `${tag} ${s}`, router: 'router-0' } : null,
        hostKey: { type: 'ssh-ed25519', fingerprint: `SHA256:${'A'.repeat(43)}`, pinnedMs: 1 },
        snmp: null,
        notes: '',
      })),
    })),
  };
}
