// A small namespace topology for the agent's own tests: a router with three uplinks to three
// ISPs that NAT into one "internet" with probe targets, and a LAN client. test/lab replaces it.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type ExecResult = { readonly code: number; readonly stdout: string; readonly stderr: string };

export type Uplink = {
  readonly index: number;
  readonly device: string;
  readonly isp: string;
  readonly address: string;
  readonly gateway: string;
  /** Targets reachable only through this uplink's ISP path (one pair per uplink). */
  readonly targets: readonly string[];
  /** The ISP's address as the internet sees it (after the ISP's NAT). */
  readonly publicAddress: string;
};

export type AgentTopology = {
  readonly prefix: string;
  readonly router: string;
  readonly lan: string;
  readonly internet: string;
  readonly lanClient: string;
  readonly server: string;
  readonly uplinks: readonly Uplink[];
  readonly workDir: string;
  exec: (ns: string, argv: readonly string[], opts?: ExecOptions) => Promise<ExecResult>;
  sh: (ns: string, script: string, opts?: ExecOptions) => Promise<ExecResult>;
  blackhole: (uplink: number, on: boolean) => Promise<void>;
  randomLoss: (uplink: number, pct: number) => Promise<void>;
  destroy: () => Promise<void>;
};

export type ExecOptions = { readonly env?: Readonly<Record<string, string>>; readonly timeoutMs?: number; readonly input?: string };

const DEVICES = ['eth1', 'wlan0', 'usb0'] as const;

