// The lab's API for tests, benchmarks, the demo and the CLI: build real routers out of Linux
// namespaces (labUp), impair their uplinks, run commands inside, and remove every trace (labDown).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { link, mkdir, readFile, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_LAB_NAME,
  LAB_DNS_NAMES,
  LAB_DNS_SERVER,
  LabInputError,
  PROBE_TARGETS,
  allocateMgmtPairs,
  fingerprintOfPublicKey,
  hostIfPrefix,
  labCommand,
  labTag,
  nsPrefix,
  planLab,
  validateLabName,
  validateLabOptions,
} from './lab-plan.ts';
import type { LabOptions, LabPlan, RouterPlan } from './lab-plan.ts';
import {
  NO_IMPAIRMENT,
  delayTableSchema,
  impairmentStateSchema,
  labInfoSchema,
} from './lab-schema.ts';
import type {
  DelayTable,
  Impairment,
  ImpairmentState,
  LabInfo,
  LabRouter,
  LabWan,
  WanImpairment,
} from './lab-schema.ts';
import { mapLimit, run, sleep } from './run-command.ts';
import type { RunOptions, RunResult } from './run-command.ts';
import { busyDeadlineMs, waitUntil } from './wait-until.ts';

export { LabInputError } from './lab-plan.ts';
export { LabCommandError } from './run-command.ts';
export type { Impairment, LabInfo, LabRouter, LabWan, WanImpairment } from './lab-schema.ts';

// The lab's own state is wrong for what was asked (already up, not up, a process died).
export class LabStateError extends Error {
  override name = 'LabStateError';
}
// The machine cannot build a lab at all (not root, a tool missing).
export class LabPrerequisiteError extends Error {
  override name = 'LabPrerequisiteError';
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROUTER_BOOT_SCRIPT = path.join(HERE, 'router-boot.sh');
const HTTP_RESPONDER = path.join(HERE, 'probe-target-http.ts');
const ICMP_RESPONDER = path.join(HERE, 'probe-target-icmp.py');
const PYTHON = '/usr/bin/python3';

// A Node that runs .ts directly (type stripping, Node >= 23.6): this one, or the project's
// pinned Node when this process is an older system Node (vitest started without npm run).
export function typeStrippingNode(): string {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major > 23 || (major === 23 && minor >= 6)) return process.execPath;
  const pinned = path.resolve(HERE, '../../node_modules/node/bin/node');
  if (isExecutable(pinned)) return pinned;
  throw new LabPrerequisiteError(`Node ${process.versions.node} cannot run TypeScript and ${pinned} is missing (npm ci)`);
}
const NON_ROOT_USER = 'tech';
const SNMP_V3_USER = 'switchyard';
const BUILD_CONCURRENCY = 4;
// Deadlines for the lab's own daemons to start and to answer: they cost nothing when things are
// quick, and on a 2-core CI box shared with other jobs a Node or Python start alone can take
// seconds, so they scale with the tests' busy-machine deadline rather than a quiet machine's.
const ROUTER_BOOT_TIMEOUT_MS = busyDeadlineMs;
const RESPONDER_ACK_TIMEOUT_MS = busyDeadlineMs;
const INTERNET_START_TIMEOUT_MS = busyDeadlineMs;

// Tools the lab runs itself, and tools the issue promises inside every router.
const REQUIRED_TOOLS = [
  'ip', 'nft', 'sysctl', 'unshare', 'nsenter', 'perl', 'useradd', 'chpasswd', 'ssh-keygen', 'sshd', 'snmpd',
  'conntrack', 'ping', 'httping', 'arping', 'busybox', 'tc', 'dnsmasq',
] as const;
const TOOL_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export function labRoot(): string {
  const root = process.env['SWITCHYARD_LAB_DIR'] ?? '/run/switchyard-lab';
  const tag = labTag();
  return tag ? path.join(root, `tag-${tag}`) : root;
}
export function labDirOf(name: string = DEFAULT_LAB_NAME): string {
  return path.join(labRoot(), validateLabName(name));
}
export function labFileOf(name: string = DEFAULT_LAB_NAME): string {
  return path.join(labDirOf(name), 'lab.json');
}

// Why this machine cannot run the lab, or undefined when it can. Synchronous so a test file can
// decide to skip while vitest collects it.
export function labSkipReason(): string | undefined {
  if (process.platform !== 'linux') return `the lab needs Linux network namespaces (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'the lab needs root (network namespaces, mounts); run as root as CI does';
  const missing = REQUIRED_TOOLS.filter((tool) => !TOOL_DIRS.some((dir) => isExecutable(path.join(dir, tool))));
  if (!isExecutable(PYTHON)) missing.push('python3' as never);
  if (missing.length > 0) return `missing tools: ${missing.join(', ')} (see test/lab/README.md for the apt packages)`;
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function assertPrerequisites(): void {
  const reason = labSkipReason();
  if (reason) throw new LabPrerequisiteError(`cannot run the lab: ${reason}`);
}

export type LabUpOptions = Partial<LabOptions>;

export async function labUp(input: LabUpOptions = {}): Promise<LabInfo> {
  const opts = validateLabOptions(input);
  assertPrerequisites();
  let info: LabInfo;
  const releaseLock = await acquireLock();
  try {
    const leftovers = await findLabTraces(opts.name);
    if (leftovers.length > 0) {
      throw new LabStateError(
        `lab "${opts.name}" is already up or was left behind (${leftovers.slice(0, 3).join(', ')}` +
          `${leftovers.length > 3 ? ', …' : ''}); run \`${labCommand(`down --name ${opts.name}`)}\` first`,
      );
    }
    const plan = planLab(opts, allocateMgmtPairs(opts.routers, await hostAddressesInMgmtRange()));
    info = await undoneOnFailure(opts.name, () => buildLab(plan));
  } finally {
    await releaseLock();
  }
  // Outside the host-wide lock: the other checkouts' `up` need not wait for this lab's DAD.
  await undoneOnFailure(opts.name, () => waitForSettledAddresses(info));
  return info;
}

