// A saved router as the core returns it, for the router form and page tests.
import type { Router } from '../../shared/api/routers-schemas.ts';

export const pinnedFingerprint = `SHA256:${'A'.repeat(43)}`;

export function savedRouter(overrides: Partial<Router> = {}): Router {
  return {
    id: 'r1',
    siteId: 's1',
    name: 'Shop router',
    host: '192.0.2.1',
    port: 22,
    username: 'root',
    authKind: 'password',
    keyPath: null,
    hasSecret: true,
    jumpRouterId: null,
    hostKey: { type: 'ssh-ed25519', fingerprint: pinnedFingerprint, pinnedMs: 1 },
    snmp: null,
    platform: 'linux',
    facts: null,
    detectedMs: null,
    notes: '',
    createdMs: 1,
    updatedMs: 1,
    ...overrides,
  };
}
