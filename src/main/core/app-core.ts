// Builds the core once per process: the database, the secret store, the services and the
// dispatcher that every transport (Electron IPC, WebSocket, CLI, tests) shares. Nothing here
// knows about Electron: its capabilities arrive as small interfaces (a SecretStore factory).
import { join } from 'node:path';
import packageJson from '../../../package.json' with { type: 'json' };
import type { ResponseOf } from '../../shared/api/contract.ts';
import type { LinkEvent, PlatformId } from '../../shared/model.ts';
import { echoWindowMs, reportsSameAct } from '../../shared/event-echoes.ts';
import { createDispatcher, type Dispatcher, type Handlers } from './api/dispatcher.ts';
import { suggestTargets } from './services/target-suggestions.ts';
import { EventHub } from './api/event-hub.ts';
import { silentLogger, type Logger } from './logger.ts';
import { MemorySecretStore, type SecretStore } from './secrets/secret-store.ts';
import { readUserSshConfig } from './transport/ssh/ssh-config.ts';
import { SshPool } from './transport/ssh/ssh-pool.ts';
import type { SshConnection, SshConnectOptions } from './transport/ssh/ssh-connection.ts';
import { ConnectionService } from './services/connection-service.ts';
import { DetectionService } from './services/detection-service.ts';
import { builtInDrivers, type DriverFactory } from './drivers/driver-registry.ts';
import { chromiumPdfPrinter } from './drill/chromium-pdf.ts';
import { DrillService, type PdfPrinter } from './drill/drill-service.ts';
import { DrillStore } from './drill/drill-store.ts';
import { QualifyService } from './qualify/qualify-service.ts';
import { FailoverService } from './services/failover-service.ts';
import { monitorSetup } from './services/monitor-setup.ts';
import { MonitorService } from './monitor/monitor-service.ts';
import type { Notify } from './monitor/monitor-types.ts';
import { PingFlavorCache } from './monitor/ping-flavor-cache.ts';
import { HistoryStore } from './store/history-store.ts';
import { RoutersService } from './services/routers-service.ts';
import { SitesService } from './services/sites-service.ts';
import type { Database } from './store/database.ts';
import { openStore } from './store/open-store.ts';
import { RouterRepository } from './store/router-repository.ts';
import { SiteRepository } from './store/site-repository.ts';
import { TroubleshootService } from './troubleshoot/troubleshoot-service.ts';

export type TransportKind = ResponseOf<'app.info'>['transport'];
export type SecretStorageKind = ResponseOf<'app.info'>['secretStorage'];

export interface CoreOptions {
  /** Folder holding switchyard.db; ':memory:' keeps everything in memory (tests). */
  dataDir: string;
  transport: TransportKind;
  /** known_hosts files honoured as a trust source; default: the user's ~/.ssh/known_hosts. */
  knownHostsFiles?: readonly string[];
  /** The on-router agent for plain Linux routers; default: resources/agent in this checkout. */
  agentScriptPath?: string;
  /** Drivers by platform; default: every platform Switchyard supports. */
  drivers?: Partial<Record<PlatformId, DriverFactory>>;
  /**
   * Tracking targets to try first when suggesting targets (a site's own servers, a lab's probe
   * targets); default: SWITCHYARD_TRACK_TARGETS, comma-separated. Public resolvers follow them.
   */
  trackTargets?: readonly string[];
  /** The public resolver troubleshooting asks through each uplink; default: SWITCHYARD_PUBLIC_DNS (comma-separated), else 1.1.1.1. */
  publicDnsServers?: readonly string[];
  /** Desktop notifications (Electron); absent in serve mode and the CLI. */
  notify?: Notify;
  /** Opens the secret store once the database exists; default: memory only. */
  openSecrets?: (db: Database) => Promise<SecretStore>;
  /** Prints drill reports to PDF; default: headless Chromium when installed. */
  printPdf?: PdfPrinter;
  log?: Logger;
  /** Opens SSH connections; default connectSsh (tests count the logins). */
  sshConnect?: (options: SshConnectOptions) => Promise<SshConnection>;
}

export interface Core {
  readonly dispatcher: Dispatcher;
  readonly events: EventHub;
  readonly db: Database;
  readonly routers: RoutersService;
  readonly connections: ConnectionService;
  readonly monitor: MonitorService;
  readonly drills: DrillService;
  readonly secrets: SecretStore;
  readonly log: Logger;
  close(): Promise<void>;
}

export const appVersion: string = packageJson.version;

const defaultAgentScriptPath = join(import.meta.dirname, '../../../resources/agent/switchyard-agent');


