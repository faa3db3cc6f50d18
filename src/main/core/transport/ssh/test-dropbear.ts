// A real dropbear server for tests (the SSH server of OpenWrt, RutOS and GL.iNet), on 127.0.0.1
// and a free port, with a throwaway login user that exists only inside dropbear's own mount
// namespace: nothing on the machine is changed or left behind. Debian's dropbear-bin.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './test-sshd.ts';

const DROPBEAR = '/usr/sbin/dropbear';
const DROPBEARKEY = '/usr/bin/dropbearkey';

export interface TestDropbear {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly clientKey: string;
  readonly hostKeyType: string;
  readonly hostKeyFingerprint: string;
  /** dropbear's own log (stderr, -E). */
  log(): string;
  stop(): Promise<void>;
}

/** Why a test dropbear cannot run here, or undefined when it can. */
export function testDropbearUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'the test dropbear needs Linux';
  if (process.getuid?.() !== 0) return 'the test dropbear needs root (it runs in its own mount namespace)';
  for (const bin of [DROPBEAR, DROPBEARKEY, '/usr/bin/ssh-keygen', '/usr/bin/unshare']) {
    if (!existsSync(bin)) return `${bin} is missing (apt-get install dropbear-bin)`;
  }
  try {
    execFileSync('/usr/bin/unshare', ['--mount', '--propagation', 'private', 'true'], { stdio: 'ignore' });
  } catch {
    return 'mount namespaces are not allowed here';
  }
  return undefined;
}

export async function startTestDropbear(): Promise<TestDropbear> {
  const reason = testDropbearUnavailableReason();
  if (reason) throw new Error(reason);
  const dir = mkdtempSync(join(tmpdir(), 'swy-dropbear-'));
  chmodSync(dir, 0o755);
  const user = 'swydb';
  const uid = 65000 + Math.floor(Math.random() * 400);
  const home = join(dir, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true });
  const clientKeyPath = join(dir, 'client_key');
  execFileSync('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'switchyard-test', '-f', clientKeyPath]);
  writeFileSync(join(home, '.ssh', 'authorized_keys'), readFileSync(`${clientKeyPath}.pub`, 'utf8'), { mode: 0o600 });
  chmodSync(join(home, '.ssh'), 0o700);
  for (const p of [home, join(home, '.ssh'), join(home, '.ssh', 'authorized_keys')]) chownSync(p, uid, uid);
  const hostKeyPath = join(dir, 'dropbear_ed25519_host_key');
  const keyOut = execFileSync(DROPBEARKEY, ['-t', 'ed25519', '-f', hostKeyPath], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const fingerprint = /SHA256:[A-Za-z0-9+/]+/.exec(keyOut)?.[0];
  if (!fingerprint) throw new Error(`dropbearkey printed no SHA256 fingerprint: ${keyOut}`);
  // The user exists only in dropbear's mount namespace.
  writeFileSync(join(dir, 'passwd'), `${readFileSync('/etc/passwd', 'utf8').trimEnd()}\n${user}:x:${uid}:${uid}:switchyard test:${home}:/bin/sh\n`);
  writeFileSync(join(dir, 'group'), `${readFileSync('/etc/group', 'utf8').trimEnd()}\n${user}:x:${uid}:\n`);
  const port = await freePort();
  const script = ['set -e', `mount --bind ${dir}/passwd /etc/passwd`, `mount --bind ${dir}/group /etc/group`, `exec ${DROPBEAR} -F -E -s -P ${dir}/pid -r ${hostKeyPath} -p 127.0.0.1:${port}`].join('\n');
  let stderr = '';
  const child: ChildProcess = spawn('/usr/bin/unshare', ['--mount', '--propagation', 'private', '/bin/sh', '-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    await new Promise((r) => setTimeout(r, 25));
    if (/Not backgrounding|listening/i.test(stderr) || (await canConnect(port))) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`test dropbear did not start: ${stderr}`);
    }
  }
  return {
    host: '127.0.0.1',
    port,
    user,
    clientKey: readFileSync(clientKeyPath, 'utf8'),
    hostKeyType: 'ssh-ed25519',
    hostKeyFingerprint: fingerprint,
    log: () => stderr,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        // dropbear's listener ends its per-connection children when it gets SIGTERM.
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function canConnect(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
