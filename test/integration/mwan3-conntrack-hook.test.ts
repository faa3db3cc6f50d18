// Switchyard's mwan3 connection-clearing hook, the exact text apply installs, run in a lab router
// against the kernel's real conntrack table and the real conntrack tool (issue 16 item 4): flows
// leave through two uplinks, the hook is fired as hotplug-call fires it (a clean environment with
// ACTION, INTERFACE and DEVICE), and only the failed uplink's flows are gone. mwan3 itself does
// not run here (no OpenWrt); what the hook relies on from the router is ip, sed, logger and
// conntrack, all real. The last test routes the lab router by connection marks as mwan3 does, so a
// running flow is stuck on the failed uplink exactly as on a real mwan3 router until it is cleared.
import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { conntrackHookSeedCommand, conntrackHookStateDir, conntrackHookText, type HookConfig } from '../../src/main/core/drivers/openwrt-mwan3/mwan3-conntrack-hook.ts';
import { labFixture } from '../lab/lab-fixture.ts';
import { impair, labExec, labExecArgv } from '../lab/lab.ts';
import { LAB_PATH } from '../lab/run-command.ts';
import { waitUntil } from '../lab/wait-until.ts';

const NAME = 'owct';
const lab = labFixture({ name: NAME, routers: 1, wans: 2 });

/** One flow entry per line (`conntrack -L`), with its reply destination. */
async function flows(): Promise<{ line: string; replyDst: string }[]> {
  const r = await labExec(NAME, 'r01', ['conntrack', '-L'], { allowFailure: true });
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => ({ line, replyDst: [...line.matchAll(/dst=(\S+)/g)][1]?.[1] ?? '' }));
}

