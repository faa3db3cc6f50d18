// What the monitor watches on a router: the uplinks of its failover policy (probing their
// tracking targets) or, before failover is enabled, the uplinks detection found (probing their
// gateways); SNMP when configured; the driver's status when its engine runs.
import { detectionResultSchema } from '../../../shared/detect-schemas.ts';
import type { RouterDriver } from '../drivers/driver.ts';
import { reconnectingShell, type MonitorSetup } from '../monitor/monitor-service.ts';
import type { MonitorUplink } from '../monitor/monitor-types.ts';
import type { PingFlavorCache } from '../monitor/ping-flavor-cache.ts';
import { readPingFlavor } from '../monitor/ping-flavor-read.ts';
import type { ConnectionService } from './connection-service.ts';
import type { FailoverService } from './failover-service.ts';
import type { RoutersService } from './routers-service.ts';

export async function monitorSetup(routerId: string, deps: { routers: RoutersService; connections: ConnectionService; failover: FailoverService; pingFlavors?: PingFlavorCache }): Promise<MonitorSetup> {
  const record = deps.routers.record(routerId);
  const detection = record.facts ? detectionResultSchema.safeParse(record.facts) : null;
  const detected = detection?.success ? detection.data.uplinks : [];
  // The router's ping flavour, read beside the policy read (each an SSH exec: at once, not one
  // after the other), unless already read over this very link (its reconnect forgets it).
  const linkRead = deps.connections.connection(routerId).catch(() => null);
  const pingFlavorRead = linkRead
    .then(async (link) => {
      const known = link && deps.pingFlavors?.get(routerId, link);
      if (known) return { flavor: known, problem: null };
      return link ? readPingFlavor(link, record.platform ?? undefined) : null;
    })
    // The monitor then asks itself, and says what is wrong if it cannot.
    .catch(() => null);
  // A driver is bound to one SSH connection. The monitor outlives it (an edit of the router's
  // login closes it, a dropped link replaces it), so each read takes a driver on the current one,
  // as the failover service does. The one made for a connection serves while that connection and
  // the router's record stay the same (a detection or an edit moves `updatedMs`): making a driver
  // costs round trips of its own on OpenWrt (three commands for mwan3's tools) and GL.iNet (two),
  // which the status poll paid every second and the first status read again after the start.
  let made: { link: unknown; updatedMs: number; driver: Promise<RouterDriver> } | null = null;
  const currentDriver = async (): Promise<RouterDriver> => {
    const link = await deps.connections.connection(routerId);
    const { updatedMs } = deps.routers.record(routerId);
    if (!made || made.link !== link || made.updatedMs !== updatedMs) {
      const driver = deps.failover.driver(routerId);
      const entry = { link, updatedMs, driver };
      made = entry;
      // A driver that could not be made is asked for again next time.
      driver.catch(() => {
        if (made === entry) made = null;
      });
    }
    return made.driver;
  };
  // A platform without a driver (or not detected yet) is still monitored, without engine status.
  const driver: RouterDriver | null = await currentDriver().catch(() => null);
  const policy = driver ? await driver.readPolicy().catch(() => null) : null;

  const addressOf = (device: string) => detected.find((u) => u.device === device)?.address;
  const uplinks: MonitorUplink[] = policy
    ? policy.wans
        .filter((w) => w.enabled)
        .map((w) => ({
          name: w.name,
          device: w.device,
          kind: w.kind,
          targets: w.tracking.targets.length ? w.tracking.targets : w.gateway ? [w.gateway] : [],
          method: w.tracking.method === 'httping' ? 'httping' : 'ping',
          ...(w.gateway && { gateway: w.gateway }),
          ...(addressOf(w.device) && { address: addressOf(w.device)! }),
          ...(w.tracking.probeWhen === 'needed' && { probeWhen: 'needed' as const }),
        }))
    : detected.flatMap((u) =>
        u.device ? [{ name: u.name, device: u.device, kind: u.kind, targets: u.gateway ? [u.gateway] : [], method: 'ping' as const, ...(u.gateway && { gateway: u.gateway }), ...(u.address && { address: u.address }) }] : [],
      );

  const link = await linkRead;

  const snmp = await deps.routers.snmpCredential(record);
  const credentials = snmp
    ? snmp.version === '2c'
      ? ({ version: '2c', community: snmp.community } as const)
      : snmp.version === '3' && 'authKey' in snmp
        ? ({ version: '3', user: snmp.user, authProtocol: snmp.authProtocol, authKey: snmp.authKey, privProtocol: snmp.privProtocol, privKey: snmp.privKey } as const)
        : null
    : null;

  return {
    routerName: record.name,
    shell: reconnectingShell(() => deps.connections.connection(routerId)),
    uplinks,
    pingFlavorRead,
    ...(link && deps.pingFlavors && { rememberPingFlavor: (flavor) => deps.pingFlavors?.set(routerId, link, flavor) }),
    ...(record.platform && { platform: record.platform }),
    snmp: credentials && snmp ? { host: record.host, port: snmp.port, credentials } : null,
    // The OpenWrt form (`mwan3 use`) binds probes the engine's way; Linux keeps the monitor's own.
    ...(driver && driver.platform !== 'linux' && {
      probeCommand: (uplink, target, method) => driver.probeCommand({ name: uplink.name, device: uplink.device, kind: uplink.kind, hasDefaultRoute: false }, target, method),
    }),
    // With an engine log the status is read even before failover is on: an apply made elsewhere
    // (the CLI, another window) shows within a poll.
    ...(driver && (policy || driver.readRouterEvents) && { readStatus: async () => (await currentDriver()).readStatus() }),
    // The router is the record: its engine's log is read even when failover is off now (a remove
    // or a revert happened while no window watched).
    ...(driver?.readRouterEvents && { readRouterEvents: async (sinceMs: number) => (await currentDriver()).readRouterEvents!(sinceMs) }),
    ...(driver?.followRouterEvents && { followRouterEvents: async (onLine: () => void) => (await currentDriver()).followRouterEvents!(onLine) }),
  };
}
