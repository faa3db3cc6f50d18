// "Fill in suggested targets" on the lab (issue 12 item 8): the suggestions are targets that
// answer from where the router is, checked by the router itself; when none answers, the message
// names the targets, the uplink, whether its gateway answers, and what to do. The lab's targets
// reach the core as configuration (as the demo passes them), never from product code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetSuggestion } from '../../src/shared/failover-schemas.ts';
import { addDetectedLabRouter, contractCaller, openLabCore, type LabCore } from '../helpers/lab-router.ts';
import { impair, labExec } from '../lab/lab.ts';
import { labFixture } from '../lab/lab-fixture.ts';

const labName = 'targets';
const lab = labFixture({ name: labName, routers: 1, wans: 4 });

describe.skipIf(lab.skipReason)('suggested tracking targets on the lab router', () => {
  const labCores: LabCore[] = [];
  afterAll(async () => {
    for (const labCore of labCores) await labCore.close();
  });

  /** A core with the lab router registered, its key pinned from the lab's record, detected. */
  async function coreWith(trackTargets: readonly string[]) {
    const labCore = await openLabCore('sy-targets-', { trackTargets });
    labCores.push(labCore);
    const { core } = labCore;
    const { call } = contractCaller(core);
    const { id, detection } = await addDetectedLabRouter(core, lab.info().routers[0]!, { routerName: 'Shop router' });
    const wans = detection.uplinks.map((u) => ({ name: u.name, device: u.device, ...(u.gateway && { gateway: u.gateway }) }));
    return { suggest: () => call<{ tried: string[]; wans: TargetSuggestion[] }>('failover.suggestTargets', { routerId: id, wans }) };
  }

  /** The router's own answer, outside Switchyard: does TARGET answer a ping through DEVICE? */
  const routerPings = async (device: string, target: string) => (await labExec(labName, 'r01', ['ping', '-c', '2', '-W', '2', '-I', device, target], { allowFailure: true, timeoutMs: 30_000 })).exitCode === 0;

  let withLabTargets: { tried: string[]; wans: TargetSuggestion[] };
  beforeAll(async () => {
    withLabTargets = await (await coreWith(lab.info().probeTargets.icmp)).suggest();
  });

  it('suggests the configured targets that answer, tested through the uplink that can be, none shared', async () => {
    const labTargets = lab.info().probeTargets.icmp;
    const byWan = Object.fromEntries(withLabTargets.wans.map((w) => [w.wan, w]));
    expect(Object.keys(byWan).sort()).toEqual(['eth1', 'usb0', 'wlan0', 'wwan0']);
    expect(withLabTargets.tried.slice(0, labTargets.length)).toEqual(labTargets);
    // eth1 carries the default route: its targets were pinged through it, and the router agrees.
    expect(byWan.eth1!.checked).toBe('through-uplink');
    expect(byWan.eth1!.targets.length).toBeGreaterThan(0);
    for (const t of byWan.eth1!.targets) {
      expect(labTargets).toContain(t);
      expect(await routerPings('eth1', t), `${t} through eth1`).toBe(true);
    }
    // The backups have no route of their own before failover is applied: said, not pretended.
    for (const wan of ['wlan0', 'usb0', 'wwan0']) {
      expect(byWan[wan]!.checked, wan).toBe('through-other-uplink');
      expect(byWan[wan]!.message).toContain(`${wan} has no route of its own until failover is applied`);
      expect(byWan[wan]!.targets.length, wan).toBeGreaterThan(0);
      for (const t of byWan[wan]!.targets) expect(labTargets).toContain(t);
    }
    const all = withLabTargets.wans.flatMap((w) => w.targets);
    expect(new Set(all).size).toBe(all.length);
  });

  it('suggests the router’s own DNS server when nothing is configured: the lab’s resolver answers ping through eth1', async () => {
    const resolverOnly = await (await coreWith([])).suggest();
    const dnsServer = lab.info().dns!.server;
    // The router's resolv.conf first, then the public resolvers.
    expect(resolverOnly.tried[0]).toBe(dnsServer);
    expect(resolverOnly.tried).toEqual(expect.arrayContaining(['1.1.1.1', '8.8.8.8']));
    const eth1 = resolverOnly.wans.find((w) => w.wan === 'eth1')!;
    expect(await routerPings('eth1', dnsServer)).toBe(true);
    expect(eth1).toMatchObject({ checked: 'through-uplink', targets: [dnsServer] });
    // The one address that answers is not handed to a second uplink as well.
    for (const w of resolverOnly.wans.filter((x) => x.wan !== 'eth1')) expect(w.targets).toEqual([]);
  });

  it('says which targets did not answer, through which uplink, and what to do, when none does', async () => {
    // eth1 blackholed beyond its gateway: neither the resolver nor a public address answers.
    await impair(labName, 'r01', 'eth1', { kind: 'blackhole' });
    try {
      const publicOnly = await (await coreWith([])).suggest();
      const eth1 = publicOnly.wans.find((w) => w.wan === 'eth1')!;
      const gateway = lab.info().routers[0]!.wans.find((w) => w.name === 'eth1')!.gateway;
      // The lab has no way to the real internet: the router itself confirms 1.1.1.1 is silent.
      expect(await routerPings('eth1', '1.1.1.1')).toBe(false);
      expect(eth1.checked).toBe('none-answered');
      expect(eth1.targets).toEqual([]);
      // Every target tried is named, the router's own resolvers first, then the public ones.
      expect(eth1.message).toContain(`None of ${publicOnly.tried.join(', ')} answered`);
      expect(publicOnly.tried).toEqual(expect.arrayContaining([lab.info().dns!.server, '1.1.1.1', '8.8.8.8']));
      expect(eth1.message).toContain(`answered through eth1 (its gateway ${gateway} answers)`);
      expect(eth1.message).toContain('type a target it answers');
      for (const w of publicOnly.wans) expect(w.targets).toEqual([]);
    } finally {
      await impair(labName, 'r01', 'eth1', { kind: 'clear' });
    }
  });
});
