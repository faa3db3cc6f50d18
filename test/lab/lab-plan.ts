// Pure naming and addressing for a lab: which namespaces, interfaces and addresses it uses.
// No side effects, so it is unit-tested on any machine and `down` can recompute what `up` made.
import { createHash } from 'node:crypto';
import { WAN_NAMES } from './lab-schema.ts';
import type { WanKind, WanName } from './lab-schema.ts';

export const MAX_ROUTERS = 40;
export const MAX_WANS = 4;
export const DEFAULT_LAB_NAME = 'lab';
// "syl-" + name + "-mNN" must fit the kernel's 15-character interface names.
const LAB_NAME_PATTERN = /^[a-z][a-z0-9]{0,6}$/;

export const WAN_KIND_BY_NAME: Readonly<Record<WanName, WanKind>> = {
  eth1: 'ethernet',
  wlan0: 'repeater',
  usb0: 'tethering',
  wwan0: 'cellular',
};

// Probe targets live on the internet namespace's loopback; every one answers ICMP and HTTP.
export const PROBE_TARGETS = ['203.0.113.10', '203.0.113.11', '203.0.113.12', '203.0.113.13'] as const;

// The lab's DNS server (dnsmasq), also on the internet namespace's loopback: every router's
// resolv.conf names it, so the router's own lookups leave through whichever uplink carries its
// traffic, as an ISP's or a public resolver's would. It answers ping like a real resolver and
// knows only these names (anything else: NXDOMAIN); it has no upstream of its own.
export const LAB_DNS_SERVER = '203.0.113.53';
export const LAB_DNS_NAMES: Readonly<Record<string, string>> = { 'example.com': '203.0.113.10', 'targets.lab.example': '203.0.113.11' };

// Management /31 pairs come from 198.51.100.0/24, shared by every lab on the host (the only
// lab addresses the host itself sees). 192.0.2.0/24 is avoided: CI machines use it for eth0.
export const MGMT_PAIR_FIRST = 1;
export const MGMT_PAIR_LAST = 126;

export class LabInputError extends Error {
  override name = 'LabInputError';
}

export type LabOptions = {
  readonly name: string;
  readonly routers: number;
  readonly wans: number;
};

export function validateLabName(name: string): string {
  if (!LAB_NAME_PATTERN.test(name)) {
    throw new LabInputError(
      `invalid lab name "${name}": use 1-7 lowercase letters or digits, starting with a letter`,
    );
  }
  return name;
}

export function validateLabOptions(opts: Partial<LabOptions>): LabOptions {
  const name = validateLabName(opts.name ?? DEFAULT_LAB_NAME);
  const routers = opts.routers ?? 1;
  const wans = opts.wans ?? 4;
  if (!Number.isInteger(routers) || routers < 1 || routers > MAX_ROUTERS) {
    throw new LabInputError(`--routers must be an integer from 1 to ${MAX_ROUTERS}, got ${String(opts.routers)}`);
  }
  if (!Number.isInteger(wans) || wans < 1 || wans > MAX_WANS) {
    throw new LabInputError(`--wans must be an integer from 1 to ${MAX_WANS}, got ${String(opts.wans)}`);
  }
  return { name, routers, wans };
}

// SWITCHYARD_LAB_TAG (one letter other than "l") keeps the labs of several checkouts on one
// machine apart: the same test file run from two worktrees at once builds two labs, not one.
// "sy" + tag is as long as "syl", so the 15-character interface names still fit.
export function labTag(): string | undefined {
  const tag = process.env['SWITCHYARD_LAB_TAG'];
  if (tag === undefined || tag === '') return undefined;
  if (!/^[a-km-z]$/.test(tag)) throw new LabInputError(`SWITCHYARD_LAB_TAG must be one lowercase letter other than "l", got "${tag}"`);
  return tag;
}

/** The lab command line as this shell must type it: with the tag this process runs under, if any. */
export function labCommand(args: string): string {
  const tag = labTag();
  return `${tag ? `SWITCHYARD_LAB_TAG=${tag} ` : ''}npm run lab -- ${args}`;
}

function labPrefix(): string {
  const tag = labTag();
  return tag ? `sy${tag}-` : 'syl-';
}

export function nsPrefix(labName: string): string {
  return `${labPrefix()}${labName}-`;
}