// Nothing half-made stays behind: a failed up is undone by the same code as `down`.
async function undoneOnFailure<T>(name: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    await teardown(name).catch(() => undefined);
    throw err;
  }
}

/**
 * Waits until no IPv6 address of a router or its LAN client is still `tentative`. The kernel runs
 * duplicate address detection on every link-local address for 1–2 s after its link comes up
 * (a random delay up to rtr_solicit_delay, then one probe and retrans_time); until it ends, `ip
 * addr` shows the address `tentative` and its `local fe80::…` route is missing. A test that read
 * the router's state then and compared it later saw a change nobody made (the troubleshoot
 * test failed that way once in CI). The lab keeps DAD on, as real routers do, so what Switchyard
 * reads right after a link comes up stays real; `up` hands over a router that has settled, like
 * one that has been running for a while.
 */
async function waitForSettledAddresses(info: LabInfo): Promise<void> {
  const namespaces = info.routers.flatMap((r) => [r.namespace, r.lan.namespace]);
  await Promise.all(
    namespaces.map(async (ns) => {
      const tentative = () => run(['ip', '-n', ns, '-6', '-o', 'addr', 'show', 'tentative']).then((r) => r.stdout.trim());
      await waitUntil(tentative, (lines) => lines === '', { what: `IPv6 duplicate address detection to end in ${ns} (ip -6 addr show tentative)`, pollMs: 100 }).catch((err: unknown) => {
        throw new LabStateError(err instanceof Error ? err.message : String(err));
      });
    }),
  );
}

/**
 * The lock that serialises `up`: one for the whole host, like the management addresses it
 * guards. Not under labRoot(): each lab tag (and each SWITCHYARD_LAB_DIR) has a root of its
 * own, and two checkouts bringing labs up at once under different tags both read the host's
 * addresses before either added its own, took the same pair, and each reached the other's
 * router (host key refused, or the wrong router answered).
 */
export const hostUpLockFile = '/run/switchyard-lab-up.lock';

/** How long `up` waits for other labs' `up` (every checkout on the host shares the lock). */
const lockWaitMs = 180_000;

