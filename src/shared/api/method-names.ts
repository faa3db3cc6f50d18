// The allowlist the sandboxed preload forwards, kept free of zod so the preload stays tiny.
// A test checks it matches the contract exactly.
export const methodNames = [
  'app.info',
  'sites.list',
  'sites.create',
  'sites.update',
  'sites.remove',
  'routers.list',
  'routers.get',
  'routers.create',
  'routers.update',
  'routers.remove',
  'routers.testConnection',
  'routers.testNewConnection',
  'routers.dropTestedConnection',
  'routers.trustHostKey',
  'routers.detect',
  'routers.sshConfigHosts',
  'failover.get',
  'failover.plan',
  'failover.apply',
  'failover.confirm',
  'failover.rollback',
  'failover.force',
  'failover.status',
  'failover.planRemove',
  'failover.remove',
  'failover.suggestTargets',
  'monitor.start',
  'monitor.stop',
  'monitor.status',
  'monitor.probeStandby',
  'history.query',
  'history.events',
  'history.export',
  'drill.start',
  'drill.list',
  'drill.get',
  'drill.export',
  'failover.qualifyTargets',
  'troubleshoot.run',
  'inventory.export',
  'inventory.import',
] as const;
export const eventNames = ['onDidChangeSites', 'onDidLinkEvent', 'onDidSample', 'onDidRouterStatus', 'onDidStartMonitor', 'onDidDrillProgress'] as const;

export const ipcChannels = { call: 'switchyard:call', event: 'switchyard:event' } as const;

/** What the preload exposes on `window.switchyard`. */
export interface PreloadBridge {
  call(method: string, params: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}