describe.skipIf(Boolean(lab.skipReason))('the mwan3 connection-clearing hook on a real conntrack table', () => {
  // The tests count flows before and after the hook and expect the untouched ones all still
  // there. The kernel forgets an idle ping's entry after 30 s (nf_conntrack_icmp_timeout), and
  // the earlier tests' entries are that old after a few slow steps on a loaded machine: one
  // expiring between the two counts would read as a flow the hook cleared. The router's own
  // timeout (per network namespace) is raised so that only the hook removes entries.
  beforeAll(async () => {
    await labExec(NAME, 'r01', ['sysctl', '-qw', 'net.netfilter.nf_conntrack_icmp_timeout=3600']);
  });
  const wan = (name: string) => lab.info().routers[0]!.wans.find((w) => w.name === name)!;
  // mwan3's interface names differ from the devices, as on OpenWrt: wan is eth1, wanb is wlan0.
  const config = (frs: boolean): HookConfig => ({
    uplinks: [
      { name: 'wan', device: 'eth1', metric: 1 },
      { name: 'wanb', device: 'wlan0', metric: 2 },
    ],
    forcedRefreshStreams: frs,
  });
  const fire = (frs: boolean, action: string, iface: string, device: string) =>
    labExec(NAME, 'r01', ['env', '-i', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', `ACTION=${action}`, `INTERFACE=${iface}`, `DEVICE=${device}`, 'sh', '-c', conntrackHookText(config(frs))]);

  /** A LAN client's flows out through each uplink: .10 by the default route (eth1), .11 routed via wlan0. */
  async function startFlows(): Promise<void> {
    const [t1, t2] = lab.info().probeTargets.icmp;
    for (const target of [t1!, t2!]) {
      for (let i = 0; i < 2; i++) await labExec(NAME, 'lan', ['ping', '-c', '1', '-W', '2', target]);
    }
    const now = await flows();
    expect(now.filter((f) => f.replyDst === wan('eth1').routerAddress).length).toBeGreaterThanOrEqual(2);
    expect(now.filter((f) => f.replyDst === wan('wlan0').routerAddress).length).toBeGreaterThanOrEqual(2);
  }

  it('disconnected: clears the failed uplink’s flows and only those, and says how many', async () => {
    const t2 = lab.info().probeTargets.icmp[1]!;
    await labExec(NAME, 'r01', ['ip', 'route', 'replace', `${t2}/32`, 'via', wan('wlan0').gateway, 'dev', 'wlan0']);
    await startFlows();
    const before = await flows();
    const r = await fire(false, 'disconnected', 'wan', 'eth1');
    const after = await flows();
    expect(after.filter((f) => f.replyDst === wan('eth1').routerAddress)).toEqual([]);
    // Every flow of the other uplink is still there, untouched.
    expect(after.filter((f) => f.replyDst === wan('wlan0').routerAddress).length).toBe(before.filter((f) => f.replyDst === wan('wlan0').routerAddress).length);
    const cleared = before.filter((f) => f.replyDst === wan('eth1').routerAddress).length;
    expect(r.stderr).toContain(`mwan3-switchyard: wan disconnected: cleared ${cleared} connections of wan (${wan('eth1').routerAddress})`);
  });

  it('ifdown (no DEVICE, as netifd sends it): uses the address seen at the last event', async () => {
    await startFlows();
    const r = await fire(false, 'ifdown', 'wan', '');
    const after = await flows();
    expect(after.filter((f) => f.replyDst === wan('eth1').routerAddress)).toEqual([]);
    expect(after.filter((f) => f.replyDst === wan('wlan0').routerAddress).length).toBeGreaterThanOrEqual(2);
    expect(r.stderr).toMatch(new RegExp(`wan ifdown: cleared [1-9]\\d* connections of wan \\(${wan('eth1').routerAddress.replaceAll('.', '\\.')}\\)`));
  });

  it('connected with Forced Refresh Streams on: the backup’s flows are cleared, the primary’s stay; off: nothing is cleared', async () => {
    await startFlows();
    const before = await flows();
    const off = await fire(false, 'connected', 'wan', 'eth1');
    expect(off.stderr).toBe('');
    expect((await flows()).length).toBe(before.length);

    const on = await fire(true, 'connected', 'wan', 'eth1');
    const after = await flows();
    expect(after.filter((f) => f.replyDst === wan('wlan0').routerAddress)).toEqual([]);
    expect(after.filter((f) => f.replyDst === wan('eth1').routerAddress).length).toBe(before.filter((f) => f.replyDst === wan('eth1').routerAddress).length);
    expect(on.stderr).toMatch(/wan connected: cleared [1-9]\d* connections of wanb \(.+\) \(Forced Refresh Streams\)/);
  });

  it('the backup returning clears nothing: no uplink sits below it', async () => {
    await startFlows();
    const before = await flows();
    await fire(true, 'connected', 'wanb', 'wlan0');
    expect((await flows()).length).toBe(before.length);
  });

  it('a LAN client’s 10 Hz ping stuck on the failed uplink after the switch recovers through the backup once the hook clears it (the card terminal of issue 16 item 4)', async () => {
    const target = lab.info().probeTargets.icmp[2]!;
    // The lab router routed as mwan3 routes (mwan3.sh: the connection's mark restored to the
    // packet, a new connection marked by the policy in use, an fwmark rule per uplink to a table of
    // its own that keeps its default route while the tracker says offline). That mark is why a
    // running flow stays on the dead uplink: plain masquerade without it would move the flow by
    // itself when the route changes (the kernel kills a masqueraded entry whose out interface changes).
    const nft = (rules: string) => labExec(NAME, 'r01', ['nft', '-f', '-'], { input: rules });
    const policyMark = (mark: string) => nft(`flush chain inet sy_mwan3_routing new_conn\nadd rule inet sy_mwan3_routing new_conn meta mark set ${mark}\n`);
    await nft(
      [
        'table inet sy_mwan3_routing {',
        '  chain new_conn { }',
        '  chain pre {',
        '    type filter hook prerouting priority mangle; policy accept;',
        '    iifname "eth0" meta mark set ct mark and 0x3f00',
        '    iifname "eth0" meta mark and 0x3f00 == 0x0 jump new_conn',
        '    iifname "eth0" ct mark set meta mark and 0x3f00',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    await policyMark('0x100');
    const ip = (...args: string[]) => labExec(NAME, 'r01', ['ip', ...args]);
    await ip('route', 'replace', 'default', 'via', wan('eth1').gateway, 'dev', 'eth1', 'table', '101');
    await ip('route', 'replace', 'default', 'via', wan('wlan0').gateway, 'dev', 'wlan0', 'table', '102');
    await ip('rule', 'add', 'fwmark', '0x100/0x3f00', 'table', '101', 'pref', '2001');
    await ip('rule', 'add', 'fwmark', '0x200/0x3f00', 'table', '102', 'pref', '2002');
    // The router's clock (epoch ms) at each reply the LAN client gets, from ping -D.
    const replies: number[] = [];
    const argv = await labExecArgv(NAME, 'lan', ['ping', '-D', '-n', '-i', '0.1', '-W', '1', target]);
    const ping = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, PATH: LAB_PATH } });
    ping.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const m of chunk.matchAll(/^\[(\d+\.\d+)\] \d+ bytes from/gm)) replies.push(Number(m[1]) * 1000);
    });
    try {
      await waitUntil(() => replies.length, (n) => n >= 5, { what: 'the LAN client’s ping answered through eth1' });
      // mwan3's failover: eth1 stops carrying anything, and new connections get wlan0's mark.
      await impair(NAME, 'r01', 'eth1', { kind: 'blackhole' });
      await policyMark('0x200');
      const switchedMs = Date.now();
      // The running ping keeps its entry (eth1's mark, NATed to eth1's address): silence.
      await waitUntil(() => Date.now(), (now) => now - switchedMs >= 3_000, { what: 'three seconds after the switch', pollMs: 100 });
      const stuck = replies.filter((t) => t > switchedMs);
      const firedMs = Date.now();
      await fire(false, 'disconnected', 'wan', 'eth1');
      const back = await waitUntil(() => replies.filter((t) => t > firedMs), (r) => r.length >= 3, { what: 'the ping answered again through wlan0 after the hook' });
      console.log(`10 Hz ping: no answer for ${Math.round(firedMs - switchedMs)} ms after the switch; answered again ${Math.round(back[0]! - firedMs)} ms after the hook was fired (lab exec included)`);
      expect(stuck).toEqual([]);
      expect(back.length).toBeGreaterThanOrEqual(3);
      expect((await flows()).some((f) => f.replyDst === wan('wlan0').routerAddress && f.line.includes(`dst=${target} `))).toBe(true);
    } finally {
      ping.kill('SIGINT');
      await impair(NAME, 'r01', 'eth1', { kind: 'clear' });
      await labExec(NAME, 'r01', ['nft', 'delete', 'table', 'inet', 'sy_mwan3_routing'], { allowFailure: true });
      for (const pref of ['2001', '2002']) await ip('rule', 'del', 'pref', pref).catch(() => undefined);
    }
  });

  describe('routed and IPv6 flows, by the marks mwan3 puts on them', () => {
    // The router as mwan3 leaves it with four interface sections: wan (id 1) and wanb (id 2) for
    // IPv4, their IPv6 twins wan6 (id 3, eth1) and wanb6 (id 4, wlan0). mwan3 adds per id an iif
    // rule (1000+id) naming the device and an fwmark rule (2000+id) with the id's mark under
    // mmx_mask, and marks each new connection with the mark of the interface its policy chose
    // (CONNMARK --save-mark). The marking here picks the interface by destination in place of a
    // policy; the kernel, ip, nft and conntrack are all real. Besides NATed flows the LAN client
    // has routed ones (no masquerade: IPv4 to each ISP's router, IPv6 from its global address),
    // and the router its own IPv6 pings from each uplink's address.
    const v6 = { lan: 'fd00:96::', eth1: 'fd00:64::', wlan0: 'fd00:65::' } as const;
    const marks = { wan: '0x100', wanb: '0x200', wan6: '0x300', wanb6: '0x400' } as const;
    const rules = [
      ['-4', '1001', 'iif', 'eth1', 'lookup', '1'], ['-4', '2001', 'fwmark', `${marks.wan}/0x3f00`, 'lookup', '1'],
      ['-4', '1002', 'iif', 'wlan0', 'lookup', '2'], ['-4', '2002', 'fwmark', `${marks.wanb}/0x3f00`, 'lookup', '2'],
      ['-6', '1003', 'iif', 'eth1', 'lookup', '3'], ['-6', '2003', 'fwmark', `${marks.wan6}/0x3f00`, 'lookup', '3'],
      ['-6', '1004', 'iif', 'wlan0', 'lookup', '4'], ['-6', '2004', 'fwmark', `${marks.wanb6}/0x3f00`, 'lookup', '4'],
    ] as const;
    const addRule = ([v, pref, ...sel]: readonly string[]) => labExec(NAME, 'r01', ['ip', v!, 'rule', 'add', 'pref', pref!, ...sel]);
    const delRule = ([v, pref]: readonly string[]) => labExec(NAME, 'r01', ['ip', v!, 'rule', 'del', 'pref', pref!], { allowFailure: true });

    type Flow = { line: string; family: 'ipv4' | 'ipv6'; origDst: string; replyDst: string; mark: number };
    async function allFlows(): Promise<Flow[]> {
      const out: Flow[] = [];
      for (const family of ['ipv4', 'ipv6'] as const) {
        const r = await labExec(NAME, 'r01', ['conntrack', '-L', '-f', family], { allowFailure: true });
        for (const line of r.stdout.split('\n').filter((l) => l.trim() !== '')) {
          const dsts = [...line.matchAll(/dst=(\S+)/g)].map((m) => m[1]!);
          out.push({ line, family, origDst: dsts[0] ?? '', replyDst: dsts[1] ?? '', mark: Number(/mark=(\d+)/.exec(line)?.[1] ?? 0) });
        }
      }
      return out;
    }
    /** The uplink a flow went out through, by what the router knows of it (not by the hook's own rule). */
    function uplinkOf(f: Flow): 'eth1' | 'wlan0' | 'neither' {
      for (const dev of ['eth1', 'wlan0'] as const) {
        const mine = [wan(dev).routerAddress, wan(dev).gateway, `${v6[dev]}1`, `${v6[dev]}2`];
        const markOf = dev === 'eth1' ? [marks.wan, marks.wan6] : [marks.wanb, marks.wanb6];
        if (mine.includes(f.replyDst) || mine.includes(f.origDst) || markOf.map(Number).includes(f.mark)) return dev;
      }
      return 'neither';
    }
    /** How many flows of each kind went out through the uplink. */
    function kinds(all: readonly Flow[], dev: 'eth1' | 'wlan0'): Record<string, number> {
      const of = all.filter((f) => uplinkOf(f) === dev);
      const nat = (f: Flow) => f.family === 'ipv4' && f.replyDst === wan(dev).routerAddress;
      return {
        natIpv4: of.filter(nat).length,
        routedIpv4: of.filter((f) => f.family === 'ipv4' && !nat(f) && f.mark !== 0).length,
        routedIpv6: of.filter((f) => f.family === 'ipv6' && f.mark !== 0).length,
        routerOwnIpv6: of.filter((f) => f.family === 'ipv6' && f.mark === 0 && f.replyDst === `${v6[dev]}2`).length,
      };
    }
    async function startAllFlows(): Promise<Flow[]> {
      const [t1, t2] = lab.info().probeTargets.icmp;
      for (const dst of [t1!, t2!, wan('eth1').gateway, wan('wlan0').gateway, `${v6.eth1}1`, `${v6.wlan0}1`]) {
        await labExec(NAME, 'lan', ['ping', '-c', '1', '-W', '2', dst]);
      }
      for (const dev of ['eth1', 'wlan0'] as const) await labExec(NAME, 'r01', ['ping', '-c', '1', '-W', '2', '-I', `${v6[dev]}2`, `${v6[dev]}1`]);
      const all = await allFlows();
      // Every kind is there on both uplinks before anything is cleared.
      for (const dev of ['eth1', 'wlan0'] as const) for (const [kind, n] of Object.entries(kinds(all, dev))) expect(n, `${kind} on ${dev}`).toBeGreaterThanOrEqual(1);
      return all;
    }

    beforeAll(async () => {
      const lan = lab.info().routers[0]!.lan.clientAddress;
      const lanNet = `${lan.split('.').slice(0, 3).join('.')}.0/24`;
      const r = (...argv: string[]) => labExec(NAME, 'r01', argv);
      await r('sysctl', '-qw', 'net.netfilter.nf_conntrack_icmpv6_timeout=3600', 'net.ipv6.conf.all.forwarding=1');
      await r('ip', '-6', 'addr', 'add', `${v6.lan}1/64`, 'dev', 'eth0', 'nodad');
      await labExec(NAME, 'lan', ['ip', '-6', 'addr', 'add', `${v6.lan}100/64`, 'dev', 'eth0', 'nodad']);
      await labExec(NAME, 'lan', ['ip', '-6', 'route', 'add', 'default', 'via', `${v6.lan}1`]);
      await r('ip', 'route', 'replace', `${lab.info().probeTargets.icmp[1]!}/32`, 'via', wan('wlan0').gateway, 'dev', 'wlan0');
      for (const dev of ['eth1', 'wlan0'] as const) {
        await r('ip', '-6', 'addr', 'add', `${v6[dev]}2/64`, 'dev', dev, 'nodad');
        const isp = (...argv: string[]) => labExec(NAME, `r01-${dev}`, argv);
        await isp('ip', '-6', 'addr', 'add', `${v6[dev]}1/64`, 'dev', 'cpe0', 'nodad');
        await isp('ip', '-6', 'route', 'add', `${v6.lan}/64`, 'via', `${v6[dev]}2`);
        // Routed IPv4: the ISP routes the LAN back, and the router does not masquerade to it.
        await isp('ip', 'route', 'add', lanNet, 'via', wan(dev).routerAddress);
        await r('nft', 'insert', 'rule', 'ip', 'nat', 'postrouting', 'ip', 'saddr', lanNet, 'ip', 'daddr', wan(dev).gateway, 'return');
      }
      for (const rule of rules) await addRule(rule);
      await labExec(NAME, 'r01', ['nft', '-f', '-'], {
        input: [
          'table inet sy_mwan3_marks {',
          '  chain pre {',
          '    type filter hook prerouting priority mangle; policy accept;',
          '    iifname "eth0" meta mark set ct mark and 0x3f00',
          `    iifname "eth0" meta mark and 0x3f00 == 0x0 ip daddr { ${wan('eth1').gateway}, ${lab.info().probeTargets.icmp[0]!} } meta mark set ${marks.wan}`,
          `    iifname "eth0" meta mark and 0x3f00 == 0x0 ip daddr { ${wan('wlan0').gateway}, ${lab.info().probeTargets.icmp[1]!} } meta mark set ${marks.wanb}`,
          `    iifname "eth0" meta mark and 0x3f00 == 0x0 ip6 daddr ${v6.eth1}1 meta mark set ${marks.wan6}`,
          `    iifname "eth0" meta mark and 0x3f00 == 0x0 ip6 daddr ${v6.wlan0}1 meta mark set ${marks.wanb6}`,
          '    iifname "eth0" ct mark set meta mark and 0x3f00',
          '  }',
          '}',
          '',
        ].join('\n'),
      });
      return async () => {
        for (const rule of rules) await delRule(rule);
        await labExec(NAME, 'r01', ['nft', 'delete', 'table', 'inet', 'sy_mwan3_marks'], { allowFailure: true });
      };
    });

    it('disconnected: the failed uplink’s flows of every kind are cleared, NATed or routed, IPv4 and IPv6; the healthy uplink’s of every kind stay', async () => {
      const before = await startAllFlows();
      const r = await fire(false, 'disconnected', 'wan', 'eth1');
      const after = await allFlows();
      expect(after.filter((f) => uplinkOf(f) === 'eth1').map((f) => f.line)).toEqual([]);
      expect(kinds(after, 'wlan0')).toEqual(kinds(before, 'wlan0'));
      expect(after.filter((f) => uplinkOf(f) === 'wlan0').length).toBe(before.filter((f) => uplinkOf(f) === 'wlan0').length);
      const cleared = before.filter((f) => uplinkOf(f) === 'eth1').length;
      expect(r.stderr).toContain(`wan disconnected: cleared ${cleared} connections of wan (`);
      expect(r.stderr).toContain(`mark ${marks.wan}/0x3f00, mark ${marks.wan6}/0x3f00`);
      expect(r.stderr).toContain(`${v6.eth1}2`);
    });

    /** wan's ifdown once mwan3's own ifdown (15-mwan3, run before this hook) deleted wan's rules; wan6's stay until its own ifdown. */
    async function ifdownAfterMwan3DeletedRules(): Promise<void> {
      await delRule(rules[0]!);
      await delRule(rules[1]!);
      try {
        const before = await startAllFlows();
        const r = await fire(false, 'ifdown', 'wan', '');
        const after = await allFlows();
        expect(after.filter((f) => uplinkOf(f) === 'eth1').map((f) => f.line)).toEqual([]);
        expect(kinds(after, 'wlan0')).toEqual(kinds(before, 'wlan0'));
        expect(r.stderr).toContain(`mark ${marks.wan}/0x3f00`);
      } finally {
        await addRule(rules[0]!);
        await addRule(rules[1]!);
      }
    }

    it('ifdown after mwan3 took the interface’s rules away: the marks seen at its last event still clear its routed flows', async () => {
      await fire(false, 'disconnected', 'wan', 'eth1');
      await ifdownAfterMwan3DeletedRules();
    });

    it('seeded by the apply right after mwan3’s reload: an ifdown that is the uplink’s first event still clears its routed flows', async () => {
      await labExec(NAME, 'r01', ['rm', '-rf', conntrackHookStateDir]);
      // What commit runs once mwan3 is reloaded: the installed hook's seed, as the router runs it
      // (the hook in the router's private /tmp: its /etc is the host's).
      const hookPath = '/tmp/19-switchyard-conntrack';
      await labExec(NAME, 'r01', ['sh', '-c', `cat > ${hookPath} && ${conntrackHookSeedCommand(hookPath).text}`], { input: conntrackHookText(config(false)) });
      try {
        await ifdownAfterMwan3DeletedRules();
      } finally {
        await labExec(NAME, 'r01', ['rm', '-f', hookPath]);
      }
    });

    it('connected with Forced Refresh Streams on: the backup’s flows of every kind move, the returning primary’s stay', async () => {
      const before = await startAllFlows();
      const r = await fire(true, 'connected', 'wan', 'eth1');
      const after = await allFlows();
      expect(after.filter((f) => uplinkOf(f) === 'wlan0').map((f) => f.line)).toEqual([]);
      expect(kinds(after, 'eth1')).toEqual(kinds(before, 'eth1'));
      expect(r.stderr).toMatch(/wan connected: cleared [1-9]\d* connections of wanb \(.*mark 0x200\/0x3f00, mark 0x400\/0x3f00\) \(Forced Refresh Streams\)/);
    });
  });

  it('an interface Switchyard does not manage (the LAN) is left alone', async () => {
    await startFlows();
    const before = await flows();
    const r = await fire(true, 'disconnected', 'lan', 'eth0');
    expect(r.stderr).toBe('');
    expect((await flows()).length).toBe(before.length);
  });
});