// Serialises `up` across processes (management addresses are allocated host-wide).
async function acquireLock(): Promise<() => Promise<void>> {
  const lockFile = hostUpLockFile;
  // The lock appears with its holder's pid already in it (a hard link of a file written
  // first): created empty and written after, a waiter reading it in between took it for stale,
  // removed it, and both held the lock.
  const mine = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(mine, String(process.pid));
  try {
    const deadlineMs = Date.now() + lockWaitMs;
    while (Date.now() < deadlineMs) {
      try {
        await link(mine, lockFile);
        return async () => rm(lockFile, { force: true });
      } catch {
        const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
        if (holder && !pidAlive(holder)) await rm(lockFile, { force: true });
        else await sleep(100);
      }
    }
  } finally {
    await rm(mine, { force: true });
  }
  throw new LabStateError(`another lab is being brought up (lock ${lockFile}, held by pid ${(await readFile(lockFile, 'utf8').catch(() => '?')).trim()}); waited ${lockWaitMs / 1000} s`);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function findLabTraces(name: string): Promise<string[]> {
  const traces: string[] = (await listNetns()).filter((ns) => ns.startsWith(nsPrefix(name)));
  traces.push(...(await listHostLinks()).filter((link) => link.startsWith(hostIfPrefix(name))));
  if (existsSync(labDirOf(name))) traces.push(labDirOf(name));
  return traces;
}

async function listNetns(): Promise<string[]> {
  const { stdout } = await run(['ip', '-j', 'netns', 'list']);
  if (!stdout.trim()) return [];
  return (JSON.parse(stdout) as { name: string }[]).map((n) => n.name);
}

async function listHostLinks(): Promise<string[]> {
  const { stdout } = await run(['ip', '-j', 'link', 'show']);
  return (JSON.parse(stdout) as { ifname: string }[]).map((l) => l.ifname);
}

async function hostAddressesInMgmtRange(): Promise<string[]> {
  const { stdout } = await run(['ip', '-j', '-4', 'addr', 'show']);
  const links = JSON.parse(stdout) as { addr_info?: { local: string }[] }[];
  const addrs = links.flatMap((l) => (l.addr_info ?? []).map((a) => a.local));
  const { stdout: routes } = await run(['ip', '-j', '-4', 'route', 'show']);
  const dsts = (JSON.parse(routes) as { dst: string }[]).map((r) => r.dst.split('/')[0] ?? '');
  // A /31 route's destination is the host end; its router end is one above.
  const routeEnds = dsts.flatMap((d) => {
    const m = /^198\.51\.100\.(\d+)$/.exec(d);
    return m ? [d, `198.51.100.${Number(m[1]) + 1}`] : [];
  });
  return [...addrs, ...routeEnds].filter((a) => a.startsWith('198.51.100.'));
}

function secret(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

type LabSecrets = {
  readonly password: string;
  readonly community: string;
  readonly authKey: string;
  readonly privKey: string;
  readonly rootKeyPath: string;
};

async function buildLab(plan: LabPlan): Promise<LabInfo> {
  const labDir = labDirOf(plan.name);
  await mkdir(path.join(labDir, 'routers'), { recursive: true, mode: 0o700 });
  await mkdir(path.join(labDir, 'inet'), { recursive: true, mode: 0o700 });
  const rootKeyPath = path.join(labDir, 'id_ed25519');
  await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `switchyard-lab-${plan.name}`, '-f', rootKeyPath]);
  const secrets: LabSecrets = {
    password: secret(12),
    community: `lab-${secret(9)}`,
    authKey: secret(12),
    privKey: secret(12),
    rootKeyPath,
  };
  await buildInternet(plan, labDir);
  const routers = await mapLimit(plan.routers, BUILD_CONCURRENCY, (r) => buildRouter(plan, r, labDir, secrets));
  const info: LabInfo = {
    version: 1,
    name: plan.name,
    createdAtMs: Date.now(),
    labDir,
    labFile: labFileOf(plan.name),
    internet: { namespace: plan.internetNamespace },
    probeTargets: { icmp: [...PROBE_TARGETS], http: PROBE_TARGETS.map((t) => `http://${t}/`) },
    dns: { server: LAB_DNS_SERVER, names: { ...LAB_DNS_NAMES } },
    routers,
  };
  await writeJsonAtomic(info.labFile, labInfoSchema.parse(info), 0o600);
  await writeJsonAtomic(path.join(labDir, 'impairments.json'), {} satisfies ImpairmentState);
  return info;
}

async function writeJsonAtomic(file: string, value: unknown, mode = 0o644): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n', { mode });
  await rename(tmp, file);
}

function ipBatch(ns: string | undefined, lines: readonly string[]): Promise<RunResult> {
  const argv = ns ? ['ip', '-n', ns, '-batch', '-'] : ['ip', '-batch', '-'];
  return run(argv, { input: lines.join('\n') + '\n' });
}

function nsSysctl(ns: string, settings: readonly string[]): Promise<RunResult> {
  return run(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', ...settings]);
}

function nsNft(ns: string, ruleset: string): Promise<RunResult> {
  return run(['ip', 'netns', 'exec', ns, 'nft', '-f', '-'], { input: ruleset });
}

function inetPaths(labDir: string): { table: string; httpAck: string; icmpAck: string; dir: string } {
  const dir = path.join(labDir, 'inet');
  return {
    dir,
    table: path.join(dir, 'delays.json'),
    httpAck: path.join(dir, 'http.ack'),
    icmpAck: path.join(dir, 'icmp.ack'),
  };
}

async function buildInternet(plan: LabPlan, labDir: string): Promise<void> {
  const ns = plan.internetNamespace;
  await run(['ip', 'netns', 'add', ns]);
  await ipBatch(ns, ['link set lo up', ...[...PROBE_TARGETS, LAB_DNS_SERVER].map((t) => `addr add ${t}/32 dev lo`)]);
  // Echo replies come from probe-target-icmp.py so they can be delayed per uplink.
  await nsSysctl(ns, ['net.ipv4.icmp_echo_ignore_all=1']);
  const inet = inetPaths(labDir);
  await writeJsonAtomic(inet.table, { generation: 1, delayMsBySource: {} } satisfies DelayTable);
  startDetached(['ip', 'netns', 'exec', ns, typeStrippingNode(), HTTP_RESPONDER, inet.table, inet.httpAck], path.join(inet.dir, 'http.log'));
  startDetached(['ip', 'netns', 'exec', ns, PYTHON, ICMP_RESPONDER, inet.table, inet.icmpAck, ...PROBE_TARGETS, LAB_DNS_SERVER], path.join(inet.dir, 'icmp.log'));
  startDetached(['ip', 'netns', 'exec', ns, ...dnsServerArgv(inet.dir)], path.join(inet.dir, 'dns.log'));
  await waitForAcks(labDir, 1, INTERNET_START_TIMEOUT_MS);
  await waitForDnsServer(ns, path.join(inet.dir, 'dns.log'), INTERNET_START_TIMEOUT_MS);
}

// dnsmasq as the lab's resolver: only its own names (`--local=/#/`: anything else is NXDOMAIN,
// never forwarded: the lab has no way out), no hosts file or host config read, in the
// foreground so `down` finds it in the namespace like the responders; it logs every query.
export function dnsServerArgv(inetDir: string): string[] {
  return [
    '/usr/sbin/dnsmasq', '--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts',
    '--bind-interfaces', `--listen-address=${LAB_DNS_SERVER}`, `--pid-file=${path.join(inetDir, 'dnsmasq.pid')}`,
    '--log-facility=-', '--log-queries', '--local=/#/',
    ...Object.entries(LAB_DNS_NAMES).map(([name, address]) => `--host-record=${name},${address}`),
  ];
}

// Ready when its UDP socket is bound (ss in the namespace); its log says why when it is not.
async function waitForDnsServer(ns: string, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { stdout } = await run(['ip', 'netns', 'exec', ns, 'ss', '-Hlnu', 'src', `${LAB_DNS_SERVER}:53`], { allowFailure: true });
    if (stdout.trim()) return;
    if (Date.now() > deadline) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      throw new LabStateError(`the lab's DNS server (dnsmasq on ${LAB_DNS_SERVER}) did not start:\n${log.trim()}`);
    }
    await sleep(20);
  }
}

