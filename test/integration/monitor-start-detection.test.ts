// Starting the monitor on a Linux router with failover on reads the policy from the router's agent
// config; only the uplinks' kinds come from detection. The saved detection answers that while it
// is still the router's (no edit of the router since it): no detection runs on the router, which
// cost a second or more of every monitor start. After an edit of the router, or with a device the
// saved detection never saw, the start asks the router again and shows what it finds there.
// Real lab router, real SSH; the drivers are the shipped ones, their shell only counts the
// detection probes sent through it. Waits are conditions with busy-machine deadlines.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core/app-core.ts';
import { builtInDrivers } from '../../src/main/core/drivers/driver-registry.ts';
import type { RouterShell } from '../../src/main/core/drivers/driver.ts';
import type { ResponseOf } from '../../src/shared/api/contract.ts';
import { addDetectedLabRouter, contractCaller, enableFailover, labFailoverPolicy, openLabCore, type LabCore } from '../helpers/lab-router.ts';
import { labFixture } from '../lab/lab-fixture.ts';
import { busyDeadlineMs, waitUntil } from '../lab/wait-until.ts';

const labName = 'msd';
const lab = labFixture({ name: labName, routers: 1, wans: 3 });

describe.skipIf(lab.skipReason)('monitor start on a Linux router with failover on', { timeout: 3 * busyDeadlineMs }, () => {
  let labCore: LabCore | undefined;
  let core: Core;
  let routerId: string;
  let detection: ResponseOf<'routers.detect'>['detection'];
  /** Detection probes (their `@@SY:` section markers) the drivers sent to the router. */
  let probesSent = 0;
  const { call } = contractCaller(() => core);

  beforeAll(async () => {
    const shipped = builtInDrivers({ agentScriptPath: join(import.meta.dirname, '../../resources/agent/switchyard-agent') });
    const counted = new WeakMap<RouterShell, RouterShell>();
    const counting = (shell: RouterShell): RouterShell => {
      const known = counted.get(shell);
      if (known) return known;
      const wrapped: RouterShell = {
        run: (command, options) => {
          if ((Array.isArray(command) ? command.join(' ') : (command as { text: string }).text).includes('@@SY:')) probesSent++;
          return shell.run(command, options);
        },
        stream: (command, options) => shell.stream(command, options),
      };
      counted.set(shell, wrapped);
      return wrapped;
    };
    labCore = await openLabCore('sy-msd-', { drivers: { linux: async (shell, context) => shipped.linux!(counting(shell), context) } });
    core = labCore.core;
    ({ id: routerId, detection } = await addDetectedLabRouter(core, lab.info().routers[0]!));
    await enableFailover(core, routerId, labFailoverPolicy(lab.info(), { forcedRefreshStreams: false }));
  });
  afterAll(async () => {
    await labCore?.close();
  });

  const labKinds = () => Object.fromEntries(lab.info().routers[0]!.wans.map((w) => [w.name, w.kind]));

  /** A cold start (no connection, as after the app started): the detection probes it sent and the policy's uplinks it watches. */
  async function coldStart(): Promise<{ probes: number; getProbes: number; watched: string[]; kinds: Record<string, string> }> {
    await call('monitor.stop', { routerId });
    await core.connections.closeAll();
    const before = probesSent;
    await call('monitor.start', { routerId });
    const probes = probesSent - before;
    const status = await waitUntil(
      () => call<{ uplinks: Array<{ wan: string; target: string | null }> }>('monitor.status', { routerId }),
      (s) => s.uplinks.length > 0,
      { what: 'the monitor watching uplinks' },
    );
    // The kinds the app shows for the policy come from the same read (failover.get's policy).
    const probesBeforeGet = probesSent;
    const { policy } = await call<{ policy: { wans: Array<{ name: string; kind: string }> } }>('failover.get', { routerId });
    const getProbes = probesSent - probesBeforeGet;
    await call('monitor.stop', { routerId });
    return { probes, getProbes, watched: status.uplinks.map((u) => u.wan).sort(), kinds: Object.fromEntries(policy.wans.map((w) => [w.name, w.kind])) };
  }

  it('runs no detection on the router while the saved one is current, and shows the real kinds', async () => {
    const start = await coldStart();
    expect(start.probes).toBe(0);
    // failover.get lists the router's candidates live: one detection for those, none for the policy.
    expect(start.getProbes).toBe(1);
    expect(start.watched).toEqual(['eth1', 'usb0', 'wlan0']);
    expect(start.kinds).toEqual(labKinds());
  });

  it('asks the router again after the router was edited (the saved detection may be of another machine), until detected again', async () => {
    // A detection sets the router's updated time to its own: wait for the clock to move on so the
    // edit is later than it, as any real edit is.
    const detectedMs = (await call<{ detectedMs: number }>('routers.get', { id: routerId })).detectedMs;
    await waitUntil(async () => Date.now(), (nowMs) => nowMs > detectedMs, { what: 'the clock past the detection' });
    await call('routers.update', { id: routerId, patch: { notes: 'moved to the back office' } });
    const afterEdit = await coldStart();
    expect(afterEdit.probes).toBeGreaterThanOrEqual(1);
    expect(afterEdit.watched).toEqual(['eth1', 'usb0', 'wlan0']);
    expect(afterEdit.kinds).toEqual(labKinds());

    await call('routers.detect', { id: routerId });
    expect((await coldStart()).probes).toBe(0);
  });

  it('asks the router when the policy names a device the saved detection never saw (plugged in since)', async () => {
    // The saved detection as if usb0 had been plugged in after it.
    const withoutUsb = { ...detection, uplinks: detection.uplinks.filter((u) => u.device !== 'usb0') };
    core.routers.setDetection(routerId, 'linux', withoutUsb as unknown as Record<string, unknown>);
    const start = await coldStart();
    expect(start.probes).toBeGreaterThanOrEqual(1);
    expect(start.kinds).toEqual(labKinds());
    expect(labKinds().usb0).toBe('tethering');
  });
});
