// A real OpenSSH sshd for tests, on 127.0.0.1 and a free port, with a throwaway login user that
// exists only inside sshd's own mount namespace: nothing on the machine is changed or left behind.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SSHD = '/usr/sbin/sshd';

export interface TestSshdOptions {
  readonly maxSessions?: number;
  /** Extra sshd_config lines. */
  readonly extraConfig?: readonly string[];
}

export interface TestSshd {
  readonly host: string;
  readonly port: number;
  /** The throwaway user (uid below) — password, key and keyboard-interactive all work for it. */
  readonly user: string;
  readonly uid: number;
  readonly password: string;
  readonly clientKey: string;
  readonly encryptedClientKey: string;
  readonly passphrase: string;
  readonly clientKeyPath: string;
  readonly hostKeyType: string;
  readonly hostKeyFingerprint: string;
  readonly dir: string;
  /** Kills the per-connection sshd processes (the listener stays): a dropped link. */
  killConnections(): void;
  /** Stops the per-connection processes without closing their sockets: a router that hangs. */
  freezeConnections(): () => void;
  /** Stops and starts the listener on the same port with the same keys. */
  restart(): Promise<void>;
  /** Replaces the host key (a reset or replaced router) and restarts. */
  changeHostKey(): Promise<string>;
  /** Processes of the test user whose command line contains `text`. */
  userProcesses(text: string): number[];
  log(): string;
  stop(): Promise<void>;
}

/** Why the test sshd cannot run here, or undefined when it can. */
export function testSshdUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'the test sshd needs Linux';
  if (process.getuid?.() !== 0) return 'the test sshd needs root (it runs sshd in its own mount namespace)';
  for (const bin of [SSHD, '/usr/bin/ssh-keygen', '/usr/bin/unshare', '/usr/bin/openssl']) {
    if (!existsSync(bin)) return `${bin} is missing`;
  }
  try {
    execFileSync('/usr/bin/unshare', ['--mount', '--propagation', 'private', 'true'], { stdio: 'ignore' });
  } catch {
    return 'mount namespaces are not allowed here';
  }
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function keygen(path: string, type: string, passphrase = ''): void {
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  execFileSync('/usr/bin/ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', 'switchyard-test', '-f', path]);
}

function fingerprint(pubPath: string): string {
  return execFileSync('/usr/bin/ssh-keygen', ['-l', '-E', 'sha256', '-f', pubPath], { encoding: 'utf8' }).split(' ')[1]!;
}

/** Children, grandchildren, … of a pid, read from /proc. */
function descendants(rootPid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(name), ppid);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const walk = (pid: number): void => {
    for (const [child, parent] of parentOf) {
      if (parent !== pid) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(rootPid);
  return out;
}

function processesOfUid(uid: number, text: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      const ruid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
      if (ruid !== uid) continue;
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(text)) pids.push(Number(name));
    } catch {
      // gone
    }
  }
  return pids;
}

