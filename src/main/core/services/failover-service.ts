// Failover on one router, whatever its platform: picks the router's driver from its detected
// platform and runs the safe-apply sequence — plan, commit with a revert timer on the router,
// verify, and leave confirm or rollback to the user.
import type { ApplyPlan, RouterStatus } from '../../../shared/failover-schemas.ts';
import { SwitchyardError } from '../../../shared/errors.ts';
import type { FailoverPolicy, LinkEvent, PlatformId } from '../../../shared/model.ts';
import type { RouterDriver } from '../drivers/driver.ts';
import type { DriverFactory } from '../drivers/driver-registry.ts';
import type { ConnectionService } from './connection-service.ts';
import type { RoutersService } from './routers-service.ts';

export interface Verification {
  ok: boolean;
  activeWans: string[];
  problems: string[];
  checkedMs: number;
}

const verifyTimeoutMs = 8_000;
const verifyPollMs = 500;

export class FailoverService {
  readonly #routers: RoutersService;
  readonly #connections: ConnectionService;
  readonly #drivers: Partial<Record<PlatformId, DriverFactory>>;
  readonly #record: (event: LinkEvent) => void;

  /** `record` keeps an event in the history and announces it (apply, confirm, manual failover …). */
  constructor(deps: { routers: RoutersService; connections: ConnectionService; drivers: Partial<Record<PlatformId, DriverFactory>>; record: (event: LinkEvent) => void }) {
    this.#routers = deps.routers;
    this.#connections = deps.connections;
    this.#drivers = deps.drivers;
    this.#record = deps.record;
  }

  async driver(routerId: string): Promise<RouterDriver> {
    const record = this.#routers.record(routerId);
    if (!record.platform) throw new SwitchyardError('conflict', `Switchyard does not know what ${record.name} runs yet. Run detection first (Overview → Detect again).`);
    const factory = this.#drivers[record.platform];
    if (!factory) {
      throw new SwitchyardError('unsupported', `Failover on ${record.name} (${record.platform}) is not supported by this version of Switchyard yet. Monitoring still works.`);
    }
    return factory(await this.#connections.connection(routerId), { routerId, facts: record.facts });
  }

  async get(routerId: string) {
    const driver = await this.driver(routerId);
    const [candidates, policy, status] = await Promise.all([driver.readWans(), driver.readPolicy(), driver.readStatus()]);
    return { platform: driver.platform, capabilities: driver.capabilities, candidates, policy, status };
  }

  async plan(routerId: string, policy: FailoverPolicy): Promise<ApplyPlan> {
    return (await this.driver(routerId)).plan(policy);
  }

  /** Plan, refuse on problems, commit with the revert timer armed, then verify. */
  async apply(routerId: string, policy: FailoverPolicy, revertInSec: number): Promise<{ revertAtMs: number | null; verification: Verification; status: RouterStatus }> {
    const driver = await this.driver(routerId);
    const plan = await driver.plan(policy);
    if (plan.problems.length) {
      throw new SwitchyardError('invalid-input', `Nothing was changed on the router: ${plan.problems.join(' ')}`, { problems: [...plan.problems] });
    }
    const { revertAtMs } = await driver.commit(plan, { revertInSec });
    this.#event(routerId, 'apply', `Applied a new failover policy (${policy.mode}); the router reverts by itself unless confirmed.`);
    const { verification, status } = await this.#verify(driver, policy);
    return { revertAtMs, verification, status };
  }

  async confirm(routerId: string): Promise<RouterStatus> {
    const driver = await this.driver(routerId);
    await driver.confirm();
    this.#event(routerId, 'confirm', 'Confirmed the new failover policy.');
    return driver.readStatus();
  }

  async rollback(routerId: string): Promise<RouterStatus> {
    const driver = await this.driver(routerId);
    await driver.rollback();
    this.#event(routerId, 'rollback', 'Rolled back to the previous failover policy.');
    return driver.readStatus();
  }

  async force(routerId: string, wan: string): Promise<RouterStatus> {
    const driver = await this.driver(routerId);
    await driver.forceFailover(wan);
    this.#event(routerId, 'manual-failover', wan === 'auto' ? 'Back to automatic failover.' : `Manual failover: traffic forced onto ${wan}.`, wan === 'auto' ? undefined : wan);
    return driver.readStatus();
  }

  async status(routerId: string): Promise<RouterStatus> {
    return (await this.driver(routerId)).readStatus();
  }

  async remove(routerId: string): Promise<boolean> {
    const driver = await this.driver(routerId);
    await driver.remove();
    this.#event(routerId, 'remove', 'Removed Switchyard failover; the router is back as it was.');
    return true;
  }

  /** Reachable (the status read worked), the intended uplink active, its tracking passing. */
  async #verify(driver: RouterDriver, policy: FailoverPolicy): Promise<{ verification: Verification; status: RouterStatus }> {
    const started = Date.now();
    const expected = expectedActive(policy);
    let status = await driver.readStatus();
    for (;;) {
      const active = status.wans.filter((w) => w.active).map((w) => w.wan);
      const problems = verificationProblems(policy, status, expected);
      if (problems.length === 0 || Date.now() - started > verifyTimeoutMs) {
        return { verification: { ok: problems.length === 0, activeWans: active, problems, checkedMs: Date.now() - started }, status };
      }
      await new Promise((resolve) => setTimeout(resolve, verifyPollMs));
      status = await driver.readStatus();
    }
  }

  #event(routerId: string, kind: 'apply' | 'confirm' | 'rollback' | 'manual-failover' | 'remove', message: string, wan?: string): void {
    this.#record({ id: crypto.randomUUID(), routerId, atMs: Date.now(), kind, message, ...(wan && { wan }) });
  }
}

/** In failover mode the best-priority enabled uplink should carry traffic if it is online. */
function expectedActive(policy: FailoverPolicy): string | null {
  const enabled = policy.wans.filter((w) => w.enabled).sort((a, b) => a.priority - b.priority);
  return policy.mode === 'failover' ? (enabled[0]?.name ?? null) : null;
}

function verificationProblems(policy: FailoverPolicy, status: RouterStatus, expected: string | null): string[] {
  const problems: string[] = [];
  if (!status.enabled) problems.push('The router does not report failover as running.');
  const online = status.wans.filter((w) => w.state === 'online').map((w) => w.wan);
  if (online.length === 0) problems.push('No uplink passes its tracking checks.');
  const active = status.wans.filter((w) => w.active).map((w) => w.wan);
  if (policy.mode === 'failover' && expected && online.includes(expected) && !active.includes(expected)) {
    problems.push(`${expected} is online but does not carry the traffic yet.`);
  }
  if (active.length === 0) problems.push('No uplink carries the default route.');
  return problems;
}
