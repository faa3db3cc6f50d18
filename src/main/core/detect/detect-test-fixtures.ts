// Test helper: reads the recorded probe output in __fixtures__ and assembles probe output from
// real single-command captures (OpenWrt), framed exactly as the probe frames its sections.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DETECT_PROBE_VERSION, type DetectSectionName } from './detect-probe.ts';

const root = fileURLToPath(new URL('./__fixtures__/', import.meta.url));

export const openwrtLab = 'openwrt-19.07-mwan3-2.12';
export const community = 'community';

export function readDetectFixture(path: string): string {
  return readFileSync(`${root}${path}`, 'utf8');
}

/** The probe's framing: a newline, the marker, a newline, then the section's output verbatim. */
export function frameSections(sections: Partial<Record<DetectSectionName, string>>, opts: { end?: boolean } = {}): string {
  let out = `\n@@SY:begin@@\nswitchyard-probe ${DETECT_PROBE_VERSION}\n`;
  for (const [name, body] of Object.entries(sections)) {
    if (name === 'begin' || name === 'end' || body === undefined) continue;
    out += `\n@@SY:${name}@@\n${body}`;
  }
  if (opts.end !== false) out += '\n@@SY:end@@\n';
  return out;
}

/**
 * Probe output for the OpenWrt 19.07 + mwan3 lab, assembled ONLY from its real captures (see
 * __fixtures__/README.md). Sections without a capture (hostname, id, os-release, init, tools,
 * mwan3-pkg, kmwan, ip-addr, ip-link, sys-net) are left out, as if the probe never printed them.
 * `ip-route` holds `ip route show table all` (the capture there is), not `table main`.
 */
export function openwrtLabProbeOutput(extra: Partial<Record<DetectSectionName, string>> = {}): string {
  const f = (name: string): string => readDetectFixture(`${openwrtLab}/${name}`);
  return frameSections({
    uname: f('common__uname-a.txt'),
    'openwrt-release': f('common__cat-etc-openwrt-release.txt'),
    'init-d': f('common__ls-etc-init.d.txt'),
    'ip-route': f('a_both_online__ip-route-show-table-all.txt'),
    'ubus-network': f('a_both_online__ubus-call-network.interface-dump.txt'),
    'uci-network': f('a_both_online__uci-show-network.txt'),
    ...extra,
  });
}