// Lab daemons outlive the process that started them (the CLI exits after `up`); `down` finds
// them again through their network namespace, not through a pid kept here.
function startDetached(argv: readonly string[], logFile: string): ReturnType<typeof spawn> {
  const [file, ...args] = argv;
  const log = openSync(logFile, 'a');
  const child = spawn(file as string, args, { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  child.unref();
  return child;
}

async function waitForAcks(labDir: string, generation: number, timeoutMs: number): Promise<void> {
  const inet = inetPaths(labDir);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const acks = await Promise.all([inet.httpAck, inet.icmpAck].map((f) => readFile(f, 'utf8').catch(() => '')));
    if (acks.every((a) => Number(a) >= generation)) return;
    if (Date.now() > deadline) {
      const logs = await Promise.all(
        ['http.log', 'icmp.log'].map(async (f) => `${f}: ${(await readFile(path.join(inet.dir, f), 'utf8').catch(() => '')).trim()}`),
      );
      throw new LabStateError(`probe-target responders did not pick up delay table ${generation}\n${logs.join('\n')}`);
    }
    await sleep(5);
  }
}

async function buildRouter(plan: LabPlan, r: RouterPlan, labDir: string, secrets: LabSecrets): Promise<LabRouter> {
  const inetNs = plan.internetNamespace;
  const hostLines = [`netns add ${r.namespace}`, `netns add ${r.lanNamespace}`];
  for (const w of r.wans) hostLines.push(`netns add ${w.ispNamespace}`);
  hostLines.push(
    `link add ${r.hostInterface} type veth peer name mgmt0 netns ${r.namespace}`,
    `link set ${r.hostInterface} addrgenmode none`,
    `addr add ${r.hostManagementAddress}/31 dev ${r.hostInterface}`,
    `link set ${r.hostInterface} up`,
    `link add eth0 netns ${r.namespace} type veth peer name eth0 netns ${r.lanNamespace}`,
  );
  for (const w of r.wans) {
    hostLines.push(
      `link add ${w.name} netns ${r.namespace} type veth peer name cpe0 netns ${w.ispNamespace}`,
      `link add up0 netns ${w.ispNamespace} type veth peer name ${w.internetInterface} netns ${inetNs}`,
    );
  }
  await ipBatch(undefined, hostLines);

  const [defaultWan] = r.wans;
  if (!defaultWan) throw new LabInputError('a router needs at least one uplink');
  const routerLines = [
    'link set lo up',
    `addr add ${r.managementAddress}/31 dev mgmt0`,
    'link set mgmt0 up',
    `addr add ${r.lanRouterAddress}/24 dev eth0`,
    'link set eth0 up',
    ...r.wans.flatMap((w) => [`addr add ${w.routerAddress}/${w.prefixLen} dev ${w.name}`, `link set ${w.name} up`]),
    // A plain Linux router: one default route, via eth1 only.
    `route add default via ${defaultWan.gateway} dev ${defaultWan.name}`,
  ];
  const wanList = r.wans.map((w) => `"${w.name}"`).join(', ');
  await Promise.all([
    ipBatch(r.namespace, routerLines),
    nsSysctl(r.namespace, [
      'net.ipv4.ip_forward=1',
      'net.ipv4.conf.all.rp_filter=2',
      'net.ipv4.conf.default.rp_filter=2',
    ]),
    nsNft(
      r.namespace,
      `table ip nat {\n  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n` +
        `    oifname { ${wanList} } masquerade\n  }\n}\n`,
    ),
    ipBatch(r.lanNamespace, [
      'link set lo up',
      `addr add ${r.lanClientAddress}/24 dev eth0`,
      'link set eth0 up',
      `route add default via ${r.lanRouterAddress}`,
    ]),
    ipBatch(
      inetNs,
      r.wans.flatMap((w) => [`addr add ${w.internetAddress}/30 dev ${w.internetInterface}`, `link set ${w.internetInterface} up`]),
    ),
    ...r.wans.flatMap((w) => [
      ipBatch(w.ispNamespace, [
        'link set lo up',
        `addr add ${w.gateway}/${w.prefixLen} dev cpe0`,
        'link set cpe0 up',
        `addr add ${w.ispPublicAddress}/30 dev up0`,
        'link set up0 up',
        `route add default via ${w.internetAddress}`,
      ]),
      nsSysctl(w.ispNamespace, ['net.ipv4.ip_forward=1']),
      nsNft(w.ispNamespace, ISP_RULESET),
    ]),
  ]);

  const stateDir = path.join(labDir, 'routers', r.name);
  const fsDir = path.join(labDir, 'routers', `${r.name}-fs`);
  await mkdir(path.join(stateDir, 'authorized_keys'), { recursive: true, mode: 0o700 });
  await mkdir(path.join(stateDir, 'snmp'), { recursive: true, mode: 0o700 });
  await mkdir(fsDir, { recursive: true, mode: 0o700 });
  const hostKeyPath = path.join(stateDir, 'ssh_host_ed25519_key');
  await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `${r.name}@switchyard-lab`, '-f', hostKeyPath]);
  const hostKey = fingerprintOfPublicKey(await readFile(`${hostKeyPath}.pub`, 'utf8'));
  await writeFile(path.join(stateDir, 'authorized_keys', 'root'), await readFile(`${secrets.rootKeyPath}.pub`), { mode: 0o600 });
  await writeFile(path.join(stateDir, 'sshd_config'), sshdConfig(stateDir, hostKeyPath), { mode: 0o600 });
  await writeFile(path.join(stateDir, 'snmpd.conf'), snmpdConfig(r, secrets), { mode: 0o600 });
  await writeFile(path.join(stateDir, 'chpasswd.in'), `${NON_ROOT_USER}:${secrets.password}\n`, { mode: 0o600 });

  await bootRouter(r, stateDir, fsDir);

  return {
    name: r.name,
    hostname: r.name,
    namespace: r.namespace,
    managementAddress: r.managementAddress,
    hostManagementAddress: r.hostManagementAddress,
    hostInterface: r.hostInterface,
    stateDir,
    ssh: {
      host: r.managementAddress,
      port: 22,
      rootUser: 'root',
      rootKeyPath: secrets.rootKeyPath,
      user: NON_ROOT_USER,
      password: secrets.password,
      hostKeyType: hostKey.type,
      hostKeyFingerprint: hostKey.fingerprint,
    },
    snmp: {
      host: r.managementAddress,
      port: 161,
      community: secrets.community,
      v3: { user: SNMP_V3_USER, authProtocol: 'sha256', authKey: secrets.authKey, privProtocol: 'aes', privKey: secrets.privKey },
    },
    wans: r.wans.map((w) => ({
      name: w.name,
      kind: w.kind,
      routerAddress: w.routerAddress,
      prefixLen: w.prefixLen,
      gateway: w.gateway,
      ispNamespace: w.ispNamespace,
      ispPublicAddress: w.ispPublicAddress,
    })),
    lan: {
      namespace: r.lanNamespace,
      interface: 'eth0',
      clientAddress: r.lanClientAddress,
      routerAddress: r.lanRouterAddress,
      prefixLen: 24,
    },
  };
}

