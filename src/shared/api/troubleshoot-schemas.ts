// Per-uplink troubleshooting as it crosses the contract: `troubleshoot.run` asks the router, one
// uplink after the other, whether the link is up, the gateway answers, a target, DNS and HTTP
// answer through that uplink, and whether IPv6 fails over too; each check carries the router's
// own output lines as evidence and the fix in plain words.
import { z } from 'zod';

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only');
const wanName = z.string().min(1).max(32).regex(/^[A-Za-z0-9_.-]+$/, 'an uplink name: letters, digits, ".", "_" and "-" only');
const ipv4 = z
  .string()
  .max(15)
  .regex(/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/, 'an IPv4 address such as 1.1.1.1');
const hostName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/, 'a DNS name such as example.com');

export const troubleshootCheckIds = ['link', 'gateway', 'target', 'dns', 'http', 'ipv6'] as const;
/** pass: works; warn: works with a caveat or could only be partly checked; fail: broken; skip: not checked, and why. */
export const troubleshootStatuses = ['pass', 'warn', 'fail', 'skip'] as const;

export const troubleshootCheckSchema = z.object({
  id: z.enum(troubleshootCheckIds),
  title: z.string(),
  status: z.enum(troubleshootStatuses),
  /** What the router showed, in one sentence. */
  summary: z.string(),
  /** The router's own output lines the summary rests on (the command first, prefixed with "$ "). */
  evidence: z.array(z.string()),
  /** What to do, in plain words; null when nothing needs doing. */
  fix: z.string().nullable(),
});
export type TroubleshootCheck = z.infer<typeof troubleshootCheckSchema>;

export const uplinkTroubleshootSchema = z.object({
  name: z.string(),
  device: z.string(),
  /** The worst outcome of its checks, and the first thing to do about it. */
  status: z.enum(troubleshootStatuses),
  verdict: z.string(),
  checks: z.array(troubleshootCheckSchema),
});
export type UplinkTroubleshoot = z.infer<typeof uplinkTroubleshootSchema>;

export const troubleshootReportSchema = z.object({
  routerId: z.string(),
  /** Laptop clock (epoch ms) when the checks finished. */
  checkedMs: z.number(),
  /** The target and DNS name every uplink was checked with; null when none was known. */
  target: z.string().nullable(),
  dnsName: z.string(),
  uplinks: z.array(uplinkTroubleshootSchema),
});
export type TroubleshootReport = z.infer<typeof troubleshootReportSchema>;

export const troubleshootMethods = {
  'troubleshoot.run': {
    request: z
      .object({
        routerId: id,
        /** One uplink by its name (or device); all of them when absent. */
        uplink: wanName.optional(),
        /** The address pinged and fetched over HTTP through each uplink; default: the uplink's first tracking target. */
        target: ipv4.optional(),
        /** The name looked up through each uplink's DNS server. */
        dnsName: hostName.default('example.com'),
      })
      .strict(),
    response: troubleshootReportSchema,
  },
} as const;
