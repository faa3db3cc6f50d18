// Issue 16 item 8 on real files: the router's rules ahead of Switchyard's that would send traffic
// elsewhere (mwan3's stock sticky `https` rule on `balanced`, an admin's `voip` rule) are listed in
// the plan with a choice each; every choice gives the expected file, edited in place; remove gives
// back the admin's file byte for byte.
import { describe, expect, it } from 'vitest';
import type { FailoverPolicy, RouterRuleChoice, Wan } from '../../../../shared/model.ts';
import { appliedCopy, readPendingCommand, routerPaths } from './mwan3-apply-script.ts';
import { mwan3ToPolicy } from './mwan3-policy-map.ts';
import { conntrackHookPath } from './mwan3-conntrack-hook.ts';
import { createOpenwrtMwan3Driver, mwan3Commands } from './openwrt-mwan3-driver.ts';
import { recorded, type ReplayMap } from './replay-shell.ts';
import { createStagingShell, outsideSwitchyard } from './staging-replay.ts';
import { capturedFacts as facts, community, installOk, lab, noFile, ok, readFixture, removeOk } from './test-fixtures.ts';
import { parseUciConfigFile } from './uci/uci-parse.ts';

// Real: the shop's hand-edited file on OpenWrt 19.07.7 + mwan3 2.8.16 (stock https rule, the admin's voip rule).
const real = 'openwrt-19.07.7-mwan3-2.8.16-real';
const handEdited = readFixture(real, 'mwan3.before-switchyard');
const network = readFixture(real, 'network.before-switchyard');
// Captured from openwrt/packages (the file mwan3 installs): the stock rules 22.03's mwan3 2.11 ships too
// (https sticky on balanced, then default_rule_v4/v6). No device capture of 22.03 exists here.
const stock = readFixture(community, 'mwan3.default.config');


const tracking: Wan['tracking'] = { method: 'ping', targets: ['203.0.113.10', '203.0.113.11'], reliability: 1, intervalSec: 1, timeoutSec: 1, downCount: 3, upCount: 3, failureIntervalSec: 1 };
const policy = (routerRules?: Record<string, RouterRuleChoice>): FailoverPolicy => ({
  mode: 'failover',
  forcedRefreshStreams: false,
  wans: [
    { name: 'wan', device: 'eth1', kind: 'ethernet', gateway: '100.64.1.1', priority: 1, weight: 1, enabled: true, tracking },
    { name: 'wanb', device: 'eth2', kind: 'ethernet', gateway: '100.64.2.1', priority: 2, weight: 1, enabled: true, tracking },
  ],
  ...(routerRules ? { routerRules } : {}),
});

type State = { mwan3: string; orig?: string; applied?: string; hook?: string };
function router(state: State): ReplayMap {
  return {
    [mwan3Commands.catHook.text]: state.hook !== undefined ? ok(state.hook) : noFile(conntrackHookPath),
    [mwan3Commands.catMwan3.text]: ok(state.mwan3),
    [mwan3Commands.catNetwork.text]: ok(network),
    [mwan3Commands.exportMwan3.text]: ok(state.mwan3),
    // Recorded on the 2.12 lab: `uci changes mwan3` prints nothing when nothing is pending.
    [mwan3Commands.changesMwan3.text]: recorded(lab, 'uci_edit__uci-changes-mwan3-after-commit'),
    [mwan3Commands.networkDump.text]: ok('{"interface":[]}'),
    [readPendingCommand().text]: noFile(routerPaths.armed),
    [mwan3Commands.readMwan3Original.text]: state.orig !== undefined ? ok(state.orig) : noFile(routerPaths.original('mwan3')),
    [mwan3Commands.readNetworkOriginal.text]: state.orig !== undefined ? ok(network) : noFile(routerPaths.original('network')),
    [mwan3Commands.readMwan3Applied.text]: state.applied !== undefined ? ok(state.applied) : noFile(appliedCopy('mwan3')),
    [mwan3Commands.readNetworkApplied.text]: noFile(appliedCopy('network')),
  };
}

const planOn = (mwan3: string, p: FailoverPolicy, hook?: string) => createOpenwrtMwan3Driver(createStagingShell(router({ mwan3, ...(hook !== undefined ? { hook } : {}) })), { facts }).plan(p);