// The ISP: NAT towards the internet, and an empty chain that impairments fill. Impairments act
// on forwarded traffic only, so the gateway itself keeps answering (a live modem, dead upstream).
const ISP_RULESET = `table inet isp {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "up0" masquerade
  }
  chain forward {
    type filter hook forward priority filter; policy accept;
    iifname "cpe0" jump impair
  }
  chain impair {
  }
}
`;

function sshdConfig(stateDir: string, hostKeyPath: string): string {
  return [
    'Port 22',
    `HostKey ${hostKeyPath}`,
    `PidFile ${path.join(stateDir, 'sshd.pid')}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication no',
    `AuthorizedKeysFile ${path.join(stateDir, 'authorized_keys')}/%u`,
    // PAM would pull in the host's session modules (systemd, loginuid) that make no sense here.
    'UsePAM no',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
    // The app opens one long-lived probe channel per uplink plus commands; tests open many.
    'MaxSessions 64',
    'MaxStartups 100:30:200',
    'Subsystem sftp /usr/lib/openssh/sftp-server',
    '',
  ].join('\n');
}

function snmpdConfig(r: RouterPlan, secrets: LabSecrets): string {
  return [
    `agentAddress udp:${r.managementAddress}:161`,
    `rocommunity ${secrets.community} default`,
    `createUser ${SNMP_V3_USER} SHA-256 ${secrets.authKey} AES ${secrets.privKey}`,
    `rouser ${SNMP_V3_USER} priv`,
    `sysName ${r.name}`,
    'sysLocation Switchyard lab',
    'sysContact lab@switchyard.invalid',
    '',
  ].join('\n');
}

async function bootRouter(r: RouterPlan, stateDir: string, fsDir: string): Promise<void> {
  const child = startDetached(
    [
      'ip', 'netns', 'exec', r.namespace,
      'unshare', '--mount', '--uts', '--pid', '--fork', '--mount-proc', '--propagation', 'private', '--',
      '/bin/sh', ROUTER_BOOT_SCRIPT, stateDir, fsDir, r.name, NON_ROOT_USER, LAB_DNS_SERVER,
    ],
    path.join(stateDir, 'boot.log'),
  );
  let exited = false;
  child.on('exit', () => (exited = true));
  const deadline = Date.now() + ROUTER_BOOT_TIMEOUT_MS;
  while (!existsSync(path.join(stateDir, 'ready'))) {
    if (exited || Date.now() > deadline) {
      const log = await readFile(path.join(stateDir, 'boot.log'), 'utf8').catch(() => '');
      throw new LabStateError(`router ${r.name} did not boot${exited ? '' : ' in time'}:\n${log.trim()}`);
    }
    await sleep(20);
  }
}

export type LabDownReport = {
  readonly name: string;
  readonly namespaces: readonly string[];
  readonly killedPids: readonly number[];
  readonly hostLinks: readonly string[];
  readonly removedDir: boolean;
};

// Removes everything a lab named `name` made, found by name (not by the lab file) so it also
// cleans up after a crash or a failed `up`. Doing it twice is fine.
export async function labDown(name: string = DEFAULT_LAB_NAME): Promise<LabDownReport> {
  validateLabName(name);
  assertPrerequisites();
  return teardown(name);
}

async function teardown(name: string): Promise<LabDownReport> {
  const namespaces = (await listNetns()).filter((ns) => ns.startsWith(nsPrefix(name)));
  const killedPids: number[] = [];
  for (let round = 0; round < 5; round++) {
    const pids = await pidsInNamespaces(namespaces);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        if (!killedPids.includes(pid)) killedPids.push(pid);
      } catch {
        // already gone
      }
    }
    await waitForExit(pids, 3_000);
  }
  if (namespaces.length > 0) {
    await run(['ip', '-force', '-batch', '-'], {
      input: namespaces.map((ns) => `netns del ${ns}`).join('\n') + '\n',
      allowFailure: true,
    });
  }
  // A host veth vanishes with its peer's namespace, but the kernel does that asynchronously.
  let hostLinks: string[] = [];
  for (let i = 0; i < 100; i++) {
    hostLinks = (await listHostLinks()).filter((l) => l.startsWith(hostIfPrefix(name)));
    if (hostLinks.length === 0) break;
    if (i === 50) {
      for (const link of hostLinks) await run(['ip', 'link', 'del', link], { allowFailure: true });
    }
    await sleep(20);
  }
  if (hostLinks.length > 0) throw new LabStateError(`could not remove host links: ${hostLinks.join(', ')}`);
  const dir = labDirOf(name);
  const removedDir = existsSync(dir);
  await rm(dir, { recursive: true, force: true });
  // The shared root goes too once the last lab is gone (rmdir refuses while anything is in it).
  await rmdir(labRoot()).catch(() => undefined);
  return { name, namespaces, killedPids, hostLinks: [], removedDir };
}

async function pidsInNamespaces(namespaces: readonly string[]): Promise<number[]> {
  const present = new Set(await listNetns());
  const pids = new Set<number>();
  for (const ns of namespaces) {
    if (!present.has(ns)) continue;
    const { stdout } = await run(['ip', 'netns', 'pids', ns], { allowFailure: true });
    for (const p of stdout.split(/\s+/)) if (/^\d+$/.test(p) && Number(p) !== process.pid) pids.add(Number(p));
  }
  return [...pids];
}

// Waits until the processes are gone; a zombie whose reaping is up to the host's init (its
// parent was killed too) counts as gone after a grace period.
async function waitForExit(pids: readonly number[], timeoutMs: number): Promise<void> {
  const startedMs = Date.now();
  const pending = (): boolean =>
    pids.some((pid) => existsSync(`/proc/${pid}`) && (Date.now() - startedMs < 1_000 || !isZombie(pid)));
  while (pending() && Date.now() - startedMs < timeoutMs) await sleep(20);
}

function isZombie(pid: number): boolean {
  try {
    // "State:\tZ (zombie)": killed but not yet reaped by a parent we do not own.
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}


export async function readLabInfo(name: string = DEFAULT_LAB_NAME): Promise<LabInfo> {
  const file = labFileOf(name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    const up = existsSync(labRoot()) ? readdirSync(labRoot()).filter((d) => existsSync(path.join(labRoot(), d, 'lab.json'))) : [];
    const others = up.length ? ` Labs up now: ${up.join(', ')} (pick one with --name).` : '';
    throw new LabStateError(`lab "${name}" is not up (no ${file}); run \`${labCommand(`up --name ${name}`)}\`.${others}`);
  }
  return labInfoSchema.parse(JSON.parse(text));
}

