// What the lab tests (and benchmarks) share, so that each file says only what it tests: a core of
// its own in a temporary data folder, the contract called in-process, the lab router registered
// the way a user would (a site, the router by root key, its host key pinned from the lab file,
// detection), a failover policy over the lab router's uplinks, and failover applied and confirmed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core, type CoreOptions } from '../../src/main/core/app-core.ts';
import type { ResponseOf } from '../../src/shared/api/contract.ts';
import type { ApiError } from '../../src/shared/errors.ts';
import { defaultTracking } from '../../src/shared/failover-defaults.ts';
import type { RouterStatus } from '../../src/shared/failover-schemas.ts';
import type { FailoverPolicy } from '../../src/shared/model.ts';
import type { LabInfo, LabRouter } from '../lab/lab.ts';
import { busyDeadlineMs, waitUntil } from '../lab/wait-until.ts';

type Detection = ResponseOf<'routers.detect'>['detection'];

export type ContractCall = <T = Record<string, unknown>>(method: string, params: unknown) => Promise<T>;
export type ContractFailure = (method: string, params: unknown) => Promise<ApiError | null>;

/**
 * The contract through a core's own dispatcher. `call` throws on an error answer, with the
 * method and message in its text and the error's `code` on it; `failure` gives the error answer
 * (null when the call succeeded). Takes a getter: the core is made in a beforeAll.
 */
export function contractCaller(core: Core | (() => Core)): { call: ContractCall; failure: ContractFailure } {
  const current = typeof core === 'function' ? core : () => core;
  const call: ContractCall = async <T>(method: string, params: unknown): Promise<T> => {
    const envelope = await current().dispatcher.dispatch(method, params);
    if (!envelope.ok) throw Object.assign(new Error(`${method}: ${envelope.error.message}`), { code: envelope.error.code });
    return envelope.result as T;
  };
  const failure: ContractFailure = async (method, params) => {
    const envelope = await current().dispatcher.dispatch(method, params);
    return envelope.ok ? null : envelope.error;
  };
  return { call, failure };
}

export interface LabCore {
  readonly core: Core;
  readonly dataDir: string;
  /** Closes the core and removes its data folder. */
  close(): Promise<void>;
}

