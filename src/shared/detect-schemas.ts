// The detection result: platform, facts, uplink candidates and the evidence that decided them.
// zod schemas so the contract can validate and reuse them; inferred types are deep readonly JSON.
// Imports only zod and the shared model, so it can move to src/shared when the contract needs it.
import { z } from 'zod';
import { platformIdSchema, wanKindSchema } from './model.ts';

/** The tools whose presence the probe reports (`command -v`). */
export const detectToolNames = [
  'ip',
  'ping',
  'httping',
  'arping',
  'conntrack',
  'nft',
  'iptables',
  'busybox',
  'uci',
  'ubus',
  'mwan3',
  'opkg',
  'apk',
  'sudo',
] as const;
export type DetectToolName = (typeof detectToolNames)[number];

export const initSystems = ['systemd', 'openrc', 'procd', 'sysvinit', 'busybox', 'unknown'] as const;
export const initSystemSchema = z.enum(initSystems);
export type InitSystem = z.infer<typeof initSystemSchema>;

/** Router-supplied text after cleaning: printable, trimmed, bounded. */
const text = (max: number) => z.string().max(max);

export const uplinkCandidateSchema = z
  .object({
    /** Logical name: the netifd interface on OpenWrt (`wan`, `wwan`), the device on plain Linux. */
    name: text(64).min(1),
    /** Kernel device (`eth1`, `pppoe-wan`, `wwan0`); absent for an OpenWrt interface that is down. */
    device: text(32).min(1).optional(),
    kind: wanKindSchema,
    /** Which rule produced `kind`, in plain words, so the UI can say why. */
    kindReason: text(200),
    up: z.boolean(),
    address: z.ipv4().optional(),
    prefixLen: z.int().min(0).max(32).optional(),
    /** Its gateway, where the router says it (see gatewaySource); absent when truly unknown. */
    gateway: z.ipv4().optional(),
    /** Where `gateway` came from, so the UI can say so. */
    gatewaySource: z.enum(['route', 'netifd', 'lease', 'peer', 'neighbour', 'answered']).optional(),
    /** When no gateway is known: the likely one (the link's other end or its first host), to offer to the user. */
    suggestedGateway: z.ipv4().optional(),
    metric: z.int().min(0).optional(),
    hasDefaultRoute: z.boolean(),
    /** netifd protocol (dhcp, static, pppoe, qmi, …); OpenWrt only. */
    proto: text(32).optional(),
    source: z.enum(['ubus', 'ip']),
  })
  .readonly();
export type UplinkCandidate = z.infer<typeof uplinkCandidateSchema>;

export const ignoredInterfaceSchema = z.object({ name: text(64), reason: text(200) }).readonly();
export type IgnoredInterface = z.infer<typeof ignoredInterfaceSchema>;

export const openwrtReleaseSchema = z
  .object({
    distribution: text(64).optional(),
    release: text(64).optional(),
    revision: text(64).optional(),
    target: text(64).optional(),
    description: text(200).optional(),
  })
  .readonly();
export type OpenwrtRelease = z.infer<typeof openwrtReleaseSchema>;

export const detectionFactsSchema = z
  .object({
    hostname: text(256).nullable(),
    /** Kernel release (`uname -r` field of `uname -a`). */
    kernel: text(128).nullable(),
    /** Kernel name from uname: `Linux`, `FreeBSD`, … */
    kernelName: text(64).nullable(),
    os: z
      .object({
        /** os-release ID (`debian`, `openwrt`, `alpine`), lower case. */
        id: text(64).nullable(),
        name: text(200).nullable(),
        version: text(64).nullable(),
        openwrtRelease: openwrtReleaseSchema.optional(),
        /** /etc/glversion: GL.iNet firmware version. */
        glinetFirmware: text(64).optional(),
      })
      .readonly(),
    init: initSystemSchema,
    /** `id -u` = 0; null when the probe could not tell. */
    isRoot: z.boolean().nullable(),
    tools: z.record(z.enum(detectToolNames), z.boolean()).readonly(),
    mwan3: z.object({ installed: z.boolean(), version: text(64).nullable() }).readonly().optional(),
    kmwan: z.object({ present: z.boolean(), firmwareVersion: text(64).optional() }).readonly().optional(),
  })
  .readonly();
export type DetectionFacts = z.infer<typeof detectionFactsSchema>;

export const detectionResultSchema = z
  .object({
    platform: platformIdSchema,
    /** Switchyard can drive this router now (platform known, tools present). */
    supported: z.boolean(),
    /** One or two sentences for the technician: what it is, and what to do if unsupported. */
    reason: text(1000),
    facts: detectionFactsSchema,
    uplinks: z.array(uplinkCandidateSchema).readonly(),
    ignoredInterfaces: z.array(ignoredInterfaceSchema).readonly(),
    /** Things worth fixing that do not block: duplicate metrics, not root, truncated output. */
    warnings: z.array(text(1000)).readonly(),
    /** What decided the platform, in order, quoting the router where useful. */
    evidence: z.array(text(1000)).readonly(),
  })
  .readonly();
export type DetectionResult = z.infer<typeof detectionResultSchema>;