export function run(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = execFile(
      argv[0] as string,
      argv.slice(1),
      { env: { ...process.env, ...opts.env }, timeout: opts.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

async function must(argv: readonly string[]): Promise<string> {
  const r = await run(argv);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** Why the topology cannot be built here, or null when it can (root, ip netns, nft). */
export async function topologyUnavailableReason(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'needs root for network namespaces';
  for (const tool of ['ip', 'nft', 'dash', 'busybox', 'ping', 'conntrack']) {
    const r = await run(['sh', '-c', `command -v ${tool}`]);
    if (r.code !== 0) return `${tool} is not installed`;
  }
  const probe = `${runPrefix()}probe`;
  const r = await run(['ip', 'netns', 'add', probe]);
  if (r.code !== 0) return `cannot create network namespaces: ${r.stderr.trim()}`;
  await run(['ip', 'netns', 'del', probe]);
  return null;
}

/**
 * The namespace prefix of this test run: `syag-` and the process id (base 36). Namespaces are
 * host-wide, so with one fixed prefix two runs at once (two checkouts, two engineers) would
 * each delete and rebuild the other's router mid-test. At most 11 characters, so a veth's
 * temporary name (prefix + one letter) stays within the kernel's 15.
 */
export function runPrefix(pid = process.pid): string {
  return `syag-${pid.toString(36)}-`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the namespaces of runs whose process is gone (a crash or a kill left them behind). */
export async function removeLeftovers(): Promise<void> {
  const names = (await run(['ip', 'netns', 'list'])).stdout.split('\n').map((line) => line.split(' ')[0] ?? '');
  for (const ns of names) {
    const owner = /^syag-([0-9a-z]+)-/.exec(ns)?.[1];
    if (owner === undefined || processAlive(parseInt(owner, 36))) continue;
    await killNamespaceProcesses(ns);
    await run(['ip', 'netns', 'del', ns]);
  }
}

async function killNamespaceProcesses(ns: string): Promise<void> {
  const pids = await run(['ip', 'netns', 'pids', ns]);
  for (const pid of pids.stdout.split(/\s+/).filter((p) => /^\d+$/.test(p))) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export async function createTopology(prefix = runPrefix()): Promise<AgentTopology> {
  const router = `${prefix}r`;
  const lan = `${prefix}lan`;
  const internet = `${prefix}net`;
  const isps = [1, 2, 3].map((k) => `${prefix}i${k}`);
  const all = [router, lan, internet, ...isps];
  const workDir = mkdtempSync(join(tmpdir(), `${prefix}work-`));
  const children: ChildProcess[] = [];

  const exec = (ns: string, argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> =>
    run(['ip', 'netns', 'exec', ns, ...argv], opts);
  const sh = (ns: string, script: string, opts?: ExecOptions): Promise<ExecResult> =>
    exec(ns, ['sh', '-c', script], opts);
  const nsMust = async (ns: string, script: string): Promise<void> => {
    const r = await sh(ns, `set -e\n${script}`);
    if (r.code !== 0) throw new Error(`[${ns}] ${script}\n${r.stderr}`);
  };

  // Leftovers of an interrupted run: this run's own names (an earlier topology of this
  // process) would make every step below fail; other dead runs' only take space.
  await removeLeftovers();
  for (const ns of all) await run(['ip', 'netns', 'del', ns]);
  for (const ns of all) await must(['ip', 'netns', 'add', ns]);

  const veth = async (a: string, aDev: string, b: string, bDev: string): Promise<void> => {
    await must(['ip', 'link', 'add', `${prefix}a`, 'netns', a, 'type', 'veth', 'peer', 'name', `${prefix}b`, 'netns', b]);
    await nsMust(a, `ip link set ${prefix}a name ${aDev}; ip link set ${aDev} up`);
    await nsMust(b, `ip link set ${prefix}b name ${bDev}; ip link set ${bDev} up`);
  };

  const uplinks: Uplink[] = [];
  for (let k = 1; k <= 3; k++) {
    const isp = isps[k - 1] as string;
    const device = DEVICES[k - 1] as string;
    await veth(router, device, isp, 'down0');
    await veth(isp, 'up0', internet, `isp${k}`);
    const base = 8 * k;
    await nsMust(isp, [
      'ip link set lo up',
      `ip addr add 100.64.${k}.1/24 dev down0`,
      `ip addr add 198.51.100.${base + 2}/29 dev up0`,
      `ip route add default via 198.51.100.${base + 1}`,
      'sysctl -qw net.ipv4.ip_forward=1',
      `nft add table ip nat`,
      `nft 'add chain ip nat post { type nat hook postrouting priority 100; }'`,
      `nft add rule ip nat post oifname up0 masquerade`,
    ].join('\n'));
    await nsMust(internet, `ip addr add 198.51.100.${base + 1}/29 dev isp${k}`);
    uplinks.push({
      index: k,
      device,
      isp,
      address: `100.64.${k}.2`,
      gateway: `100.64.${k}.1`,
      targets: [`203.0.113.${k}`, `203.0.113.${10 + k}`],
      publicAddress: `198.51.100.${base + 2}`,
    });
  }
  await veth(router, 'lan0', lan, 'eth0');
  await nsMust(internet, [
    'ip link set lo up',
    // No dummy module on every kernel: the targets live on lo.
    ...[1, 2, 3, 11, 12, 13, 100].map((h) => `ip addr add 203.0.113.${h}/32 dev lo`),
  ].join('\n'));
  await nsMust(router, [
    'ip link set lo up',
    ...uplinks.map((u) => `ip addr add ${u.address}/24 dev ${u.device}`),
    'ip addr add 192.0.2.1/24 dev lan0',
    'sysctl -qw net.ipv4.ip_forward=1',
    'nft add table ip nat',
    `nft 'add chain ip nat post { type nat hook postrouting priority 100; }'`,
    `nft add rule ip nat post oifname '{ eth1, wlan0, usb0 }' masquerade`,
    // The router's state before Switchyard: one DHCP-style default route.
    'ip route add default via 100.64.1.1 dev eth1 proto static metric 5',
  ].join('\n'));
  await nsMust(lan, ['ip link set lo up', 'ip addr add 192.0.2.10/24 dev eth0', 'ip route add default via 192.0.2.1'].join('\n'));

  // HTTP on the targets (httping) and a TCP server that answers with the client's address.
  const www = join(workDir, 'www');
  mkdirSync(www, { recursive: true });
  writeFileSync(join(www, 'index.html'), 'ok\n');
  const httpd = spawn('ip', ['netns', 'exec', internet, 'busybox', 'httpd', '-f', '-p', '80', '-h', www], { stdio: 'ignore' });
  children.push(httpd);

  const blackholes = new Set<number>();
  const destroy = async (): Promise<void> => {
    for (const child of children) child.kill('SIGTERM');
    // Anything still running inside our namespaces was started by this test.
    for (const ns of all) await killNamespaceProcesses(ns);
    for (const ns of all) await run(['ip', 'netns', 'del', ns]);
    rmSync(workDir, { recursive: true, force: true });
  };

  const topo: AgentTopology = {
    prefix,
    router,
    lan,
    internet,
    lanClient: '192.0.2.10',
    server: '203.0.113.100',
    uplinks,
    workDir,
    exec,
    sh,
    blackhole: async (k, on) => {
      const isp = isps[k - 1] as string;
      if (on && !blackholes.has(k)) {
        await nsMust(isp, [
          'nft add table inet syag_bh',
          `nft 'add chain inet syag_bh f { type filter hook forward priority 0; }'`,
          'nft add rule inet syag_bh f ip daddr 203.0.113.0/24 drop',
        ].join('\n'));
        blackholes.add(k);
      } else if (!on && blackholes.has(k)) {
        await nsMust(isp, 'nft delete table inet syag_bh');
        blackholes.delete(k);
      }
    },
    randomLoss: async (k, pct) => {
      const isp = isps[k - 1] as string;
      await sh(isp, 'nft delete table inet syag_loss');
      if (pct <= 0) return;
      await nsMust(isp, [
        'nft add table inet syag_loss',
        `nft 'add chain inet syag_loss f { type filter hook forward priority 0; }'`,
        `nft add rule inet syag_loss f numgen random mod 100 '<' ${pct} drop`,
      ].join('\n'));
    },
    destroy,
  };
  return topo;
}
