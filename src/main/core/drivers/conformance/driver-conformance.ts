// Driver conformance scenarios every RouterDriver must pass, written against a harness so
// replayed drivers (OpenWrt, GL.iNet) and live ones (Linux on the lab) share them. node:assert.
import assert from 'node:assert/strict';
import { failoverPolicySchema, linkStates, type FailoverPolicy } from '../../../../shared/model.ts';
import type { SwitchyardError } from '../../../../shared/errors.ts';
import type { RouterDriver } from '../driver.ts';

export type ConformanceHarness = {
  /** A driver on a router where Switchyard has not enabled failover. */
  readonly unmanaged: () => Promise<RouterDriver>;
  /** A driver on a router that holds `policy`, applied by this driver; null if the platform cannot hold one. */
  readonly managed: (() => Promise<{ readonly driver: RouterDriver; readonly policy: FailoverPolicy }>) | null;
  /** A valid policy for the router's uplinks. */
  readonly samplePolicy: FailoverPolicy;
  /** The uplinks readWans must report (names). */
  readonly expectedWans: readonly string[];
  /** The router's own engine runs failover from the factory (GL.iNet kmwan): there is no "before". */
  readonly engineAlwaysOn?: boolean;
  /** A driver whose router accepts one commit of samplePolicy; null when the harness cannot apply. */
  readonly committing: (() => Promise<{ readonly driver: RouterDriver; readonly nowMs: number }>) | null;
};

export type ConformanceScenario = { readonly name: string; readonly run: (h: ConformanceHarness) => Promise<void> };

async function rejection(p: Promise<unknown>): Promise<SwitchyardError> {
  try {
    await p;
  } catch (e) {
    return e as SwitchyardError;
  }
  assert.fail('expected the call to be refused');
}

export const conformanceScenarios: readonly ConformanceScenario[] = [
  {
    name: 'capabilities are self-consistent',
    async run(h) {
      const d = await h.unmanaged();
      assert.ok(d.capabilities.maxWans >= 1);
      assert.ok(d.capabilities.trackMethods.length > 0);
      if (d.capabilities.readOnly) assert.equal(d.capabilities.supportsManualFailover, false);
    },
  },
  {
    name: 'readWans reports the uplinks, each with a device and unique name',
    async run(h) {
      const wans = await (await h.unmanaged()).readWans();
      assert.deepEqual(wans.map((w) => w.name), [...h.expectedWans]);
      assert.equal(new Set(wans.map((w) => w.name)).size, wans.length);
      for (const w of wans) assert.ok(w.device.length > 0, `${w.name} has a device`);
    },
  },
  {
    name: 'readPolicy is null before Switchyard enables failover (or the engine\'s own policy, valid, when it is always on)',
    async run(h) {
      const read = await (await h.unmanaged()).readPolicy();
      if (h.engineAlwaysOn) assert.ok(failoverPolicySchema.safeParse(read).success, JSON.stringify(read));
      else assert.equal(read, null);
    },
  },
  {
    name: 'readPolicy returns the applied policy, valid by the shared schema',
    async run(h) {
      if (!h.managed) return;
      const { driver, policy } = await h.managed();
      const read = await driver.readPolicy();
      assert.ok(failoverPolicySchema.safeParse(read).success);
      assert.deepEqual(read, policy);
    },
  },
  {
    name: 'planning what the router already has changes nothing',
    async run(h) {
      if (!h.managed) return;
      const { driver } = await h.managed();
      const plan = await driver.plan((await driver.readPolicy())!);
      assert.deepEqual(plan.problems, []);
      assert.deepEqual(plan.changes, []);
    },
  },
  {
    name: 'plan of a valid policy has changes, no problems and a finite failover prediction',
    async run(h) {
      const d = await h.unmanaged();
      if (d.capabilities.readOnly) return;
      const plan = await d.plan(h.samplePolicy);
      assert.deepEqual(plan.problems, []);
      assert.ok(plan.changes.length > 0);
      assert.ok(failoverPolicySchema.safeParse(plan.policy).success);
      assert.ok(Number.isFinite(plan.predictedFailoverSec) && plan.predictedFailoverSec >= 0);
      assert.ok(plan.nativeDiff.length > 0);
    },
  },
  {
    name: 'bad input becomes plan problems, and such a plan cannot be committed',
    async run(h) {
      const d = await h.unmanaged();
      // Unknown by name (mwan3 keys uplinks by interface) and by device (Linux keys them by device).
      const bad: FailoverPolicy = { ...h.samplePolicy, wans: [{ ...h.samplePolicy.wans[0]!, name: 'no_such_wan0', device: 'nosuchdev0' }] };
      const plan = await d.plan(bad);
      assert.ok(plan.problems.length > 0, 'an unknown uplink is a problem');
      const err = await rejection(d.commit(plan, { revertInSec: 60 }));
      assert.ok(err.code === 'invalid-input' || err.code === 'unsupported', err.message);
    },
  },
  {
    name: 'readStatus has a state for each uplink; only online uplinks are active',
    async run(h) {
      for (const d of [await h.unmanaged(), ...(h.managed ? [(await h.managed()).driver] : [])]) {
        const s = await d.readStatus();
        assert.ok(s.pendingRevertAtMs === null || Number.isFinite(s.pendingRevertAtMs));
        assert.equal(s.mode === null, !s.enabled);
        for (const w of s.wans) {
          assert.ok((linkStates as readonly string[]).includes(w.state), `${w.wan}: ${w.state}`);
          if (w.active) assert.equal(w.state, 'online', `${w.wan} is active while ${w.state}`);
        }
      }
    },
  },
  {
    name: 'confirm and rollback with nothing pending are refused as not-found',
    async run(h) {
      const d = await h.unmanaged();
      if (!d.capabilities.supportsRevertTimer) return;
      assert.equal((await rejection(d.confirm())).code, 'not-found');
      assert.equal((await rejection(d.rollback())).code, 'not-found');
    },
  },
  {
    name: 'a commit arms a revert timer on the router, in the future',
    async run(h) {
      if (!h.committing) return;
      const { driver, nowMs } = await h.committing();
      const plan = await driver.plan(h.samplePolicy);
      const result = await driver.commit(plan, { revertInSec: 60 });
      // Never later than asked (the screen must not promise more time than the router gives);
      // a live router's window starts when the change is in place, so it may read a little less.
      assert.ok(result.revertAtMs !== null && result.revertAtMs <= nowMs + 60_000, `revert at ${String(result.revertAtMs)}, asked for ${nowMs + 60_000}`);
      assert.ok(result.revertAtMs >= nowMs + 50_000, `revert at ${result.revertAtMs}: most of the 60 s window is gone`);
    },
  },
  {
    name: 'probes leave through the uplink they measure',
    async run(h) {
      const d = await h.unmanaged();
      for (const w of await d.readWans()) {
        const argv = d.probeCommand(w, '192.0.2.1', 'ping');
        assert.ok(argv.includes(w.name) || argv.includes(w.device), `${argv.join(' ')} names ${w.name} or ${w.device}`);
      }
    },
  },
];

/** Scenarios only a live router can answer; listed so a report can say what was not covered. */
export const liveOnlyScenarios: readonly string[] = [
  'the revert job restores the config and reloads when the SSH session that armed it is gone',
  'confirm stops the job; nothing is restored after the timer',
  'the failover time measured on a blackholed uplink is within the predicted worst case',
  'mwan3 reload keeps the management session (LAN) alive',
  'remove leaves /etc/config/mwan3 byte-identical to the file before the first enable, and the boot state as it was',
  'the network metric fix takes effect after network reload',
];
