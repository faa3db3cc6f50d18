// Issue 17 item 12: temp files a cut-off session left on a plain Linux router (a CLI killed with
// SIGKILL, a link lost mid-upload: the script's trap never ran) are removed on the next connection,
// on the real lab router. Only Switchyard's own temp names older than the longest revert window go:
// a younger one may belong to another session's commit in flight, and Switchyard's logs in /tmp,
// other files and anything below /tmp stay. Waits are conditions with busy-machine deadlines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staleAfterMin } from '../../src/main/core/drivers/linux/router-temp-files.ts';
import { addLabRouter, contractCaller, openLabCore, type LabCore } from '../helpers/lab-router.ts';
import { labExec } from '../lab/lab.ts';
import { labFixture } from '../lab/lab-fixture.ts';
import { busyDeadlineMs, waitUntil } from '../lab/wait-until.ts';

const labName = 'tmp';
const lab = labFixture({ name: labName, routers: 1, wans: 1 });

const stale = ['/tmp/switchyard-conf.Ab12Cd', '/tmp/switchyard-agent.9f8e7d'];
const kept = [
  '/tmp/switchyard-conf.fresh1', // as young as a commit in flight
  '/tmp/switchyard-kmwan-events', // a log, not a temp file
  '/tmp/switchyard-notes', // not one of Switchyard's temp names
  '/tmp/keep/switchyard-conf.nested', // below /tmp
];

describe.skipIf(lab.skipReason)('stale temp files on a Linux router', { timeout: 3 * busyDeadlineMs }, () => {
  let labCore: LabCore | undefined;
  const onRouter = (argv: string[]) => labExec(labName, 'r01', argv);
  const present = async (paths: readonly string[]) => (await onRouter(['sh', '-c', 'for f in "$@"; do [ -e "$f" ] && echo "$f"; done; :', 'sh', ...paths])).stdout.split('\n').filter(Boolean);

  beforeAll(async () => {
    labCore = await openLabCore('sy-tmp-');
  });
  afterAll(async () => {
    await labCore?.close();
  });

  it('removes those older than the longest revert window on the next connection, and nothing else', async () => {
    const oldEpochSec = Math.floor(Date.now() / 1000) - (staleAfterMin + 2) * 60;
    await onRouter(['mkdir', '-p', '/tmp/keep']);
    await onRouter(['sh', '-c', 'for f in "$@"; do echo leftover > "$f"; done', 'sh', ...stale, ...kept]);
    await onRouter(['touch', '-d', `@${oldEpochSec}`, ...stale, ...kept.filter((f) => !f.includes('fresh'))]);
    expect(await present([...stale, ...kept])).toEqual([...stale, ...kept]);

    const { call } = contractCaller(labCore!.core);
    const id = await addLabRouter(labCore!.core, lab.info().routers[0]!);
    // Opening the router's failover state is the first use of the new connection by its driver.
    expect(await call<{ platform: string }>('failover.get', { routerId: id })).toMatchObject({ platform: 'linux' });

    await waitUntil(() => present(stale), (left) => left.length === 0, { what: 'the stale temp files to be removed' });
    expect(await present(kept)).toEqual(kept);
  });
});
