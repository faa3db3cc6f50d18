// The lab file's shape (lab.json): what tests, benchmarks and the demo read to reach the lab's
// routers. Validated with zod on read so a stale or hand-edited file fails loudly.
import { z } from 'zod';

export const WAN_NAMES = ['eth1', 'wlan0', 'usb0', 'wwan0'] as const;
export const wanNameSchema = z.enum(WAN_NAMES);
export type WanName = z.infer<typeof wanNameSchema>;

export const wanKindSchema = z.enum(['ethernet', 'repeater', 'tethering', 'cellular']);
export type WanKind = z.infer<typeof wanKindSchema>;

const ipv4Schema = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/);

export const labWanSchema = z.object({
  name: wanNameSchema,
  kind: wanKindSchema,
  routerAddress: ipv4Schema,
  prefixLen: z.number().int(),
  gateway: ipv4Schema,
  ispNamespace: z.string(),
  // The ISP's own address towards the internet namespace: what the probe targets see as the
  // source of everything that left through this uplink (both the router and the ISP NAT).
  ispPublicAddress: ipv4Schema,
});
export type LabWan = z.infer<typeof labWanSchema>;

export const labRouterSchema = z.object({
  name: z.string(),
  hostname: z.string(),
  namespace: z.string(),
  managementAddress: ipv4Schema,
  hostManagementAddress: ipv4Schema,
  hostInterface: z.string(),
  stateDir: z.string(),
  ssh: z.object({
    host: ipv4Schema,
    port: z.number().int(),
    rootUser: z.literal('root'),
    rootKeyPath: z.string(),
    user: z.string(),
    password: z.string(),
    hostKeyType: z.string(),
    hostKeyFingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]+$/),
  }),
  snmp: z.object({
    host: ipv4Schema,
    port: z.number().int(),
    community: z.string(),
    v3: z.object({
      user: z.string(),
      // Names as the npm net-snmp package spells them; snmpget wants -a SHA-256 -x AES.
      authProtocol: z.literal('sha256'),
      authKey: z.string(),
      privProtocol: z.literal('aes'),
      privKey: z.string(),
    }),
  }),
  wans: z.array(labWanSchema).min(1).max(4),
  lan: z.object({
    namespace: z.string(),
    interface: z.string(),
    clientAddress: ipv4Schema,
    routerAddress: ipv4Schema,
    prefixLen: z.number().int(),
  }),
});
export type LabRouter = z.infer<typeof labRouterSchema>;

export const labInfoSchema = z.object({
  version: z.literal(1),
  name: z.string(),
  createdAtMs: z.number(),
  labDir: z.string(),
  labFile: z.string(),
  internet: z.object({ namespace: z.string() }),
  probeTargets: z.object({
    icmp: z.array(ipv4Schema),
    http: z.array(z.string()),
  }),
  // Optional: labs made before the lab had a DNS server have none.
  dns: z.object({ server: ipv4Schema, names: z.record(z.string(), ipv4Schema) }).optional(),
  routers: z.array(labRouterSchema),
});
export type LabInfo = z.infer<typeof labInfoSchema>;

// One uplink's impairment state; each `impair` call changes one field, `clear` resets all.
export const wanImpairmentSchema = z.object({
  down: z.boolean(),
  blackhole: z.boolean(),
  lossPct: z.number(),
  latencyMs: z.number(),
});
export type WanImpairment = z.infer<typeof wanImpairmentSchema>;

export const NO_IMPAIRMENT: WanImpairment = { down: false, blackhole: false, lossPct: 0, latencyMs: 0 };

// What `impair` is asked to do; a tagged union so the CLI and API share one exhaustive switch.
export type Impairment =
  | { readonly kind: 'down' }
  | { readonly kind: 'up' }
  | { readonly kind: 'blackhole' }
  | { readonly kind: 'loss'; readonly lossPct: number }
  | { readonly kind: 'latency'; readonly latencyMs: number }
  | { readonly kind: 'clear' };

// Keyed "r01/eth1".
export const impairmentStateSchema = z.record(z.string(), wanImpairmentSchema);
export type ImpairmentState = z.infer<typeof impairmentStateSchema>;

// What the probe-target responders read: extra delay per source address (an ISP's public
// address), and a generation they echo back so `impair` knows the change is live.
export const delayTableSchema = z.object({
  generation: z.number().int(),
  delayMsBySource: z.record(z.string(), z.number()),
});
export type DelayTable = z.infer<typeof delayTableSchema>;