export function hostIfPrefix(labName: string): string {
  return `${labPrefix()}${labName}-m`;
}

export function routerName(index: number): string {
  return `r${String(index).padStart(2, '0')}`;
}

export function routerIndexOf(name: string): number | undefined {
  const m = /^r(\d{2})$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export type WanPlan = {
  readonly name: WanName;
  readonly kind: WanKind;
  readonly ispNamespace: string;
  readonly routerAddress: string;
  readonly gateway: string;
  readonly prefixLen: number;
  readonly ispPublicAddress: string;
  readonly internetAddress: string;
  // The ISP's veth end inside the shared internet namespace.
  readonly internetInterface: string;
};

export type RouterPlan = {
  readonly index: number;
  readonly name: string;
  readonly namespace: string;
  readonly lanNamespace: string;
  readonly hostInterface: string;
  readonly hostManagementAddress: string;
  readonly managementAddress: string;
  readonly lanRouterAddress: string;
  readonly lanClientAddress: string;
  readonly wans: readonly WanPlan[];
};

export type LabPlan = {
  readonly name: string;
  readonly internetNamespace: string;
  readonly routers: readonly RouterPlan[];
};

export function mgmtPairAddresses(pair: number): { host: string; router: string } {
  return { host: `198.51.100.${pair * 2}`, router: `198.51.100.${pair * 2 + 1}` };
}

// Picks the lowest free management pairs; `usedAddresses` are 198.51.100.x addresses already on
// the host (other labs, or anything else), so allocation survives a lost lab file.
export function allocateMgmtPairs(count: number, usedAddresses: readonly string[]): number[] {
  const used = new Set(usedAddresses);
  const pairs: number[] = [];
  for (let pair = MGMT_PAIR_FIRST; pair <= MGMT_PAIR_LAST && pairs.length < count; pair++) {
    const { host, router } = mgmtPairAddresses(pair);
    if (!used.has(host) && !used.has(router)) pairs.push(pair);
  }
  if (pairs.length < count) {
    throw new LabInputError(`not enough free management addresses in 198.51.100.0/24 for ${count} routers`);
  }
  return pairs;
}

export function planLab(opts: LabOptions, mgmtPairs: readonly number[]): LabPlan {
  const prefix = nsPrefix(opts.name);
  const routers: RouterPlan[] = [];
  for (let index = 1; index <= opts.routers; index++) {
    const name = routerName(index);
    const pair = mgmtPairs[index - 1];
    if (pair === undefined) throw new LabInputError('management pair missing for router ' + name);
    const mgmt = mgmtPairAddresses(pair);
    const wans = WAN_NAMES.slice(0, opts.wans).map((wan, w): WanPlan => ({
      name: wan,
      kind: WAN_KIND_BY_NAME[wan],
      ispNamespace: `${prefix}${name}-${wan}`,
      routerAddress: `100.${64 + w}.${index}.2`,
      gateway: `100.${64 + w}.${index}.1`,
      prefixLen: 24,
      ispPublicAddress: `100.72.${index}.${4 * w + 1}`,
      internetAddress: `100.72.${index}.${4 * w + 2}`,
      internetInterface: `${name}-${wan}`,
    }));
    routers.push({
      index,
      name,
      namespace: `${prefix}${name}`,
      lanNamespace: `${prefix}${name}-lan`,
      hostInterface: `${hostIfPrefix(opts.name)}${String(index).padStart(2, '0')}`,
      hostManagementAddress: mgmt.host,
      managementAddress: mgmt.router,
      lanRouterAddress: `100.96.${index}.1`,
      lanClientAddress: `100.96.${index}.100`,
      wans,
    });
  }
  return { name: opts.name, internetNamespace: `${prefix}inet`, routers };
}

// SHA256 fingerprint as OpenSSH prints it, from a one-line public key ("type base64 comment").
export function fingerprintOfPublicKey(publicKeyLine: string): { type: string; fingerprint: string } {
  const [type, b64] = publicKeyLine.trim().split(/\s+/);
  if (!type || !b64) throw new LabInputError('malformed public key line');
  const digest = createHash('sha256').update(Buffer.from(b64, 'base64')).digest('base64');
  return { type, fingerprint: 'SHA256:' + digest.replace(/=+$/, '') };
}
