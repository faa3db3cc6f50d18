// Finds uplinks in `ubus call network.interface dump` (an uplink is an interface with a default
// route; gateway = that route's nexthop) and checks the unique per-uplink metric mwan3 needs.
import { z } from 'zod';
import { RouterOutputError } from './errors.ts';
import { getUciString, type UciPackage } from './uci/uci-model.ts';

const routeSchema = z.looseObject({
  target: z.string(),
  mask: z.number(),
  nexthop: z.string().optional(),
  source: z.string().optional(),
  metric: z.number().optional(),
});

const addressSchema = z.looseObject({ address: z.string(), mask: z.number(), ptpaddress: z.string().optional() });

// netifd omits most fields of an interface that is down or pending, so only `interface` is required.
const interfaceSchema = z.looseObject({
  interface: z.string(),
  up: z.boolean().optional(),
  pending: z.boolean().optional(),
  available: z.boolean().optional(),
  autostart: z.boolean().optional(),
  dynamic: z.boolean().optional(),
  uptime: z.number().optional(),
  l3_device: z.string().optional(),
  device: z.string().optional(),
  proto: z.string().optional(),
  metric: z.number().optional(),
  'ipv4-address': z.array(addressSchema).optional(),
  'ipv6-address': z.array(addressSchema).optional(),
  route: z.array(routeSchema).optional(),
  'dns-server': z.array(z.string()).optional(),
});

const dumpSchema = z.looseObject({ interface: z.array(interfaceSchema) });

export type NetifdInterface = z.infer<typeof interfaceSchema>;

export type UplinkCandidate = {
  /** netifd's logical name, e.g. `wan`, `wwan`, `wan_4` (the name mwan3 interface sections use). */
  readonly name: string;
  readonly family: 'ipv4' | 'ipv6';
  /** The real netdev that carries traffic (`l3_device`, e.g. `pppoe-wan`); null while down. */
  readonly device: string | null;
  /** The configured device (`device`), e.g. `eth2` under `pppoe-wanb`. */
  readonly baseDevice: string | null;
  readonly proto: string | null;
  readonly up: boolean;
  /** netifd-made sub-interface (e.g. `wwan_4`), not a section of /etc/config/network. */
  readonly dynamic: boolean;
  readonly addresses: readonly string[];
  /** nexthop of the default route; null for point-to-point links without one. */
  readonly gateway: string | null;
  readonly metric: number | null;
  readonly uptimeSec: number | null;
};

/** Parses the JSON; unknown fields are kept, a wrong shape is a command-failed error. */
export function parseNetworkInterfaceDump(stdout: string): NetifdInterface[] {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new RouterOutputError('ubus call network.interface dump', `expected JSON, got ${JSON.stringify(stdout.slice(0, 60))}`);
  }
  const parsed = dumpSchema.safeParse(json);
  if (!parsed.success) {
    throw new RouterOutputError(
      'ubus call network.interface dump',
      `expected {"interface":[{"interface":"wan",…}]}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data.interface;
}

const isDefault = (r: z.infer<typeof routeSchema>, family: 'ipv4' | 'ipv6'): boolean =>
  r.mask === 0 && (family === 'ipv4' ? r.target === '0.0.0.0' : r.target === '::');

/** One candidate per interface and family with a default route, in dump order. */
export function findUplinks(interfaces: readonly NetifdInterface[]): UplinkCandidate[] {
  const out: UplinkCandidate[] = [];
  for (const i of interfaces) {
    for (const family of ['ipv4', 'ipv6'] as const) {
      const route = (i.route ?? []).find((r) => isDefault(r, family));
      if (!route) continue;
      const addrs = (family === 'ipv4' ? i['ipv4-address'] : i['ipv6-address']) ?? [];
      const gateway = route.nexthop && route.nexthop !== '0.0.0.0' && route.nexthop !== '::' ? route.nexthop : null;
      out.push({
        name: i.interface,
        family,
        device: i.l3_device ?? null,
        baseDevice: i.device ?? null,
        proto: i.proto ?? null,
        up: i.up ?? false,
        dynamic: i.dynamic ?? false,
        addresses: addrs.map((a) => `${a.address}/${a.mask}`),
        gateway,
        metric: i.metric ?? null,
        uptimeSec: i.uptime ?? null,
      });
    }
  }
  return out;
}

export type MetricProblem =
  | { readonly kind: 'duplicate'; readonly metric: number; readonly interfaces: readonly string[]; readonly message: string }
  | { readonly kind: 'missing'; readonly interface: string; readonly message: string }
  | { readonly kind: 'invalid'; readonly interface: string; readonly value: string; readonly message: string };

/**
 * mwan3 needs a distinct `metric` on each uplink in /etc/config/network, or the kernel keeps only
 * one default route and the others' routing tables stay empty (LuCI warns about the same).
 * `interfaces` narrows the check to the uplinks mwan3 uses; by default every interface section.
 */
export function findMetricProblems(network: UciPackage, interfaces?: readonly string[]): MetricProblem[] {
  const problems: MetricProblem[] = [];
  const byMetric = new Map<number, string[]>();
  const sections = network.sections.filter((s) => s.type === 'interface' && s.name !== null && (!interfaces || interfaces.includes(s.name)));
  for (const s of sections) {
    const name = s.name!;
    if (name === 'loopback') continue;
    const raw = getUciString(s, 'metric');
    if (raw === undefined) {
      if (interfaces) {
        problems.push({ kind: 'missing', interface: name, message: `network.${name} has no metric; give each uplink its own metric (e.g. 10, 20, 30) so mwan3 can route it.` });
      }
      continue;
    }
    if (!/^\d+$/.test(raw)) {
      problems.push({ kind: 'invalid', interface: name, value: raw, message: `network.${name}.metric is '${raw}'; it must be a whole number.` });
      continue;
    }
    const list = byMetric.get(Number(raw)) ?? [];
    list.push(name);
    byMetric.set(Number(raw), list);
  }
  for (const [metric, names] of byMetric) {
    if (names.length > 1) {
      problems.push({
        kind: 'duplicate',
        metric,
        interfaces: names,
        message: `${names.join(', ')} share metric ${metric}; mwan3 needs a different metric on each uplink. Give them distinct values (e.g. 10, 20).`,
      });
    }
  }
  return problems;
}