function findRouter(info: LabInfo, routerName: string): LabRouter {
  const router = info.routers.find((r) => r.name === routerName);
  if (!router) {
    throw new LabInputError(`unknown router "${routerName}"; lab "${info.name}" has ${info.routers.map((r) => r.name).join(', ')}`);
  }
  return router;
}

function findWan(router: LabRouter, wanName: string): LabWan {
  const wan = router.wans.find((w) => w.name === wanName);
  if (!wan) {
    throw new LabInputError(`router ${router.name} has no uplink "${wanName}"; it has ${router.wans.map((w) => w.name).join(', ')}`);
  }
  return wan;
}

export const MAX_LATENCY_MS = 10_000;

export function validateImpairment(impairment: Impairment): Impairment {
  switch (impairment.kind) {
    case 'loss':
      if (!Number.isFinite(impairment.lossPct) || impairment.lossPct < 0 || impairment.lossPct > 100) {
        throw new LabInputError(`--loss must be a percentage from 0 to 100, got ${impairment.lossPct}`);
      }
      return impairment;
    case 'latency':
      if (!Number.isInteger(impairment.latencyMs) || impairment.latencyMs < 0 || impairment.latencyMs > MAX_LATENCY_MS) {
        throw new LabInputError(`--latency must be whole milliseconds from 0 to ${MAX_LATENCY_MS}, got ${impairment.latencyMs}`);
      }
      return impairment;
    case 'down':
    case 'up':
    case 'blackhole':
    case 'clear':
      return impairment;
    default: {
      const never: never = impairment;
      throw new LabInputError(`unknown impairment ${JSON.stringify(never)}`);
    }
  }
}

