// The lab's own tests against a real lab: logins, SNMP counters, LAN reachability, every
// impairment taking effect and clearing, bad input, and `down` leaving nothing behind.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ssh2 from 'ssh2';
import type { ConnectConfig } from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import { labFixture } from './lab-fixture.ts';
import {
  LabInputError,
  LabStateError,
  impair,
  labDirOf,
  labDown,
  labExec,
  labUp,
  readLabInfo,
  typeStrippingNode,
} from './lab.ts';
import type { LabInfo, LabRouter } from './lab.ts';
import { LAB_PATH, run } from './run-command.ts';
import { nsPrefix } from './lab-plan.ts';

const NAME = 'ltest';
const lab = labFixture({ name: NAME, routers: 1, wans: 4 });
const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lab-cli.ts');
const snmpDir = mkdtempSync(path.join(tmpdir(), 'lab-snmp-'));
afterAll(() => rmSync(snmpDir, { recursive: true, force: true }));

function router(): LabRouter {
  const r = lab.info().routers[0];
  if (!r) throw new Error('lab has no router');
  return r;
}

function sshRun(config: ConnectConfig, command: string, expectedFingerprint: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = new ssh2.Client();
    conn
      .on('ready', () => {
        conn.exec(command, (err, stream) => {
          if (err) return reject(err);
          let out = '';
          stream.on('data', (d: Buffer) => (out += d.toString()));
          stream.stderr.on('data', () => undefined);
          stream.on('close', (code: number) => {
            conn.end();
            if (code === 0) resolve(out);
            else reject(new Error(`ssh command exited ${code}: ${command}`));
          });
        });
      })
      .on('error', reject)
      .connect({
        ...config,
        // The handshake forks sshd and does a key exchange: seconds on a loaded 2-core machine.
        readyTimeout: 60_000,
        hostVerifier: (key: Buffer) =>
          'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '') === expectedFingerprint,
      });
  });
}

function rootSsh(command: string): Promise<string> {
  const r = router();
  return sshRun(
    { host: r.ssh.host, port: r.ssh.port, username: 'root', privateKey: readFileSync(r.ssh.rootKeyPath) },
    command,
    r.ssh.hostKeyFingerprint,
  );
}

function snmpEnv(): NodeJS.ProcessEnv {
  return { PATH: LAB_PATH, SNMP_PERSISTENT_DIR: snmpDir, MIBS: '' };
}

async function snmpV2c(tool: 'snmpget' | 'snmpwalk', oid: string): Promise<string> {
  const r = router();
  const { stdout } = await run([tool, '-v2c', '-c', r.snmp.community, '-On', '-r', '1', '-t', '2', r.snmp.host, oid], {
    env: snmpEnv(),
  });
  return stdout;
}

type PingStats = { transmitted: number; received: number; avgMs: number | undefined };

// One probe by default; a lost one is given up on after 300 ms (everything here answers in < 5 ms).
async function ping(target: string, args: readonly string[] = ['-c', '1', '-W', '1']): Promise<PingStats> {
  const { stdout } = await labExec(NAME, 'lan', ['ping', '-n', '-q', ...args, target], { allowFailure: true });
  const counts = /(\d+) packets transmitted, (\d+) received/.exec(stdout);
  const rtt = /= [\d.]+\/([\d.]+)\//.exec(stdout);
  return { transmitted: Number(counts?.[1]), received: Number(counts?.[2]), avgMs: rtt ? Number(rtt[1]) : undefined };
}

async function httpMs(url: string): Promise<number | undefined> {
  const { stdout, exitCode } = await labExec(NAME, 'lan', ['httping', '-c', '1', '-i', '0.1', '-t', '2', url], { allowFailure: true });
  const m = /round-trip min\/avg\/max = [\d.]+\/([\d.]+)\//.exec(stdout);
  return exitCode === 0 && m ? Number(m[1]) : undefined;
}

async function linkFlags(ns: string, dev: string): Promise<string[]> {
  const { stdout } = await run(['ip', '-n', ns, '-j', 'link', 'show', 'dev', dev]);
  return (JSON.parse(stdout) as { flags: string[] }[])[0]?.flags ?? [];
}