function killQuietly(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export async function startTestSshd(options: TestSshdOptions = {}): Promise<TestSshd> {
  const reason = testSshdUnavailableReason();
  if (reason) throw new Error(reason);
  const dir = mkdtempSync(join(tmpdir(), 'swy-sshd-'));
  chmodSync(dir, 0o755);
  const user = 'swytest';
  // A uid no real account uses; processes are found and cleaned up by it.
  const uid = 64000 + Math.floor(Math.random() * 1000);
  const password = `pw-${Math.random().toString(36).slice(2)}-Secret`;
  const passphrase = `pp-${Math.random().toString(36).slice(2)}-Secret`;
  const home = join(dir, 'home');
  mkdirSync(home);
  chownSync(home, uid, uid);

  const hostKeyPath = join(dir, 'ssh_host_ed25519_key');
  keygen(hostKeyPath, 'ed25519');
  keygen(join(dir, 'client_key'), 'ed25519');
  keygen(join(dir, 'client_key_enc'), 'ed25519', passphrase);
  writeFileSync(
    join(dir, 'authorized_keys'),
    readFileSync(join(dir, 'client_key.pub'), 'utf8') + readFileSync(join(dir, 'client_key_enc.pub'), 'utf8'),
    { mode: 0o644 },
  );

  // The user, its password and a minimal PAM stack exist only in sshd's mount namespace.
  const hash = execFileSync('/usr/bin/openssl', ['passwd', '-6', '-stdin'], { input: password, encoding: 'utf8' }).trim();
  writeFileSync(join(dir, 'passwd'), `${readFileSync('/etc/passwd', 'utf8').trimEnd()}\n${user}:x:${uid}:${uid}:switchyard test:${home}:/bin/sh\n`);
  writeFileSync(join(dir, 'group'), `${readFileSync('/etc/group', 'utf8').trimEnd()}\n${user}:x:${uid}:\n`);
  writeFileSync(join(dir, 'shadow'), `${readFileSync('/etc/shadow', 'utf8').trimEnd()}\n${user}:${hash}:19000:0:99999:7:::\n`, { mode: 0o640 });
  writeFileSync(
    join(dir, 'pam-sshd'),
    'auth required pam_unix.so nodelay\naccount required pam_unix.so\nsession required pam_unix.so\npassword required pam_deny.so\n',
  );
  const port = await freePort();
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKeyPath}`,
      'PidFile none',
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication yes',
      'UsePAM yes',
      'PermitRootLogin prohibit-password',
      `MaxSessions ${options.maxSessions ?? 10}`,
      'MaxStartups 100',
      'MaxAuthTries 10',
      'AllowTcpForwarding yes',
      'PrintMotd no',
      'LogLevel VERBOSE',
      'UseDNS no',
      ...(options.extraConfig ?? []),
    ].join('\n') + '\n',
  );
  const logPath = join(dir, 'sshd.log');
  const script = [
    'set -e',
    `mount --bind ${dir}/passwd /etc/passwd`,
    `mount --bind ${dir}/group /etc/group`,
    `mount --bind ${dir}/shadow /etc/shadow`,
    `mount --bind ${dir}/pam-sshd /etc/pam.d/sshd`,
    // sshd insists on its privilege-separation directory; a private /run keeps the host's untouched.
    'mount -t tmpfs -o mode=755 tmpfs /run',
    'mkdir -m 755 /run/sshd',
    `exec ${SSHD} -D -f ${dir}/sshd_config -E ${logPath}`,
  ].join('\n');

  let child: ChildProcess | undefined;
  let listenerPid = 0;
  const launch = async (): Promise<void> => {
    const before = existsSync(logPath) ? readFileSync(logPath, 'utf8').length : 0;
    child = spawn('/usr/bin/unshare', ['--mount', '--propagation', 'private', '/bin/sh', '-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const deadline = Date.now() + 10_000;
    for (;;) {
      await new Promise((r) => setTimeout(r, 20));
      const text = existsSync(logPath) ? readFileSync(logPath, 'utf8').slice(before) : '';
      if (/Server listening on/.test(text)) break;
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`test sshd did not start: ${stderr}${text}`);
      }
    }
    listenerPid = child.pid!;
  };
  await launch();

  const stopListener = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const pids = descendants(c.pid!);
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    killQuietly(c.pid!, 'SIGKILL');
    for (const pid of pids) killQuietly(pid);
    await exited;
  };

  return {
    host: '127.0.0.1',
    port,
    user,
    uid,
    password,
    passphrase,
    clientKey: readFileSync(join(dir, 'client_key'), 'utf8'),
    encryptedClientKey: readFileSync(join(dir, 'client_key_enc'), 'utf8'),
    clientKeyPath: join(dir, 'client_key'),
    hostKeyType: 'ssh-ed25519',
    get hostKeyFingerprint() {
      return fingerprint(`${hostKeyPath}.pub`);
    },
    dir,
    killConnections() {
      for (const pid of descendants(listenerPid)) killQuietly(pid);
    },
    freezeConnections() {
      const pids = descendants(listenerPid);
      for (const pid of pids) killQuietly(pid, 'SIGSTOP');
      return () => {
        for (const pid of pids) killQuietly(pid, 'SIGCONT');
      };
    },
    async restart() {
      await stopListener();
      await launch();
    },
    async changeHostKey() {
      keygen(hostKeyPath, 'ed25519');
      await stopListener();
      await launch();
      return fingerprint(`${hostKeyPath}.pub`);
    },
    userProcesses(text) {
      return processesOfUid(uid, text);
    },
    log() {
      return existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
    },
    async stop() {
      await stopListener();
      // Anything the test user left running (a hung command) goes too.
      for (const pid of processesOfUid(uid, '')) killQuietly(pid);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