export function nextImpairment(current: WanImpairment, impairment: Impairment): WanImpairment {
  switch (impairment.kind) {
    case 'down':
      return { ...current, down: true };
    case 'up':
      return { ...current, down: false };
    case 'blackhole':
      return { ...current, blackhole: true };
    case 'loss':
      return { ...current, lossPct: impairment.lossPct };
    case 'latency':
      return { ...current, latencyMs: impairment.latencyMs };
    case 'clear':
      return NO_IMPAIRMENT;
  }
}

// Applies one impairment to one uplink; resolves once it is in effect (link state and nft
// rules are synchronous; latency waits for both responders to acknowledge the new table).
export async function impair(
  name: string,
  routerName: string,
  wanName: string,
  impairment: Impairment,
): Promise<WanImpairment> {
  validateImpairment(impairment);
  const info = await readLabInfo(name);
  const router = findRouter(info, routerName);
  const wan = findWan(router, wanName);
  const stateFile = path.join(info.labDir, 'impairments.json');
  const state = impairmentStateSchema.parse(JSON.parse(await readFile(stateFile, 'utf8').catch(() => '{}')));
  const key = `${router.name}/${wan.name}`;
  const current = state[key] ?? NO_IMPAIRMENT;
  const next = nextImpairment(current, impairment);

  // Carrier loss as the router sees it: the ISP side goes down, the router's eth1 shows
  // NO-CARRIER and its own configuration is untouched (like an unplugged cable or dead modem).
  if (next.down !== current.down || impairment.kind === 'down' || impairment.kind === 'up' || impairment.kind === 'clear') {
    await run(['ip', '-n', wan.ispNamespace, 'link', 'set', 'cpe0', next.down ? 'down' : 'up']);
    if (!next.down) {
      // Like a modem coming back, announce the gateway: a router that tried to reach it while
      // the carrier was gone holds an INCOMPLETE neighbour entry and would otherwise queue
      // traffic for up to a second until its next ARP retry.
      await run(['ip', 'netns', 'exec', wan.ispNamespace, 'busybox', 'arping', '-q', '-U', '-c', '1', '-w', '1', '-I', 'cpe0', wan.gateway], {
        allowFailure: true,
      });
    }
  }
  const rules = [`flush chain inet isp impair`];
  if (next.blackhole) rules.push('add rule inet isp impair drop');
  // Basis points give loss to 0.01 %; numgen's modulus bounds the value, so 100 % is a plain drop.
  if (next.lossPct >= 100) rules.push('add rule inet isp impair drop');
  else if (next.lossPct > 0) {
    // The counter is the lab's own truth for a test: how many packets it really dropped.
    rules.push(`add rule inet isp impair numgen random mod 10000 < ${Math.round(next.lossPct * 100)} counter drop`);
  }
  await nsNft(wan.ispNamespace, rules.join('\n') + '\n');
  if (next.latencyMs !== current.latencyMs) await setLatency(info, wan.ispPublicAddress, next.latencyMs);

  state[key] = next;
  await writeJsonAtomic(stateFile, state);
  return next;
}

async function setLatency(info: LabInfo, source: string, latencyMs: number): Promise<void> {
  const inet = inetPaths(info.labDir);
  const table = delayTableSchema.parse(JSON.parse(await readFile(inet.table, 'utf8')));
  const delayMsBySource = { ...table.delayMsBySource };
  if (latencyMs > 0) delayMsBySource[source] = latencyMs;
  else delete delayMsBySource[source];
  const generation = table.generation + 1;
  await writeJsonAtomic(inet.table, { generation, delayMsBySource } satisfies DelayTable);
  await waitForAcks(info.labDir, generation, RESPONDER_ACK_TIMEOUT_MS);
}