function cli(args: readonly string[], asUid?: number): { status: number | null; stdout: string; stderr: string } {
  const argv = [typeStrippingNode(), CLI, ...args];
  const full = asUid === undefined ? argv : ['setpriv', `--reuid=${asUid}`, `--regid=${asUid}`, '--clear-groups', ...argv];
  const res = spawnSync(full[0] as string, full.slice(1), { encoding: 'utf8', env: { ...process.env, PATH: LAB_PATH } });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

// Each test runs many lab commands (a Node process each); on a busy 2-core machine that takes
// minutes, not the unit tests' 20 s. How fast impairments take effect is measured by
// measure-impairments.ts, not asserted here.
describe.skipIf(Boolean(lab.skipReason))('lab', { timeout: 300_000 }, () => {
  it('writes a lab file with everything a client needs', async () => {
    const info: LabInfo = await readLabInfo(NAME);
    expect(info.routers).toHaveLength(1);
    const r = router();
    expect(r.wans.map((w) => w.name)).toEqual(['eth1', 'wlan0', 'usb0', 'wwan0']);
    expect(r.ssh.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(r.ssh.hostKeyType).toBe('ssh-ed25519');
    expect(info.probeTargets.icmp.length).toBeGreaterThanOrEqual(3);
    console.log(`lab up (1 router, 4 uplinks) in ${lab.upMs()} ms`);
  });

  it('hands over a settled router: no IPv6 address still in duplicate address detection, every link-local route there', async () => {
    // Read at once, with no wait: a test that snapshots the router's state first thing must not
    // see it change by itself a second later (a tentative address losing its flag, its local route appearing).
    const r = router();
    const [addrs, routes] = await Promise.all([
      run(['ip', '-n', r.namespace, '-6', '-o', 'addr', 'show']),
      run(['ip', '-n', r.namespace, '-6', 'route', 'show', 'table', 'local']),
    ]);
    expect(addrs.stdout).not.toMatch(/tentative/);
    const linkLocals = [...addrs.stdout.matchAll(/inet6 (fe80::[0-9a-f:]+)\/64/g)].map((m) => m[1]);
    expect(linkLocals.length).toBe(1 + 1 + r.wans.length); // mgmt0, eth0 and every uplink
    for (const address of linkLocals) expect(routes.stdout).toContain(`local ${address} `);
    const lan = await run(['ip', '-n', r.lan.namespace, '-6', '-o', 'addr', 'show', 'tentative']);
    expect(lan.stdout).toBe('');
  });

  it('lets root in by key and the non-root user in by password, pinning the host key', async () => {
    expect((await rootSsh('hostname; id -un')).split('\n')).toEqual(['r01', 'root', '']);
    const r = router();
    const out = await sshRun(
      { host: r.ssh.host, port: r.ssh.port, username: r.ssh.user, password: r.ssh.password },
      'id -un',
      r.ssh.hostKeyFingerprint,
    );
    expect(out.trim()).toBe(r.ssh.user);
    await expect(
      sshRun({ host: r.ssh.host, username: r.ssh.user, password: 'wrong' }, 'true', r.ssh.hostKeyFingerprint),
    ).rejects.toThrow();
  });

  it('keeps install paths, the user and the hostname private to each router', async () => {
    await rootSsh(
      'echo lab > /etc/switchyard/marker && mkdir -p /usr/local/bin && touch /usr/local/bin/lab-marker ' +
        '/var/lib/switchyard/marker /tmp/lab-marker /run/lab-marker /opt/lab-marker',
    );
    for (const p of ['/etc/switchyard/marker', '/usr/local/bin/lab-marker', '/var/lib/switchyard/marker', '/tmp/lab-marker', '/run/lab-marker', '/opt/lab-marker']) {
      expect(existsSync(p), p).toBe(false);
    }
    const { stdout } = await labExec(NAME, 'r01', ['cat', '/etc/switchyard/marker']);
    expect(stdout).toBe('lab\n');
    expect(readFileSync('/etc/passwd', 'utf8')).not.toMatch(new RegExp(`^${router().ssh.user}:.*:/home/`, 'm'));
  });

  it('answers SNMP v2c and v3 with 64-bit IF-MIB counters for every uplink', async () => {
    await ping(lab.info().probeTargets.icmp[0] as string, ['-c', '3', '-i', '0.01', '-W', '1']);
    const names = await snmpV2c('snmpwalk', '.1.3.6.1.2.1.31.1.1.1.1');
    const r = router();
    for (const wan of r.wans) {
      const index = new RegExp(`\\.1\\.3\\.6\\.1\\.2\\.1\\.31\\.1\\.1\\.1\\.1\\.(\\d+) = STRING: "?${wan.name}"?`).exec(names)?.[1];
      expect(index, wan.name).toBeDefined();
      const value = await snmpV2c('snmpget', `.1.3.6.1.2.1.31.1.1.1.6.${index}`);
      const octets = /Counter64: (\d+)/.exec(value)?.[1];
      expect(octets, `${wan.name}: ${value}`).toBeDefined();
      if (wan.name === 'eth1') expect(Number(octets)).toBeGreaterThan(0);
    }
    const v3 = r.snmp.v3;
    const { stdout } = await run(
      ['snmpget', '-v3', '-l', 'authPriv', '-u', v3.user, '-a', 'SHA-256', '-A', v3.authKey, '-x', 'AES', '-X', v3.privKey,
        '-On', '-r', '1', '-t', '2', r.snmp.host, '.1.3.6.1.2.1.1.5.0'],
      { env: snmpEnv() },
    );
    expect(stdout).toContain('"r01"');
  });

  it('lets the LAN client reach every probe target over ICMP and HTTP through eth1', async () => {
    const info = lab.info();
    for (const target of info.probeTargets.icmp) expect((await ping(target)).received, target).toBe(1);
    for (const url of info.probeTargets.http) expect(await httpMs(url), url).toBeDefined();
    const { stdout } = await labExec(NAME, 'r01', ['ip', 'route', 'show', 'default']);
    expect(stdout.trim().split('\n')).toEqual([`default via ${router().wans[0]?.gateway} dev eth1`]);
  });

  it('answers the router’s own DNS lookups through its default uplink or any other, and not through a blackholed one', async () => {
    const dns = lab.info().dns!;
    expect(dns.server).toMatch(/^203\.0\.113\./);
    const lookup = (name: string) => labExec(NAME, 'r01', ['busybox', 'nslookup', name], { allowFailure: true });
    expect((await labExec(NAME, 'r01', ['cat', '/etc/resolv.conf'])).stdout).toBe(`nameserver ${dns.server}\n`);
    for (const [name, address] of Object.entries(dns.names)) {
      const r = await lookup(name);
      expect(r.stdout, name).toMatch(new RegExp(`Name:\\s+${name.replaceAll('.', '\\.')}\\nAddress:\\s+${address.replaceAll('.', '\\.')}\\n`));
    }
    // A name it does not know is NXDOMAIN (never forwarded: the lab has no way out).
    expect((await lookup('no-such-name.example')).stdout).toContain('NXDOMAIN');
    // Like a real resolver it answers ping; and the host's own resolv.conf is untouched.
    expect((await labExec(NAME, 'r01', ['ping', '-n', '-c', '1', '-W', '2', dns.server], { allowFailure: true })).exitCode).toBe(0);
    expect(readFileSync('/etc/resolv.conf', 'utf8')).not.toContain(dns.server);
    // Reachable through every uplink (a route of the test's own steers it), and not through one
    // that is blackholed beyond its gateway.
    for (const [i, wan] of router().wans.entries()) {
      if (i > 0) await labExec(NAME, 'r01', ['ip', 'route', 'add', `${dns.server}/32`, 'via', wan.gateway, 'dev', wan.name]);
      try {
        expect((await lookup('example.com')).exitCode, `${wan.name} healthy`).toBe(0);
        await impair(NAME, 'r01', wan.name, { kind: 'blackhole' });
        const r = await lookup('example.com');
        expect(r.exitCode, `${wan.name} blackholed`).not.toBe(0);
        expect(r.stdout).toMatch(/timed out|no servers could be reached/);
      } finally {
        await impair(NAME, 'r01', wan.name, { kind: 'clear' });
        if (i > 0) await labExec(NAME, 'r01', ['ip', 'route', 'del', `${dns.server}/32`], { allowFailure: true });
      }
    }
    expect((await lookup('example.com')).exitCode).toBe(0);
  });

  it('takes every uplink down and up (carrier loss on the router side)', async () => {
    const r = router();
    const target = lab.info().probeTargets.icmp[0] as string;
    for (const wan of r.wans) {
      await impair(NAME, 'r01', wan.name, { kind: 'down' });
      expect(await linkFlags(r.namespace, wan.name)).toContain('NO-CARRIER');
      if (wan.name === 'eth1') expect((await ping(target)).received).toBe(0);
      await impair(NAME, 'r01', wan.name, { kind: 'up' });
      expect(await linkFlags(r.namespace, wan.name)).toContain('LOWER_UP');
    }
    expect((await ping(target)).received).toBe(1);
  });

  it('blackholes the probe targets through each uplink while the link and gateway stay up', async () => {
    const r = router();
    const targets = lab.info().probeTargets.icmp;
    // Steer one target through each non-default uplink so every ISP path is exercised.
    for (const [i, wan] of r.wans.entries()) {
      if (i > 0) await labExec(NAME, 'r01', ['ip', 'route', 'add', `${targets[i]}/32`, 'via', wan.gateway, 'dev', wan.name]);
    }
    try {
      for (const [i, wan] of r.wans.entries()) {
        const target = targets[i] as string;
        expect((await ping(target)).received, `${wan.name} before`).toBe(1);
        await impair(NAME, 'r01', wan.name, { kind: 'blackhole' });
        expect((await ping(target)).received, `${wan.name} blackholed`).toBe(0);
        expect(await linkFlags(r.namespace, wan.name)).toContain('LOWER_UP');
        const gw = await labExec(NAME, 'r01', ['ping', '-n', '-c', '1', '-W', '1', wan.gateway], { allowFailure: true });
        expect(gw.exitCode, `${wan.name} gateway`).toBe(0);
        await impair(NAME, 'r01', wan.name, { kind: 'clear' });
        expect((await ping(target)).received, `${wan.name} cleared`).toBe(1);
      }
    } finally {
      for (const [i] of r.wans.entries()) {
        if (i > 0) await labExec(NAME, 'r01', ['ip', 'route', 'del', `${targets[i]}/32`], { allowFailure: true });
      }
    }
  });

  it('drops a random share of packets with --loss and clears it', async () => {
    const target = lab.info().probeTargets.icmp[0] as string;
    await impair(NAME, 'r01', 'eth1', { kind: 'loss', lossPct: 100 });
    expect((await ping(target, ['-c', '5', '-i', '0.01', '-W', '1'])).received).toBe(0);
    await impair(NAME, 'r01', 'eth1', { kind: 'loss', lossPct: 40 });
    const stats = await ping(target, ['-c', '200', '-i', '0.005', '-W', '1']);
    const lossPct = 100 * (1 - stats.received / stats.transmitted);
    expect(lossPct).toBeGreaterThan(25);
    expect(lossPct).toBeLessThan(55);
    await impair(NAME, 'r01', 'eth1', { kind: 'clear' });
    expect((await ping(target, ['-c', '20', '-i', '0.005', '-W', '1'])).received).toBe(20);
  });

  it('adds latency to ICMP and HTTP probe targets with --latency and clears it', async () => {
    const info = lab.info();
    const target = info.probeTargets.icmp[0] as string;
    const url = info.probeTargets.http[0] as string;
    await impair(NAME, 'r01', 'eth1', { kind: 'latency', latencyMs: 150 });
    const slowPingMs = Number((await ping(target, ['-c', '3', '-i', '0.05', '-W', '2'])).avgMs);
    expect(slowPingMs).toBeGreaterThanOrEqual(150);
    const slowHttpMs = Number(await httpMs(url));
    expect(slowHttpMs).toBeGreaterThanOrEqual(150);
    await impair(NAME, 'r01', 'eth1', { kind: 'clear' });
    // The added delay is gone: what is left is the machine's own latency, whatever its load.
    expect((await ping(target, ['-c', '1', '-W', '2'])).avgMs).toBeLessThan(slowPingMs - 100);
    expect(await httpMs(url)).toBeLessThan(slowHttpMs - 100);
  });

  it('refuses bad input with a clear error, a non-zero exit and nothing made', async () => {
    await expect(impair(NAME, 'r09', 'eth1', { kind: 'down' })).rejects.toThrow(LabInputError);
    await expect(impair(NAME, 'r01', 'eth9', { kind: 'down' })).rejects.toThrow(/no uplink "eth9"/);
    await expect(labUp({ name: NAME })).rejects.toThrow(LabStateError);
    expect(await rootSsh('hostname')).toBe('r01\n'); // the refused second `up` left the lab alone

    const cases: [readonly string[], number, RegExp][] = [
      [['impair', 'r99', 'eth1', '--down', '--name', NAME], 2, /unknown router "r99"/],
      [['impair', 'r01', 'eth1', '--loss', 'lots', '--name', NAME], 2, /--loss needs a number/],
      [['impair', 'r01', 'eth1', '--down', '--blackhole', '--name', NAME], 2, /exactly one/],
      [['up', '--routers', '0', '--name', 'ltbad'], 2, /--routers/],
      [['up', '--wans', '5', '--name', 'ltbad'], 2, /--wans/],
      [['up', '--name', NAME], 1, /already up/],
      [['frobnicate'], 2, /unknown command/],
    ];
    for (const [args, status, message] of cases) {
      const res = cli(args);
      expect(res.status, args.join(' ')).toBe(status);
      expect(res.stderr, args.join(' ')).toMatch(message);
    }
    expect(existsSync(labDirOf('ltbad'))).toBe(false);
    const notRoot = cli(['up', '--name', 'ltbad'], 65534);
    expect(notRoot.status).not.toBe(0);
    expect(notRoot.stderr).toMatch(/needs root/);
    expect(existsSync(labDirOf('ltbad'))).toBe(false);

    const exec = cli(['exec', '--name', NAME, 'r01', '--', 'hostname']);
    expect([exec.status, exec.stdout]).toEqual([0, 'r01\n']);
    expect(cli(['exec', '--name', NAME, 'r01', '--', 'false']).status).toBe(1);
  });

  it('removes every namespace, link, process and file on down, even after a crash', async () => {
    const name = 'ltdown';
    await labDown(name);
    const before = await traces(name);
    const info = await labUp({ name, routers: 2, wans: 2 });
    const namespaceInodes = new Set(
      readdirSync('/run/netns').filter((n) => n.startsWith(nsPrefix(name))).map((n) => inodeOf(`/run/netns/${n}`)),
    );
    expect(namespaceInodes.size).toBe(1 + 2 * (1 + 1 + 2));
    expect((await traces(name)).processes.length).toBeGreaterThan(0);
    // A crash: the lab file and a responder gone, the state half there.
    rmSync(info.labFile);
    await labExec(name, 'inet', ['true']).catch(() => undefined);
    const report = await labDown(name);
    expect(report.namespaces.length).toBe(namespaceInodes.size);
    expect(await traces(name)).toEqual(before);
    expect(processesInNamespaces(namespaceInodes)).toEqual([]);
    expect(existsSync(info.labDir)).toBe(false);
    const again = await labDown(name);
    expect([again.namespaces.length, again.killedPids.length, again.removedDir]).toEqual([0, 0, false]);
  });
});

// What a lab named `name` leaves visible on the host: namespaces, links, and processes whose
// command line names its state dir (sshd, snmpd, the routers' init, the responders).
async function traces(name: string): Promise<{ netns: string[]; links: string[]; processes: string[] }> {
  const prefix = nsPrefix(name);
  const { stdout: ns } = await run(['ip', 'netns', 'list']);
  const { stdout: links } = await run(['ip', '-o', 'link', 'show']);
  const dir = labDirOf(name);
  const processes: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.includes(dir)) processes.push(`${pid} ${cmd}`);
    } catch {
      // exited while we looked
    }
  }
  return {
    netns: ns.split('\n').filter((l) => l.startsWith(prefix)),
    links: links.split('\n').map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '').filter((l) => l.startsWith(prefix)),
    processes,
  };
}

function inodeOf(file: string): string {
  return String(spawnSync('stat', ['-L', '-c', '%i', file], { encoding: 'utf8' }).stdout.trim());
}

// Processes still living in any of the given network namespaces (by nsfs inode).
function processesInNamespaces(inodes: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const m = /net:\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/net`));
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (m?.[1] && inodes.has(m[1]) && !/^State:\s+Z/m.test(status)) found.push(pid);
    } catch {
      // exited while we looked
    }
  }
  return found;
}
