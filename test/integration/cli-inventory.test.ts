// The real `switchyard` command against a lab router: add from a ~/.ssh/config Host (its key
// file), edit a site and a router (password, port: the host key is forgotten), and move the
// inventory to another data folder with export and import — secrets stay behind.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labFixture } from '../lab/lab-fixture.ts';
import { busyDeadlineMs } from '../lab/wait-until.ts';

const lab = labFixture({ name: 'cliinv', routers: 1, wans: 2 });
const bin = resolve(import.meta.dirname, '../../bin/switchyard');
const tempDir = mkdtempSync(join(tmpdir(), 'sy-cli-inv-'));
const home = join(tempDir, 'home');
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

/** One CLI run with HOME pointed at a temp folder, so ~/.ssh/config is the test's own. */
function switchyard(dataDir: string, args: string[], input = '') {
  const env = { ...process.env, HOME: home, SWITCHYARD_NO_KEYRING: '1', SWITCHYARD_PASSPHRASE: 'cli inventory test passphrase' };
  const result = spawnSync(bin, [...args, '--data-dir', join(tempDir, dataDir)], { input, encoding: 'utf8', env, timeout: 3 * busyDeadlineMs });
  return { code: result.status, out: result.stdout, err: result.stderr };
}
function json<T>(dataDir: string, args: string[], input = ''): T {
  const r = switchyard(dataDir, [...args, '--json'], input);
  if (r.code !== 0) throw new Error(`switchyard ${args.join(' ')} exited ${r.code}: ${r.out}${r.err}`);
  return JSON.parse(r.out) as T;
}

interface RouterJson {
  id: string;
  name: string;
  host: string;
  port: number;
  username: string;
  authKind: string;
  keyPath: string | null;
  hasSecret: boolean;
  hostKey: { fingerprint: string } | null;
}

// Each CLI run is a Node start and often an SSH session: seconds each on a loaded 2-core machine.
describe.skipIf(lab.skipReason)('switchyard edit, ~/.ssh/config and inventory against the lab', { timeout: 10 * busyDeadlineMs }, () => {
  let siteId = '';
  let keyRouter: RouterJson;
  let passwordRouter: RouterJson;

  it('adds a router from a ~/.ssh/config Host and logs in with its key file', () => {
    const r = lab.info().routers[0]!;
    mkdirSync(join(home, '.ssh'), { recursive: true });
    writeFileSync(join(home, '.ssh', 'config'), `Host lab-router\n  HostName ${r.ssh.host}\n  Port ${r.ssh.port}\n  User ${r.ssh.rootUser}\n  IdentityFile ${r.ssh.rootKeyPath}\n`);
    siteId = json<{ id: string }>('a', ['sites', 'add', 'Lab']).id;
    expect(json('a', ['sites', 'edit', siteId, '--name', 'Lab shop', '--notes', 'behind the counter'])).toMatchObject({ name: 'Lab shop', notes: 'behind the counter' });

    keyRouter = json<RouterJson>('a', ['routers', 'add', siteId, 'Gateway', '--ssh-config', 'lab-router']);
    expect(keyRouter).toMatchObject({ host: r.ssh.host, port: r.ssh.port, username: 'root', authKind: 'key', keyPath: r.ssh.rootKeyPath });
    expect(switchyard('a', ['routers', 'trust', keyRouter.id, '--fingerprint', r.ssh.hostKeyFingerprint]).out).toContain('Pinned');
    const detected = switchyard('a', ['routers', 'detect', keyRouter.id]);
    expect(detected.code).toBe(0);
    expect(detected.out).toMatch(/eth1\s+ethernet/);
  });

  it('edits a wrong password into the right one, and forgets the host key when the port changes', () => {
    const r = lab.info().routers[0]!;
    passwordRouter = json<RouterJson>('a', ['routers', 'add', siteId, 'Shop', r.ssh.host, '--port', String(r.ssh.port), '--user', r.ssh.user, '--password-stdin'], 'not-the-password');
    switchyard('a', ['routers', 'trust', passwordRouter.id, '--fingerprint', r.ssh.hostKeyFingerprint]);
    expect(JSON.parse(switchyard('a', ['routers', 'detect', passwordRouter.id, '--json']).out)).toMatchObject({ error: { code: 'auth-failed' } });

    expect(json('a', ['routers', 'edit', passwordRouter.id, '--name', 'Shop router', '--password-stdin'], `${r.ssh.password}\n`)).toMatchObject({ name: 'Shop router', hostKeyDropped: false });
    expect(switchyard('a', ['routers', 'detect', passwordRouter.id]).code).toBe(0);

    const moved = switchyard('a', ['routers', 'edit', passwordRouter.id, '--port', '2222']);
    expect(moved.out).toContain('the trusted host key was forgotten');
    json('a', ['routers', 'edit', passwordRouter.id, '--port', String(r.ssh.port)]);
    // Same machine again, but the pin is gone until the user trusts the key once more.
    expect(switchyard('a', ['routers', 'test', passwordRouter.id]).out).toContain('Not trusted yet');
    expect(switchyard('a', ['routers', 'trust', passwordRouter.id, '--fingerprint', r.ssh.hostKeyFingerprint]).out).toContain('Pinned');
    expect(switchyard('a', ['routers', 'test', passwordRouter.id]).out).toMatch(/^Connected in \d+ ms/);
  });

  it('moves the inventory to another data folder without secrets; a second import clashes and adds nothing', () => {
    const r = lab.info().routers[0]!;
    const file = join(tempDir, 'inventory.json');
    expect(json('a', ['inventory', 'export', '--out', file])).toEqual({ out: file, sites: 1, routers: 2 });
    expect(readFileSync(file, 'utf8')).not.toContain(r.ssh.password);

    expect(switchyard('b', ['inventory', 'import', file]).out).toContain('Imported 1 site(s) and 2 router(s)');
    const { routers } = json<{ routers: RouterJson[] }>('b', ['routers', 'list']);
    const gateway = routers.find((x) => x.name === 'Gateway')!;
    const shop = routers.find((x) => x.name === 'Shop router')!;
    expect(gateway.hostKey?.fingerprint).toBe(r.ssh.hostKeyFingerprint);
    // The key router needs no secret, so it works at once; the password one asks for its password.
    expect(switchyard('b', ['routers', 'test', gateway.id]).out).toMatch(/^Connected in/);
    expect(shop.hasSecret).toBe(false);
    expect(JSON.parse(switchyard('b', ['routers', 'test', shop.id, '--json']).out)).toMatchObject({ error: { code: 'auth-failed', message: expect.stringContaining('No password is saved') } });
    json('b', ['routers', 'edit', shop.id, '--password-stdin'], r.ssh.password);
    expect(switchyard('b', ['routers', 'test', shop.id]).out).toMatch(/^Connected in/);

    const again = switchyard('b', ['inventory', 'import', file]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('already exists at site "Lab shop" — nothing was imported');
    expect(json<{ routers: unknown[] }>('b', ['routers', 'list']).routers).toHaveLength(2);
  });
});