// Where `exec` can run: a router (its network, mount, UTS and PID namespaces, as an SSH session
// sees it), a LAN client, an ISP, or the internet namespace.
export async function labExecArgv(name: string, target: string, argv: readonly string[]): Promise<string[]> {
  if (argv.length === 0) throw new LabInputError('exec needs a command after --');
  const info = await readLabInfo(name);
  if (target === 'inet') return ['ip', 'netns', 'exec', info.internet.namespace, ...argv];
  const lanMatch = /^(?:(r\d{2})-)?lan$/.exec(target);
  if (lanMatch) {
    const router = findRouter(info, lanMatch[1] ?? info.routers[0]?.name ?? '');
    return ['ip', 'netns', 'exec', router.lan.namespace, ...argv];
  }
  const ispMatch = /^(r\d{2})-(\w+)$/.exec(target);
  if (ispMatch) {
    const wan = findWan(findRouter(info, ispMatch[1] ?? ''), ispMatch[2] ?? '');
    return ['ip', 'netns', 'exec', wan.ispNamespace, ...argv];
  }
  const router = info.routers.find((r) => r.name === target);
  if (!router) {
    throw new LabInputError(
      `unknown exec target "${target}"; use a router (${info.routers.map((r) => r.name).join(', ')}), lan, rNN-lan, rNN-WAN (its ISP) or inet`,
    );
  }
  const initPid = await routerInitPid(router);
  return ['nsenter', `--target=${initPid}`, '--net', '--mount', '--uts', '--pid', '--wd=/', '--', ...argv];
}

export async function labExec(name: string, target: string, argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(await labExecArgv(name, target, argv), opts);
}

// The router's PID 1 (router-boot.sh, then the reaper) as the host numbers it: the process in
// the router's network namespace whose innermost PID is 1.
async function routerInitPid(router: LabRouter): Promise<number> {
  for (const pid of await pidsInNamespaces([router.namespace])) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const nspid = /^NSpid:\s+(.+)$/m.exec(status)?.[1]?.trim().split(/\s+/);
    if (nspid && nspid.length === 2 && nspid[1] === '1') return pid;
  }
  throw new LabStateError(`router ${router.name} is not running (no init process in ${router.namespace})`);
}

export type LabStatus =
  | { readonly name: string; readonly up: false; readonly leftovers: readonly string[] }
  | {
      readonly name: string;
      readonly up: true;
      readonly labFile: string;
      readonly responders: { readonly http: boolean; readonly icmp: boolean };
      readonly routers: readonly {
        readonly name: string;
        readonly namespace: string;
        readonly managementAddress: string;
        readonly sshd: boolean;
        readonly snmpd: boolean;
        readonly wans: readonly {
          readonly name: string;
          readonly operState: string;
          readonly impairment: WanImpairment;
        }[];
      }[];
    };

export async function labStatus(name: string = DEFAULT_LAB_NAME): Promise<LabStatus> {
  validateLabName(name);
  if (!existsSync(labFileOf(name))) return { name, up: false, leftovers: await findLabTraces(name) };
  const info = await readLabInfo(name);
  const state = impairmentStateSchema.parse(
    JSON.parse(await readFile(path.join(info.labDir, 'impairments.json'), 'utf8').catch(() => '{}')),
  );
  const inetCommands = await commandLinesInNamespace(info.internet.namespace);
  const routers = await mapLimit(info.routers, BUILD_CONCURRENCY, async (r) => {
    const commands = await commandLinesInNamespace(r.namespace);
    const { stdout } = await run(['ip', '-n', r.namespace, '-j', 'link', 'show'], { allowFailure: true });
    const links = stdout.trim() ? (JSON.parse(stdout) as { ifname: string; operstate: string }[]) : [];
    return {
      name: r.name,
      namespace: r.namespace,
      managementAddress: r.managementAddress,
      sshd: commands.some((c) => c.startsWith('sshd: ') || c.startsWith('/usr/sbin/sshd ')),
      snmpd: commands.some((c) => c.startsWith('/usr/sbin/snmpd ')),
      wans: r.wans.map((w) => ({
        name: w.name,
        operState: links.find((l) => l.ifname === w.name)?.operstate ?? 'MISSING',
        impairment: state[`${r.name}/${w.name}`] ?? NO_IMPAIRMENT,
      })),
    };
  });
  return {
    name,
    up: true,
    labFile: info.labFile,
    responders: {
      http: inetCommands.some((c) => c.includes(HTTP_RESPONDER)),
      icmp: inetCommands.some((c) => c.includes(ICMP_RESPONDER)),
    },
    routers,
  };
}

// Command lines (argv joined by spaces) of the processes in a namespace; comm is no use here
// (Node renames its main thread "MainThread").
async function commandLinesInNamespace(ns: string): Promise<string[]> {
  const pids = await pidsInNamespaces([ns]);
  return Promise.all(
    pids.map(async (pid) => (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ')),
  );
}

// Lab names present on this host (by namespace or state dir), for `status` with no lab named.
export async function listLabs(): Promise<string[]> {
  const names = new Set<string>();
  for (const ns of await listNetns()) {
    if (!ns.startsWith(nsPrefix(''))) continue;
    const m = /^([a-z][a-z0-9]*)-/.exec(ns.slice(nsPrefix('').length));
    if (m?.[1]) names.add(m[1]);
  }
  for (const entry of await readdir(labRoot()).catch(() => [] as string[])) {
    if (/^[a-z][a-z0-9]{0,6}$/.test(entry)) names.add(entry);
  }
  return [...names].sort();
}
