// `switchyard failover apply --rule NAME=CHOICE` (issue 16 item 8): the flag reaches the plan, the
// output lists each router rule ahead of Switchyard's with the choice made and the others, and a
// malformed flag is refused before anything reaches a router. The plan comes from the mwan3 driver
// on the stock mwan3 config captured from openwrt/packages (its sticky https rule).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FailoverPolicy } from '../../shared/model.ts';
import { conntrackHookPath } from '../core/drivers/openwrt-mwan3/mwan3-conntrack-hook.ts';
import { readPendingCommand, routerPaths } from '../core/drivers/openwrt-mwan3/mwan3-apply-script.ts';
import { createOpenwrtMwan3Driver, mwan3Commands } from '../core/drivers/openwrt-mwan3/openwrt-mwan3-driver.ts';
import { createReplayShell, recorded, type Recording } from '../core/drivers/openwrt-mwan3/replay-shell.ts';
import { community, lab, readFixture } from '../core/drivers/openwrt-mwan3/test-fixtures.ts';
import type { CliContext } from './cli-command.ts';
import { UsageError } from './cli-command.ts';
import { failoverCommands } from './failover-commands.ts';

const apply = failoverCommands.find((c) => c.path.join(' ') === 'failover apply')!;
const ok = (stdout = ''): Recording => ({ stdout, exitCode: 0 });
// Synthetic: BusyBox cat's message for a missing file (the driver only reads the exit code).
const noFile = (path: string): Recording => ({ stdout: '', stderr: `cat: can't open '${path}': No such file or directory\n`, exitCode: 1 });
const driver = () =>
  createOpenwrtMwan3Driver(
    createReplayShell({
      [mwan3Commands.catHook.text]: noFile(conntrackHookPath),
      [mwan3Commands.catMwan3.text]: ok(readFixture(community, 'mwan3.default.config')),
      [mwan3Commands.catNetwork.text]: ok(readFixture('openwrt-19.07.7-mwan3-2.8.16-real', 'network.before-switchyard')),
      [mwan3Commands.changesMwan3.text]: recorded(lab, 'uci_edit__uci-changes-mwan3-after-commit'),
      [readPendingCommand().text]: noFile(routerPaths.armed),
    }),
    { facts: { mwan3Installed: true, supportsUse: false, hasHttping: false, hasArping: false } },
  );

const tracking: FailoverPolicy['wans'][number]['tracking'] = { method: 'ping', targets: ['203.0.113.10'], reliability: 1, intervalSec: 1, timeoutSec: 1, downCount: 3, upCount: 3, failureIntervalSec: 1 };
const policy: FailoverPolicy = {
  mode: 'failover',
  forcedRefreshStreams: false,
  wans: [
    { name: 'wan', device: 'eth1', kind: 'ethernet', priority: 1, weight: 1, enabled: true, tracking },
    { name: 'wanb', device: 'eth2', kind: 'ethernet', priority: 2, weight: 1, enabled: true, tracking },
  ],
};
const file = join(mkdtempSync(join(tmpdir(), 'sy-rules-')), 'policy.json');
writeFileSync(file, JSON.stringify(policy));

function context(rule: string[] | undefined) {
  const sent: FailoverPolicy[] = [];
  const ctx = {
    positionals: ['Shop router'],
    options: { file, ...(rule ? { rule } : {}) },
    call: async (method: string, params: { policy: FailoverPolicy }) => {
      if (method === 'routers.list') return { routers: [{ id: 'r1', name: 'Shop router' }] };
      if (method === 'failover.plan') {
        sent.push(params.policy);
        return driver().plan(params.policy);
      }
      if (method === 'failover.apply') return { revertAtMs: null, verification: { ok: true, activeWans: ['wan'], problems: [] } };
      throw new Error(`unexpected ${method}`);
    },
    readSecret: async () => '',
  } as unknown as CliContext;
  return { ctx, sent };
}

describe('switchyard failover apply --rule', () => {
  it('without a flag shows the https rule, the default choice and the others', async () => {
    const { ctx } = context(undefined);
    const text = apply.format((await apply.run(ctx)) as never);
    expect(text).toContain("Router rules ahead of Switchyard's that send traffic elsewhere (choose with --rule NAME=CHOICE):");
    expect(text).toContain('  https (TCP to port 443, sticky → mwan3 policy "balanced"): first (default) — Switchyard\'s rule goes above it, so its traffic follows your uplink order; choices: leave, disable, first');
  });

  it('--rule https=leave reaches the plan and the output says the rule stays ahead', async () => {
    const { ctx, sent } = context(['https=leave']);
    const text = apply.format((await apply.run(ctx)) as never);
    expect(sent[0]!.routerRules).toEqual({ https: 'leave' });
    expect(text).toContain('  https (TCP to port 443, sticky → mwan3 policy "balanced"): leave — stays ahead');
    expect(text).toContain('stays ahead of Switchyard\'s, as chosen');
  });

  it('refuses a malformed flag with the form to use, before asking the router anything', async () => {
    const { ctx, sent } = context(['https=maybe']);
    await expect(apply.run(ctx)).rejects.toThrow(UsageError);
    await expect(apply.run(ctx)).rejects.toThrow('--rule https=maybe: write it as --rule NAME=CHOICE, with NAME a rule of /etc/config/mwan3 (or @rule[N]) and CHOICE one of leave, disable, first; e.g. --rule https=leave.');
    expect(sent).toEqual([]);
  });
});
