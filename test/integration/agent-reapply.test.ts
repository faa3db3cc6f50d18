// The first apply after a rolled-back first enable: the agent went idle in between (every probe
// stopped), and it used to take the uplinks' old counts for the new config, so its log (and the
// Events tab) showed every uplink "online → offline" at once before they came back (technician's walk).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLabRouter, contractCaller, labFailoverPolicy, openLabCore, waitProbed, type LabCore } from '../helpers/lab-router.ts';
import { labExec } from '../lab/lab.ts';
import { waitUntil } from '../lab/wait-until.ts';
import { labFixture } from '../lab/lab-fixture.ts';

const labName = 'arp';
const lab = labFixture({ name: labName, routers: 1, wans: 2 });

describe.skipIf(lab.skipReason)('the agent after going idle', () => {
  let labCore: LabCore;
  let routerId: string;
  beforeAll(async () => {
    labCore = await openLabCore('sy-reapply-');
    routerId = await addLabRouter(labCore.core, lab.info().routers[0]!);
  }, 120_000);
  afterAll(async () => labCore?.close());

  it('logs no outage for healthy uplinks when failover is applied again after a rolled-back first enable', async () => {
    const { call } = contractCaller(() => labCore.core);
    const policy = labFailoverPolicy(lab.info());
    const eventLog = async () => (await labExec(labName, 'r01', ['cat', '/var/lib/switchyard/events.log'])).stdout.trim().split('\n');
    await call('failover.apply', { routerId, policy, revertInSec: 60 });
    await waitProbed(labCore.core, routerId, 'eth1');
    await call('failover.rollback', { routerId });
    // The agent hands the routes back and goes idle on its next pass; with nothing to run after
    // a rolled-back first enable, it then stops (daemon-stop) and the next apply starts it again.
    const before = (await waitUntil(eventLog, (lines) => lines.some((l) => / daemon-stop /.test(l)), { what: 'the agent going idle and stopping' })).length;

    await call('failover.apply', { routerId, policy, revertInSec: 60 });
    await call('failover.confirm', { routerId });
    await waitProbed(labCore.core, routerId, 'eth1');
    const after = (await eventLog()).slice(before);
    expect(after.some((l) => / config-loaded /.test(l))).toBe(true);
    expect(after.filter((l) => / status /.test(l) && /"to":"offline"/.test(l))).toEqual([]);
  }, 300_000);
});
