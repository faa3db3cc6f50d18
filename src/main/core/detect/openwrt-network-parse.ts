// Reads OpenWrt's view of its networks: `ubus call network.interface dump` (netifd's live state)
// and `uci -q show network` (configured device, proto and metric, for interfaces that are down).
import { z } from 'zod';

// Loose on purpose: netifd adds fields between releases, and one odd entry must not hide the rest.
const addressSchema = z.object({ address: z.string(), mask: z.number().optional(), ptpaddress: z.string().optional() }).loose();
const routeSchema = z.object({ target: z.string(), mask: z.number(), nexthop: z.string().optional(), metric: z.number().optional() }).loose();
const interfaceSchema = z
  .object({
    interface: z.string(),
    up: z.boolean().optional(),
    dynamic: z.boolean().optional(),
    l3_device: z.string().optional(),
    device: z.string().optional(),
    proto: z.string().optional(),
    metric: z.number().optional(),
    'ipv4-address': z.array(z.unknown()).optional(),
    route: z.array(z.unknown()).optional(),
    inactive: z.object({ route: z.array(z.unknown()).optional() }).loose().optional(),
  })
  .loose();
const dumpSchema = z.object({ interface: z.array(z.unknown()) }).loose();

export interface UbusInterface {
  readonly name: string;
  readonly up: boolean;
  readonly dynamic: boolean;
  readonly l3Device?: string;
  readonly device?: string;
  readonly proto?: string;
  readonly metric?: number;
  readonly ipv4: readonly { readonly address: string; readonly mask?: number; readonly ptpaddress?: string }[];
  /** IPv4 default routes (target 0.0.0.0/0): active ones, then those netifd holds inactive. */
  readonly defaultRoutes: readonly { readonly nexthop?: string; readonly metric?: number; readonly active: boolean }[];
}

export type UbusDumpParse =
  | { readonly ok: true; readonly interfaces: readonly UbusInterface[]; readonly skipped: number }
  | { readonly ok: false; readonly problem: string };

function defaultRoutes(list: readonly unknown[] | undefined, active: boolean): UbusInterface['defaultRoutes'] {
  const out: { nexthop?: string; metric?: number; active: boolean }[] = [];
  for (const raw of list ?? []) {
    const r = routeSchema.safeParse(raw);
    if (!r.success || r.data.target !== '0.0.0.0' || r.data.mask !== 0) continue;
    out.push({
      ...(r.data.nexthop !== undefined ? { nexthop: r.data.nexthop } : {}),
      ...(r.data.metric !== undefined ? { metric: r.data.metric } : {}),
      active,
    });
  }
  return out;
}

/** Parses the dump; a malformed (e.g. truncated) document is reported, not thrown. */
export function parseUbusInterfaceDump(textIn: string): UbusDumpParse {
  let json: unknown;
  try {
    json = JSON.parse(textIn);
  } catch (e) {
    return { ok: false, problem: `not valid JSON (${e instanceof Error ? e.message.slice(0, 120) : 'parse error'})` };
  }
  const dump = dumpSchema.safeParse(json);
  if (!dump.success) return { ok: false, problem: 'JSON without an "interface" array' };
  const interfaces: UbusInterface[] = [];
  let skipped = 0;
  for (const raw of dump.data.interface) {
    const p = interfaceSchema.safeParse(raw);
    if (!p.success) {
      skipped++;
      continue;
    }
    const i = p.data;
    const ipv4: { address: string; mask?: number; ptpaddress?: string }[] = [];
    for (const a of i['ipv4-address'] ?? []) {
      const r = addressSchema.safeParse(a);
      if (r.success) {
        ipv4.push({
          address: r.data.address,
          ...(r.data.mask !== undefined ? { mask: r.data.mask } : {}),
          ...(r.data.ptpaddress !== undefined ? { ptpaddress: r.data.ptpaddress } : {}),
        });
      }
    }
    interfaces.push({
      name: i.interface,
      up: i.up === true,
      dynamic: i.dynamic === true,
      ...(i.l3_device !== undefined ? { l3Device: i.l3_device } : {}),
      ...(i.device !== undefined ? { device: i.device } : {}),
      ...(i.proto !== undefined ? { proto: i.proto } : {}),
      ...(i.metric !== undefined ? { metric: i.metric } : {}),
      ipv4,
      defaultRoutes: [...defaultRoutes(i.route, true), ...defaultRoutes(i.inactive?.route, false)],
    });
  }
  return { ok: true, interfaces, skipped };
}

export interface UciNetworkInterface {
  readonly name: string;
  readonly proto?: string;
  /** `device` (21.02+) or `ifname` (before). */
  readonly device?: string;
  readonly metric?: number;
  readonly gateway?: string;
}

/**
 * The `interface` sections of `uci -q show network`. Only single-valued options are read, so a
 * line-level reading is exact: `network.wan.metric='10'` (quotes as `uci show` prints them).
 */
export function parseUciNetworkInterfaces(textIn: string): UciNetworkInterface[] {
  const sections = new Map<string, Record<string, string>>();
  for (const line of textIn.split('\n')) {
    const sec = /^network\.([A-Za-z0-9_]+)=interface$/.exec(line);
    if (sec) {
      sections.set(sec[1]!, {});
      continue;
    }
    const opt = /^network\.([A-Za-z0-9_]+)\.(proto|device|ifname|metric|gateway)='([^']*)'$/.exec(line);
    const target = opt ? sections.get(opt[1]!) : undefined;
    if (opt && target && target[opt[2]!] === undefined) target[opt[2]!] = opt[3]!;
  }
  return [...sections].map(([name, o]) => {
    const device = o['device'] ?? o['ifname'];
    const metric = o['metric'] !== undefined && /^\d{1,9}$/.test(o['metric']) ? Number(o['metric']) : undefined;
    return {
      name,
      ...(o['proto'] ? { proto: o['proto'] } : {}),
      ...(device ? { device } : {}),
      ...(metric !== undefined ? { metric } : {}),
      ...(o['gateway'] ? { gateway: o['gateway'] } : {}),
    };
  });
}
