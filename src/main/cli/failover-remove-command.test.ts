// `switchyard failover remove`: prints what would change and removes nothing without --yes; with
// --yes it removes exactly the plan it printed (the core refuses if the router changed since).
import { describe, expect, it } from 'vitest';
import type { RemovePlan } from '../../shared/failover-schemas.ts';
import type { CliContext } from './cli-command.ts';
import { failoverCommands } from './failover-commands.ts';

const remove = failoverCommands.find((c) => c.path.join(' ') === 'failover remove')!;
const plan: RemovePlan = {
  changes: ["mwan3.sy_policy: remove Switchyard's policy", "mwan3.wan.interval: '1' → '5'"],
  nativeDiff: "--- /etc/config/mwan3\n+++ /etc/config/mwan3\n-\toption interval '1'\n+\toption interval '5'\n",
  adminEdits: [{ package: 'mwan3', section: 'wan', option: 'up', original: "'8'", switchyard: "'3'", now: "'4'" }],
  basedOn: '0123456789abcdef0123456789abcdef',
};

function context(options: Record<string, boolean | undefined> = {}) {
  const calls: { method: string; params: unknown }[] = [];
  const ctx = {
    positionals: ['Shop router'],
    options,
    call: async (method: string, params: unknown) => {
      calls.push({ method, params });
      if (method === 'routers.list') return { routers: [{ id: 'r1', name: 'Shop router' }] };
      if (method === 'failover.planRemove') return plan;
      if (method === 'failover.remove') return { removed: true };
      throw new Error(`unexpected ${method}`);
    },
    readSecret: async () => '',
  } as unknown as CliContext;
  return { ctx, calls };
}

describe('switchyard failover remove', () => {
  it('without --yes shows the plan (words, the router’s diff, the admin’s later edits) and removes nothing', async () => {
    const { ctx, calls } = context();
    const result = await remove.run(ctx);
    expect(calls.map((c) => c.method)).not.toContain('failover.remove');
    const text = remove.format(result as never);
    expect(text).toContain("  - mwan3.sy_policy: remove Switchyard's policy");
    expect(text).toContain("-\toption interval '1'\n+\toption interval '5'");
    expect(text).toContain("mwan3.wan.up: now '4' (Switchyard wrote '3'; before Switchyard '8')");
    expect(text).toContain("Nothing was removed. To remove it as shown, run: switchyard failover remove 'Shop router' --yes");
  });

  it('with --yes removes the plan it showed, by its fingerprint, and passes --restore-admin-edits on', async () => {
    const { ctx, calls } = context({ yes: true, 'restore-admin-edits': true });
    const result = await remove.run(ctx);
    expect(calls.find((c) => c.method === 'failover.remove')?.params).toEqual({ routerId: 'r1', basedOn: plan.basedOn, restoreAdminEdits: true });
    expect(remove.format(result as never)).toMatch(/put back to the original \(--restore-admin-edits\)[^]*Removed: /);
  });

  it('prints a note about the plan beside it, not as a change', () => {
    const text = remove.format({ removed: false, plan: { ...plan, changes: ['Stop and delete the agent'], nativeDiff: '', note: 'No line-by-line view here.' }, router: 'r', restoreAdminEdits: false } as never);
    expect(text).toContain('Remove changes on the router:\n  - Stop and delete the agent\n(No line-by-line view here.)');
  });
});
