// Issue 17 item 12: temp files a cut-off session left on a plain Linux router (a CLI killed with
// SIGKILL, a link lost mid-upload: the script's trap never ran) are removed on the next connection,
// on the real lab router. Only Switchyard's own temp names older than the longest revert window go:
// a younger one may belong to another session's commit in flight, and Switchyard's logs in /tmp,
// other files and anything below /tmp stay. Waits are conditions with busy-machine deadlines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src/main/core/app-core.ts';
import { staleAfterMin } from '../../src/main/core/drivers/linux/router-temp-files.ts';
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
  let core: Core;
  let dataDir: string;
  const onRouter = (argv: string[]) => labExec(labName, 'r01', argv);
  const present = async (paths: readonly string[]) => (await onRouter(['sh', '-c', 'for f in "$@"; do [ -e "$f" ] && echo "$f"; done; :', 'sh', ...paths])).stdout.split('\n').filter(Boolean);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sy-tmp-'));
    core = await createCore({ dataDir, transport: 'direct', knownHostsFiles: [] });
  });
  afterAll(async () => {
    await core?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('removes those older than the longest revert window on the next connection, and nothing else', async () => {
    const oldEpochSec = Math.floor(Date.now() / 1000) - (staleAfterMin + 2) * 60;
    await onRouter(['mkdir', '-p', '/tmp/keep']);
    await onRouter(['sh', '-c', 'for f in "$@"; do echo leftover > "$f"; done', 'sh', ...stale, ...kept]);
    await onRouter(['touch', '-d', `@${oldEpochSec}`, ...stale, ...kept.filter((f) => !f.includes('fresh'))]);
    expect(await present([...stale, ...kept])).toEqual([...stale, ...kept]);

    const call = async <T>(method: string, params: unknown): Promise<T> => {
      const envelope = await core.dispatcher.dispatch(method, params);
      if (!envelope.ok) throw new Error(`${method}: ${envelope.error.message}`);
      return envelope.result as T;
    };
    const r = lab.info().routers[0]!;
    const site = await call<{ id: string }>('sites.create', { name: 'Lab' });
    const { id } = await call<{ id: string }>('routers.create', { siteId: site.id, name: 'r01', host: r.ssh.host, port: r.ssh.port, username: 'root', auth: { kind: 'key', keyPath: r.ssh.rootKeyPath } });
    core.routers.pinHostKey(id, r.ssh.hostKeyType, r.ssh.hostKeyFingerprint);
    await call('routers.detect', { id });
    // Opening the router's failover state is the first use of the new connection by its driver.
    expect(await call<{ platform: string }>('failover.get', { routerId: id })).toMatchObject({ platform: 'linux' });

    await waitUntil(() => present(stale), (left) => left.length === 0, { what: 'the stale temp files to be removed' });
    expect(await present(kept)).toEqual(kept);
  });
});