/** A core on a fresh data folder (`prefix` names it under the system temp dir), direct transport, no known_hosts of this machine. */
export async function openLabCore(prefix: string, options: Partial<CoreOptions> = {}): Promise<LabCore> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const core = await createCore({ dataDir, transport: 'direct', knownHostsFiles: [], ...options });
  return {
    core,
    dataDir,
    async close() {
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface AddLabRouterOptions {
  /** Default "Lab". */
  readonly siteName?: string;
  /** Default "r01". */
  readonly routerName?: string;
}

/** The names the browser tests show: a shop, as a technician would name it. */
export const shopNames: AddLabRouterOptions = { siteName: 'Corner Bakery', routerName: 'Shop router' };

/** A new site with the lab router in it (root by key), its host key pinned from the lab file, detected; returns the router's id. */
export async function addLabRouter(core: Core, router: LabRouter, options: AddLabRouterOptions = {}): Promise<string> {
  return (await addDetectedLabRouter(core, router, options)).id;
}

/** addLabRouter, with what detection found. */
export async function addDetectedLabRouter(core: Core, router: LabRouter, options: AddLabRouterOptions = {}): Promise<{ id: string; detection: Detection }> {
  const { call } = contractCaller(core);
  const site = await call<{ id: string }>('sites.create', { name: options.siteName ?? 'Lab' });
  const { id } = await call<{ id: string }>('routers.create', { siteId: site.id, name: options.routerName ?? 'r01', host: router.ssh.host, port: router.ssh.port, username: 'root', auth: { kind: 'key', keyPath: router.ssh.rootKeyPath } });
  core.routers.pinHostKey(id, router.ssh.hostKeyType, router.ssh.hostKeyFingerprint);
  const { detection } = await call<ResponseOf<'routers.detect'>>('routers.detect', { id });
  return { id, detection };
}

export interface LabPolicyOptions {
  /** Default true. */
  readonly forcedRefreshStreams?: boolean;
  /** The tracking targets of the i-th uplink; default the lab's i-th ICMP probe target alone. */
  readonly targets?: (wanIndex: number, icmpTargets: readonly string[]) => string[];
  /** Spread over the policy last. */
  readonly overrides?: Partial<FailoverPolicy>;
}

/** Failover over every uplink of the lab's first router, in the lab's order, with the Linux default tracking. */
export function labFailoverPolicy(info: LabInfo, options: LabPolicyOptions = {}): FailoverPolicy {
  const icmp = info.probeTargets.icmp;
  const targets = options.targets ?? ((i: number) => [icmp[i]!]);
  return {
    mode: 'failover',
    forcedRefreshStreams: options.forcedRefreshStreams ?? true,
    wans: info.routers[0]!.wans.map((w, i) => ({ name: w.name, device: w.name, kind: w.kind, gateway: w.gateway, priority: i + 1, weight: 1, enabled: true, tracking: { ...defaultTracking('linux'), targets: targets(i, icmp) } })),
    ...options.overrides,
  };
}

/** Applies `policy` with a revert timer of `revertInSec` and confirms it, as a user keeping the change would. */
export async function enableFailover(core: Core, routerId: string, policy: FailoverPolicy, revertInSec = 60): Promise<void> {
  const { call } = contractCaller(core);
  await call('failover.apply', { routerId, policy, revertInSec });
  await call('failover.confirm', { routerId });
}

/**
 * Waits until the router's engine has really heard every uplink: each one online with every
 * target answered (up, with a round trip), and `activeWan` alone carrying the traffic. Right
 * after an apply the agent starts every uplink as `online` before any probe answered
 * (runtime_init), so a step that trusts that state (a drill's "is a backup online?", a failover
 * the test then times) races the first probes: on a loaded machine a late first reply turns the
 * backup `disconnecting` a moment later (CI: drill.start refused, "No backup uplink is online").
 */
export async function waitProbed(core: Core, routerId: string, activeWan: string, timeoutMs = busyDeadlineMs): Promise<RouterStatus> {
  return waitProbedVia(contractCaller(core).call, routerId, activeWan, timeoutMs);
}

/** waitProbed through a contract caller (the drill benchmark and scripts have no Core of their own). */
export async function waitProbedVia(call: ContractCall, routerId: string, activeWan: string, timeoutMs = busyDeadlineMs): Promise<RouterStatus> {
  return waitUntil(
    () => call<RouterStatus>('failover.status', { routerId }),
    (status) => isProbed(status, activeWan),
    { what: `every uplink online with every target answered (a standing-by one: a target), and ${activeWan} alone carrying the traffic`, timeoutMs },
  );
}

/**
 * The check of waitProbed: no uplink is online only on the agent's word at start-up. A backup
 * standing by (probeWhen=needed) stops probing once one target answered since the apply, so it
 * is held to one answered target; every other uplink to all of them.
 */
export function isProbed(status: RouterStatus, activeWan: string): boolean {
  const heard = (t: { up: boolean; rttMs?: number }) => t.up && typeof t.rttMs === 'number';
  const answered = status.wans.every((w) => w.state === 'online' && (w.standby === true ? (w.targets ?? []).some(heard) : (w.targets ?? []).every(heard)));
  return answered && status.wans.filter((w) => w.active).map((w) => w.wan).join() === activeWan;
}

/** The id of the router named `name` (the browser tests add theirs through the UI). */
export async function routerIdByName(core: Core, name: string): Promise<string> {
  const { routers } = await contractCaller(core).call<{ routers: Array<{ id: string; name: string }> }>('routers.list', {});
  const found = routers.filter((r) => r.name === name);
  if (found.length !== 1) throw new Error(`expected one router named "${name}", found ${found.length} (${routers.map((r) => r.name).join(', ')})`);
  return found[0]!.id;
}