export async function createCore(options: CoreOptions): Promise<Core> {
  const log = options.log ?? silentLogger;
  const db = openStore(options.dataDir, log);
  let secrets: SecretStore;
  try {
    secrets = options.openSecrets ? await options.openSecrets(db) : new MemorySecretStore();
  } catch (error) {
    db.close();
    throw error;
  }
  const events = new EventHub();
  const siteRepository = new SiteRepository(db);
  const sites = new SitesService(siteRepository, events);
  const routers = new RoutersService({ db, routers: new RouterRepository(db), sites: siteRepository, secrets, events });
  const connections = new ConnectionService({ routers, log, ...(options.knownHostsFiles && { knownHostsFiles: options.knownHostsFiles }), ...(options.sshConnect && { pool: new SshPool(options.sshConnect) }) });
  const detection = new DetectionService({ routers, connections });
  const history = new HistoryStore(db);
  const failover: FailoverService = new FailoverService({
    routers,
    connections,
    drivers: options.drivers ?? builtInDrivers({ agentScriptPath: options.agentScriptPath ?? defaultAgentScriptPath }),
    record: (event) => {
      // The router's log may have reported this act already (event-echoes.ts): one entry is enough.
      if (history.events(event.routerId, event.atMs - echoWindowMs, event.atMs + echoWindowMs).some((r) => reportsSameAct(event, r))) return;
      history.addEvents([event]);
      events.emit('onDidLinkEvent', event);
    },
    // A running monitor reads the same status every second: failover.status reuses a fresh one.
    // (Called only after `monitor` below exists: no contract call runs before createCore returns.)
    recentStatus: (routerId, notBeforeMs) => monitor.recentRouterStatus(routerId, notBeforeMs),
    nowMs: () => monitor.nowMs(),
    onPolicyChanged: (routerId) => void monitor.refresh(routerId),
    detect: (routerId) => detection.detect(routerId),
  });
  const pingFlavors = new PingFlavorCache();
  const monitor: MonitorService = new MonitorService({
    resolve: (routerId) => monitorSetup(routerId, { routers, connections, failover, pingFlavors }),
    history,
    emit: (event, payload) => {
      events.emit(event, payload as never);
      // The router's own revert timer runs out with no one polling failover.status: its status
      // read tells (then the monitor restarts from the settings the router went back to).
      if (event === 'onDidRouterStatus') {
        const { routerId } = payload as { routerId: string };
        const read = monitor.recentRouterStatus(routerId, -Infinity);
        if (read) failover.noticeMonitorStatus(routerId, read.status, read.readStartedMs);
      }
    },
    log,
    ...(options.notify && { notify: options.notify }),
  });

  const recordEvent = (event: LinkEvent) => {
    history.addEvents([event]);
    events.emit('onDidLinkEvent', event);
  };
  const printPdf = options.printPdf ?? chromiumPdfPrinter();
  const drills = new DrillService({
    router: (routerId) => routers.record(routerId),
    siteName: (siteId) => siteRepository.get(siteId).name,
    driver: (routerId) => failover.driver(routerId),
    shell: (routerId) => connections.connection(routerId),
    store: new DrillStore(db),
    emit: (progress) => events.emit('onDidDrillProgress', progress),
    record: recordEvent,
    ...(printPdf && { printPdf }),
  });

  const qualify = new QualifyService({
    shell: (routerId) => connections.connection(routerId),
    isRoot: (routerId) => (routers.record(routerId).facts as { facts?: { isRoot?: boolean | null } } | null)?.facts?.isRoot ?? null,
  });
  const publicDnsServers = options.publicDnsServers ?? (process.env.SWITCHYARD_PUBLIC_DNS ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  const troubleshoot = new TroubleshootService({
    router: (routerId) => routers.record(routerId),
    driver: (routerId) => failover.driver(routerId),
    shell: (routerId) => connections.connection(routerId),
    ...(publicDnsServers.length > 0 && { publicDnsServers }),
  });

  /** Before a router leaves the inventory: no probe left on it, no history, no open connection. */
  const releaseRouter = async (routerId: string) => {
    await monitor.stop(routerId);
    history.deleteRouter(routerId);
    await connections.forget(routerId);
  };

  const trackTargets = options.trackTargets ?? (process.env.SWITCHYARD_TRACK_TARGETS ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  const handlers: Handlers = {
    'app.info': async () => ({ name: 'Switchyard', version: appVersion, transport: options.transport, secretStorage: secrets.kind }),
    'sites.list': async () => ({ sites: sites.list() }),
    'sites.create': async (input) => sites.create(input),
    'sites.update': async ({ id, patch }) => sites.update(id, patch),
    'sites.remove': async ({ id }) => {
      // Its routers go too: stop watching them and close their connections first.
      for (const router of await routers.list(id)) await releaseRouter(router.id);
      const removed = await routers.removeSite(id);
      sites.changed();
      return { removed };
    },
    'routers.list': async ({ siteId }) => ({ routers: await routers.list(siteId) }),
    'routers.get': async ({ id }) => routers.get(id),
    'routers.create': async (input) => {
      const created = await routers.create(input);
      // The login routers.testNewConnection made a moment ago with these very details is the new
      // router's: detection right after needs no second SSH login.
      await connections.adoptTested(created.id, input);
      return created;
    },
    'routers.update': async ({ id, patch }) => {
      // Saved first: a reconnect in between (the monitor's) must already read the new login.
      const updated = await routers.update(id, patch);
      await connections.forget(id);
      return updated;
    },
    'routers.remove': async ({ id }) => {
      await releaseRouter(id);
      return { removed: await routers.remove(id) };
    },
    'routers.testConnection': async ({ id }) => connections.test(id),
    'routers.testNewConnection': async (input) => connections.testNew(input),
    'routers.dropTestedConnection': async () => ({ closed: await connections.dropTested() }),
    'routers.trustHostKey': async ({ id, keyType, fingerprint, replace }) => {
      await connections.trust(id, keyType, fingerprint, replace);
      return routers.get(id);
    },
    'routers.detect': async ({ id }) => {
      const result = await detection.detect(id);
      return { router: await routers.get(id), detection: result };
    },
    'routers.sshConfigHosts': async () => ({
      hosts: readUserSshConfig().map((h) => ({ ...h, user: h.user ?? null, identityFiles: [...h.identityFiles], proxyJump: h.proxyJump.map((j) => `${j.user ? `${j.user}@` : ''}${j.host}${j.port ? `:${j.port}` : ''}`) })),
    }),
    'failover.get': async ({ routerId }) => failover.get(routerId),
    'failover.plan': async ({ routerId, policy }) => failover.plan(routerId, policy),
    'failover.apply': async ({ routerId, policy, revertInSec }) => failover.apply(routerId, policy, revertInSec),
    'failover.confirm': async ({ routerId }) => failover.confirm(routerId),
    'failover.rollback': async ({ routerId }) => failover.rollback(routerId),
    'failover.force': async ({ routerId, wan }) => failover.force(routerId, wan),
    'failover.status': async ({ routerId }) => failover.status(routerId),
    'failover.suggestTargets': async ({ routerId, wans }) => suggestTargets(await connections.connection(routerId), wans, trackTargets),
    'failover.planRemove': async ({ routerId }) => failover.planRemove(routerId),
    'failover.remove': async ({ routerId, basedOn, restoreAdminEdits }) => {
      // Removing the agent deletes its log: keep the router's record in history first.
      await monitor.backfill(routerId);
      return { removed: await failover.remove(routerId, { ...(basedOn !== undefined && { basedOn }), ...(restoreAdminEdits !== undefined && { restoreAdminEdits }) }) };
    },
    'monitor.start': async ({ routerId }) => monitor.start(routerId),
    'monitor.stop': async ({ routerId }) => ({ stopped: await monitor.stop(routerId) }),
    'monitor.status': async ({ routerId }) => monitor.status(routerId),
    'monitor.probeStandby': async ({ routerId, wan, probe }) => monitor.probeStandby(routerId, wan, probe),
    'history.query': async (query) => monitor.query(query),
    'history.events': async ({ routerId, fromMs, toMs, limit }) => ({ events: monitor.events(routerId, fromMs, toMs, limit) }),
    'history.export': async (request) => {
      // The router is the record: what it logged while nothing watched goes into the export too.
      if (request.what === 'events') await monitor.backfill(request.routerId);
      return monitor.exportCsv(request.what, request);
    },
    'drill.start': async (request) => drills.start(request),
    'drill.list': async ({ routerId }) => drills.list(routerId),
    'drill.get': async ({ id }) => drills.get(id),
    'drill.export': async ({ id, format }) => drills.export(id, format),
    'failover.qualifyTargets': async ({ routerId, policy, candidates }) => qualify.qualify(routerId, policy, candidates),
    'troubleshoot.run': async (request) => troubleshoot.run(request),
    'inventory.export': async () => routers.exportInventory(),
    'inventory.import': async ({ file }) => routers.importInventory(file),
  };

  return {
    dispatcher: createDispatcher(handlers, log),
    events,
    db,
    routers,
    connections,
    monitor,
    drills,
    secrets,
    log,
    async close() {
      // Probes first, so none is left running on a router; a drill's own timer on the router
      // ends a drill cut short here. Then connections, then the data.
      await monitor.stopAll();
      await connections.closeAll();
      db.close();
    },
  };
}
