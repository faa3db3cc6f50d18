// The shared driver conformance scenarios, run live against the Linux driver on a lab router
// (the OpenWrt and GL.iNet drivers run the same scenarios on recorded output).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { conformanceScenarios, type ConformanceHarness } from '../../src/main/core/drivers/conformance/driver-conformance.ts';
import { createLinuxDriver } from '../../src/main/core/drivers/linux/linux-driver.ts';
import { MemoryHostKeyTrust } from '../../src/main/core/transport/ssh/host-key.ts';
import { connectSsh, type SshConnection } from '../../src/main/core/transport/ssh/ssh-connection.ts';
import { defaultTracking } from '../../src/shared/failover-defaults.ts';
import type { FailoverPolicy } from '../../src/shared/model.ts';
import { labFixture } from '../lab/lab-fixture.ts';
import { busyDeadlineMs } from '../lab/wait-until.ts';

const lab = labFixture({ name: 'conf', routers: 1, wans: 2 });
const agentScriptPath = join(import.meta.dirname, '../../resources/agent/switchyard-agent');

describe.skipIf(lab.skipReason)('driver conformance: linux (live, lab router)', () => {
  let connection: SshConnection;
  let harness: ConformanceHarness;

  beforeAll(async () => {
    const info = lab.info();
    const r = info.routers[0]!;
    const trust = new MemoryHostKeyTrust();
    trust.pin(r.ssh.host, r.ssh.port, r.ssh.hostKeyType, r.ssh.hostKeyFingerprint);
    connection = await connectSsh({ host: r.ssh.host, port: r.ssh.port, username: 'root', auth: { kind: 'key', privateKey: readFileSync(r.ssh.rootKeyPath) }, hostKeyTrust: trust });
    const driver = (nowMs?: () => number) => createLinuxDriver(connection, { agentScriptPath, ...(nowMs && { nowMs }) });
    const samplePolicy: FailoverPolicy = {
      mode: 'failover',
      forcedRefreshStreams: false,
      wans: r.wans.map((w, i) => ({ name: w.name, device: w.name, kind: w.kind, gateway: w.gateway, priority: i + 1, weight: 1, enabled: true, tracking: { ...defaultTracking('linux'), targets: [info.probeTargets.icmp[i]!] } })),
    };
    const expectedWans = (await driver().readWans()).map((w) => w.name);
    let managed: { driver: ReturnType<typeof driver>; policy: FailoverPolicy } | null = null;
    harness = {
      unmanaged: async () => {
        const d = driver();
        await d.remove();
        return d;
      },
      managed: async () => {
        if (managed) return managed;
        const d = driver();
        await d.commit(await d.plan(samplePolicy), { revertInSec: 60 });
        await d.confirm();
        managed = { driver: d, policy: samplePolicy };
        return managed;
      },
      samplePolicy,
      expectedWans,
      committing: async () => {
        managed = null;
        const nowMs = Date.now();
        const d = driver(() => nowMs);
        await d.remove();
        return { driver: d, nowMs };
      },
    };
  });

  afterAll(async () => {
    await createLinuxDriver(connection, { agentScriptPath }).remove();
    await connection?.close();
  });

  // Each scenario sets up the router state it needs (unmanaged removes, managed applies): an
  // apply with the agent's install took 50 s on a loaded 2-core machine.
  for (const s of conformanceScenarios) it(s.name, () => s.run(harness), 3 * busyDeadlineMs);
});