/** The mwan3 file after apply, and Switchyard's connection hook it installed (item 4's, not this item's). */
let lastHook: string | undefined;
async function apply(mwan3: string, p: FailoverPolicy): Promise<string> {
  const shell = createStagingShell(router({ mwan3 }), [installOk]);
  const driver = createOpenwrtMwan3Driver(shell, { facts });
  const plan = await driver.plan(p);
  expect(plan.problems).toEqual([]);
  await driver.commit(plan, { revertInSec: 60 });
  lastHook = shell.staged['own.0'];
  return shell.staged.mwan3 ?? mwan3;
}

async function removeFrom(applied: string, original: string, current = applied): Promise<{ text: string; changes: readonly string[] }> {
  const shell = createStagingShell(router({ mwan3: current, orig: original, applied }), [removeOk]);
  const driver = createOpenwrtMwan3Driver(shell, { facts });
  const preview = await driver.planRemove();
  await driver.remove();
  return { text: shell.staged.mwan3 ?? current, changes: preview.changes };
}

/** Section names of the rules, top to bottom: mwan3's order of matching. */
const rules = (text: string): string[] => parseUciConfigFile(text, 'mwan3').sections.filter((s) => s.type === 'rule').map((s) => s.name ?? '?');

describe('the router’s rules ahead of Switchyard’s (issue 16 item 8)', () => {
  it('the stock file (what 22.03 ships): the plan lists the sticky https rule with its three choices; by default HTTPS follows the user’s order', async () => {
    const plan = await planOn(stock, policy());
    expect(plan.problems).toEqual([]);
    expect(plan.routerRules).toEqual([{ rule: 'https', summary: 'TCP to port 443, sticky → mwan3 policy "balanced"', choice: 'first', defaultChoice: 'first', allowed: ['leave', 'disable', 'first'], unavailable: [] }]);
    expect(plan.changes).toContainEqual(expect.objectContaining({ subject: 'Router rule "https" (TCP to port 443, sticky → mwan3 policy "balanced")', to: expect.stringContaining('follows your uplink order') }));
    const after = await apply(stock, policy());
    // Matching is first-match top to bottom: Switchyard's rule now takes HTTPS before the stock rule does.
    expect(rules(after)).toEqual(['sy_default', 'https', 'default_rule_v4', 'default_rule_v6']);
    // Only Switchyard's own section moved; the stock rule's bytes and place among the others stay.
    expect(outsideSwitchyard(after, ['wan', 'wanb'])).toBe(outsideSwitchyard(stock, ['wan', 'wanb']));
    expect((await removeFrom(after, stock)).text).toBe(stock);
  });

  it('leave keeps the https rule ahead (the old behaviour), and says so in the plan', async () => {
    const plan = await planOn(stock, policy({ https: 'leave' }));
    expect(plan.routerRules?.[0]).toMatchObject({ rule: 'https', choice: 'leave', defaultChoice: 'first' });
    expect(plan.notes).toContainEqual(expect.stringContaining('"https" (TCP to port 443, sticky → mwan3 policy "balanced") stays ahead of Switchyard\'s, as chosen'));
    const after = await apply(stock, policy({ https: 'leave' }));
    expect(rules(after)).toEqual(['https', 'sy_default', 'default_rule_v4', 'default_rule_v6']);
    // Read back, the router says the rule was left ahead, so the next plan keeps it there (no change).
    const read = mwan3ToPolicy(parseUciConfigFile(after, 'mwan3'), () => undefined);
    expect(read?.routerRules).toEqual({ https: 'leave' });
    const again = await planOn(after, { ...policy(), routerRules: read!.routerRules! }, lastHook);
    expect(again.nativeDiff).toMatch(/^# no change$/m);
  });

  it('on the hand-edited 19.07.7 file each choice gives the expected file, and remove gives back every byte', async () => {
    const cases: { choices: Record<string, RouterRuleChoice>; order: string[] }[] = [
      // Default: Switchyard's rule goes above both (only its own section moves).
      { choices: {}, order: ['sy_default', 'voip', 'https', 'default_rule_v4', 'default_rule_v6'] },
      { choices: { voip: 'leave' }, order: ['voip', 'sy_default', 'https', 'default_rule_v4', 'default_rule_v6'] },
      { choices: { voip: 'leave', https: 'disable' }, order: ['voip', 'sy_default', 'https', 'default_rule_v4', 'default_rule_v6'] },
      // https stays ahead: voip can only be disabled, by moving it (with its comment) below Switchyard's rule.
      { choices: { https: 'leave' }, order: ['https', 'sy_default', 'voip', 'default_rule_v4', 'default_rule_v6'] },
      { choices: { https: 'leave', voip: 'disable' }, order: ['https', 'sy_default', 'voip', 'default_rule_v4', 'default_rule_v6'] },
      { choices: { https: 'leave', voip: 'leave' }, order: ['voip', 'https', 'sy_default', 'default_rule_v4', 'default_rule_v6'] },
    ];
    for (const c of cases) {
      const after = await apply(handEdited, policy(c.choices));
      expect(rules(after), JSON.stringify(c.choices)).toEqual(c.order);
      // The admin's note travels with the admin's rule, and the rule's odd quoting and spacing stay.
      expect(after).toContain('# hand-edited by the shop\'s admin: keep VoIP on wanb\nconfig rule "voip"\n\toption dest_ip  \'203.0.113.99\'\n\toption proto udp\n\toption use_policy "wanb_wan"   # trailing comment\n');
      const removed = await removeFrom(after, handEdited);
      expect(removed.text, JSON.stringify(c.choices)).toBe(handEdited);
      if (c.order.indexOf('voip') > c.order.indexOf('sy_default') && c.choices.https === 'leave') expect(removed.changes).toContain('mwan3.voip: back before "https", where it was before Switchyard');
    }
  });

  it('refuses a choice it cannot make, and a rule name the file does not have, with what to do instead', async () => {
    const plan = await planOn(handEdited, policy({ https: 'leave', voip: 'first' }));
    expect(plan.problems).toEqual([
      'The router\'s rule "voip": cannot put Switchyard’s rule above it: Switchyard\'s rule would also pass "https" (TCP to port 443, sticky → mwan3 policy "balanced"), which stays ahead. Choose "leave" or "disable" for it.',
    ]);
    const typo = await planOn(handEdited, policy({ htps: 'leave' }));
    expect(typo.problems).toEqual([expect.stringContaining('There is no rule "htps" in /etc/config/mwan3 (its rules: voip, https, default_rule_v4, default_rule_v6)')]);
  });

  it('rules that send to Switchyard’s own policy, to the main table or nowhere stay ahead untouched; IPv6-only rules are not listed', async () => {
    // Hand edits on top of the real file, as an admin might add them: a block rule and a main-table
    // rule above https, an IPv6-only rule, and (after Switchyard's apply) a card-terminal rule on sy_policy.
    const edited = handEdited.replace(
      "config rule 'https'",
      "config rule 'no_smtp'\n\toption proto 'tcp'\n\toption dest_port '25'\n\toption use_policy 'unreachable'\n\nconfig rule 'vpn'\n\toption dest_ip '10.8.0.0/24'\n\toption use_policy 'default'\n\nconfig rule 'v6_https'\n\toption family 'ipv6'\n\toption proto 'tcp'\n\toption dest_port '443'\n\toption use_policy 'balanced'\n\nconfig rule 'https'",
    );
    const plan = await planOn(edited, policy());
    // https is below the protected rules: Switchyard's rule goes above it. voip is above them: it can
    // only be disabled (moved below Switchyard's rule), which is its default; v6_https is not listed.
    expect(plan.routerRules?.map((r) => [r.rule, r.choice, r.allowed])).toEqual([
      ['voip', 'disable', ['leave', 'disable']],
      ['https', 'first', ['leave', 'disable', 'first']],
    ]);
    expect(plan.notes).toContainEqual(expect.stringContaining('"vpn" (to 10.8.0.0/24 → the main routing table) stays ahead of Switchyard\'s'));
    expect(plan.notes).toContainEqual(expect.stringContaining('"no_smtp" (TCP to port 25 → nowhere (unreachable)) stays ahead'));
    const after = await apply(edited, policy());
    expect(rules(after)).toEqual(['no_smtp', 'vpn', 'v6_https', 'sy_default', 'voip', 'https', 'default_rule_v4', 'default_rule_v6']);
    expect((await removeFrom(after, edited)).text).toBe(edited);
    // An admin's rule that sends to Switchyard's own policy already follows the user's order: not listed, never passed.
    const withCard = after.replace("config rule 'sy_default'", "config rule 'card'\n\toption dest_ip '198.51.100.7'\n\toption use_policy 'sy_policy'\n\nconfig rule 'sy_default'");
    const again = await planOn(withCard, policy(), lastHook);
    expect(again.routerRules ?? []).toEqual([]);
    expect(again.nativeDiff).toMatch(/^# no change$/m);
  });
});
