// `switchyard failover …`: the safe-apply cycle from a terminal. `enable` writes a draft policy
// (from what the router has) for the user to complete; `apply --file` plans, commits with the
// router's revert timer and verifies; `confirm` keeps it, `rollback` or silence undoes it.
import { writeFileSync } from 'node:fs';
import type { ResponseOf } from '../../shared/api/contract.ts';
import { initialPolicy } from '../../shared/initial-policy.ts';
import { standbyLine } from '../../shared/standby-words.ts';
import { wanStateText } from '../../shared/probed-words.ts';
import { failoverPolicySchema, routerRuleChoices, routerRuleChoiceSchema, routerRuleKeySchema, type FailoverPolicy, type RouterRuleChoice } from '../../shared/model.ts';
import { CliApiError, UsageError, type CliCommand, type CliContext } from './cli-command.ts';
import { maxPolicyFileBytes, readCappedTextFile } from './read-capped-file.ts';
import { resolveRouter } from './router-arg.ts';
import { quoteArg } from '../core/transport/ssh/shell-quote.ts';

type Status = ResponseOf<'failover.status'>;

/**
 * A connection lost after a change went out leaves the router with an unconfirmed change that
 * it undoes by itself: the error says so (from the core), and here which commands to run.
 */
async function withNextSteps<T>(router: string, call: () => Promise<T>, knownRevertAtMs: number | null = null): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof CliApiError) || error.error.code !== 'connection-lost') throw error;
    const details = error.error.details ?? {};
    const revertAtMs = typeof details.revertAtMs === 'number' ? details.revertAtMs : knownRevertAtMs;
    if (revertAtMs === null) throw error;
    const quoted = quoteArg(router);
    const head = details.unconfirmedChange
      ? error.error.message
      : `The connection to the router dropped while confirming. The router may still hold the new settings unconfirmed; if so it restores the previous ones by itself at ${new Date(revertAtMs).toLocaleTimeString('en-GB', { hour12: false })}. (${error.error.message})`;
    throw new CliApiError({
      ...error.error,
      message: [
        head,
        `Once the router answers again (before ${new Date(revertAtMs).toLocaleTimeString('en-GB', { hour12: false })}):`,
        `  switchyard failover status ${quoted}      # what it runs now, and whether a change waits`,
        `  switchyard failover confirm ${quoted}     # keep the new settings`,
        `  switchyard failover rollback ${quoted}    # go back to the previous ones now`,
      ].join('\n'),
      details: { ...details, revertAtMs },
    });
  }
}

export const failoverCommands: readonly CliCommand[] = [
  {
    path: ['failover', 'status'],
    usage: 'switchyard failover status ROUTER [--json]',
    summary: "The failover engine's live state: each uplink, which carries the traffic, a pending revert.",
    run: async (ctx) => ctx.call('failover.status', { routerId: await routerArg(ctx) }),
    format: formatStatus,
  },
  {
    path: ['failover', 'enable'],
    usage: 'switchyard failover enable ROUTER [--out FILE] [--json]',
    summary: 'Write a draft policy from the uplinks the router has (its current one if enabled) to edit, then apply with --file.',
    options: { out: { type: 'string' } },
    run: async (ctx) => {
      const routerId = await routerArg(ctx);
      const state = await ctx.call('failover.get', { routerId });
      const policy = state.policy ?? initialPolicy(state.platform, state.candidates, state.capabilities);
      const plan = await ctx.call('failover.plan', { routerId, policy });
      const out = ctx.options.out as string | undefined;
      if (out) writeFileSync(out, `${JSON.stringify(policy, null, 2)}\n`, { mode: 0o600 });
      return { file: out ?? null, policy, stillNeeded: plan.problems };
    },
    format: (r: { file: string | null; policy: FailoverPolicy; stillNeeded: readonly string[] }) =>
      [
        r.file ? `Draft written to ${r.file}.` : JSON.stringify(r.policy, null, 2),
        ...(r.stillNeeded.length ? ['Before it can be applied:', ...r.stillNeeded.map((p) => `  - ${p}`)] : ['It can be applied as it is.']),
        `Then: switchyard failover apply ROUTER --file ${r.file ?? 'FILE'}`,
      ].join('\n'),
  },
  {
    path: ['failover', 'apply'],
    usage: 'switchyard failover apply ROUTER --file FILE [--rule NAME=leave|disable|first]… [--revert-in SEC] [--confirm] [--json]',
    summary: "Show what changes, apply it with a revert timer on the router, verify; then confirm (or pass --confirm to keep it when verified). --rule says what to do with a router rule ahead of Switchyard's (the plan lists them).",
    options: { file: { type: 'string' }, rule: { type: 'string', multiple: true }, 'revert-in': { type: 'string' }, confirm: { type: 'boolean' } },
    run: async (ctx) => {
      // The file first: a bad one is refused before anything reaches a router.
      const policy = withRuleFlags(readPolicyFile(ctx.options.file as string | undefined), ctx.options.rule as unknown as readonly string[] | undefined);
      const routerId = await routerArg(ctx);
      const revertInSec = ctx.options['revert-in'] === undefined ? 60 : Number(ctx.options['revert-in']);
      const plan = await ctx.call('failover.plan', { routerId, policy });
      if (plan.problems.length) return { applied: false, plan, result: null, confirmed: false };
      const router = ctx.positionals[0] ?? routerId;
      const result = await withNextSteps(router, () => ctx.call('failover.apply', { routerId, policy, revertInSec }));
      const confirmed = Boolean(ctx.options.confirm) && result.verification.ok;
      if (confirmed) await withNextSteps(router, () => ctx.call('failover.confirm', { routerId }), result.revertAtMs);
      return { applied: true, plan, result, confirmed };
    },
    format: (r: { applied: boolean; plan: ResponseOf<'failover.plan'>; result: ResponseOf<'failover.apply'> | null; confirmed: boolean }) => {
      const lines = r.plan.changes.length ? ['Changes:', ...r.plan.changes.map((c) => `  ${c.kind === 'add' ? '+' : c.kind === 'remove' ? '-' : '~'} ${c.subject}${c.from !== undefined ? `: ${c.from} → ${c.to}` : c.to ? `: ${c.to}` : ''}`)] : ['No change.'];
      lines.push(...formatRouterRules(r.plan));
      if (!r.applied) return [...lines, 'Nothing was applied:', ...r.plan.problems.map((p) => `  - ${p}`)].join('\n');
      const v = r.result!.verification;
      lines.push(`Predicted worst-case failover: ${r.plan.predictedFailoverSec} s.`);
      lines.push(v.ok ? `Verified: ${v.activeWans.join(' + ')} carries the traffic.` : `Verification found problems:\n${v.problems.map((p) => `  - ${p}`).join('\n')}`);
      if (r.confirmed) lines.push('Confirmed: the router keeps the new settings.');
      else if (r.result!.revertAtMs) lines.push(`Not confirmed yet: the router restores the previous settings at ${new Date(r.result!.revertAtMs).toLocaleTimeString()} unless you run: switchyard failover confirm ROUTER`);
      return lines.join('\n');
    },
  },
  simple('confirm', 'Keep the settings applied last (disarms the revert timer).', (ctx, routerId) => ctx.call('failover.confirm', { routerId })),
  simple('rollback', 'Go back to the settings before the last apply, now.', (ctx, routerId) => ctx.call('failover.rollback', { routerId })),
  {
    path: ['failover', 'force'],
    usage: 'switchyard failover force ROUTER WAN|auto [--json]',
    summary: 'Send all traffic over one uplink now, or back to automatic failover.',
    run: async (ctx) => {
      const routerId = await routerArg(ctx);
      const wan = ctx.positionals[1];
      if (!wan) throw new UsageError('Say which uplink, or auto: switchyard failover force ROUTER WAN|auto');
      return ctx.call('failover.force', { routerId, wan });
    },
    format: formatStatus,
  },
  {
    path: ['failover', 'remove'],
    usage: 'switchyard failover remove ROUTER [--yes] [--restore-admin-edits] [--json]',
    summary: "Show what removing Switchyard's failover changes on the router; with --yes, remove it and put back what Switchyard changed.",
    options: { yes: { type: 'boolean' }, 'restore-admin-edits': { type: 'boolean' } },
    run: async (ctx) => {
      const routerId = await routerArg(ctx);
      const plan = await ctx.call('failover.planRemove', { routerId });
      const restoreAdminEdits = Boolean(ctx.options['restore-admin-edits']);
      if (!ctx.options.yes) return { removed: false, plan, router: ctx.positionals[0] ?? routerId, restoreAdminEdits };
      // The plan just shown is the one agreed to: the core refuses if the router changed since.
      const r = await ctx.call('failover.remove', { routerId, basedOn: plan.basedOn, ...(restoreAdminEdits && { restoreAdminEdits }) });
      return { removed: r.removed, plan, router: ctx.positionals[0] ?? routerId, restoreAdminEdits };
    },
    format: formatRemove,
  },
];

/** Each --rule NAME=CHOICE over the policy file's routerRules; a malformed one is refused with the form to use. */
export function withRuleFlags(policy: FailoverPolicy, flags: readonly string[] | undefined): FailoverPolicy {
  if (!flags || flags.length === 0) return policy;
  const rules: Record<string, RouterRuleChoice> = { ...policy.routerRules };
  for (const flag of flags) {
    const [name = '', choice = '', extra] = flag.split('=');
    const key = routerRuleKeySchema.safeParse(name);
    const value = routerRuleChoiceSchema.safeParse(choice);
    if (extra !== undefined || !key.success || !value.success) {
      throw new UsageError(`--rule ${flag}: write it as --rule NAME=CHOICE, with NAME a rule of /etc/config/mwan3 (or @rule[N]) and CHOICE one of ${routerRuleChoices.join(', ')}; e.g. --rule https=leave.`);
    }
    rules[key.data] = value.data;
  }
  return { ...policy, routerRules: rules };
}

/** The router's rules ahead of Switchyard's, each with what this plan does and how to choose otherwise; then the plan's notes. */
export function formatRouterRules(plan: Pick<ResponseOf<'failover.plan'>, 'routerRules' | 'notes'>): string[] {
  const lines: string[] = [];
  if (plan.routerRules?.length) {
    lines.push("Router rules ahead of Switchyard's that send traffic elsewhere (choose with --rule NAME=CHOICE):");
    for (const r of plan.routerRules) {
      lines.push(`  ${r.rule} (${r.summary}): ${r.choice}${r.choice === r.defaultChoice ? ' (default)' : ''} — ${routerRuleChoiceWords[r.choice]}; choices: ${r.allowed.join(', ')}`);
      for (const u of r.unavailable) lines.push(`      not ${u.choice}: ${u.why}`);
    }
  }
  if (plan.notes?.length) lines.push('Notes:', ...plan.notes.map((n) => `  - ${n}`));
  return lines;
}

const routerRuleChoiceWords: Readonly<Record<RouterRuleChoice, string>> = {
  leave: 'stays ahead, its traffic keeps its own policy',
  disable: "moved below Switchyard's rule, so its traffic follows your uplink order",
  first: "Switchyard's rule goes above it, so its traffic follows your uplink order",
};

function simple(verb: 'confirm' | 'rollback', summary: string, run: (ctx: CliContext, routerId: string) => Promise<Status>): CliCommand {
  return { path: ['failover', verb], usage: `switchyard failover ${verb} ROUTER [--json]`, summary, run: async (ctx) => run(ctx, await routerArg(ctx)), format: formatStatus };
}

function formatRemove(r: { removed: boolean; plan: ResponseOf<'failover.planRemove'>; router: string; restoreAdminEdits: boolean }): string {
  const { plan } = r;
  const lines = plan.changes.length ? ['Remove changes on the router:', ...plan.changes.map((c) => `  - ${c}`)] : ['Remove changes nothing on the router.'];
  if (plan.nativeDiff) lines.push('', plan.nativeDiff.trimEnd(), '');
  if (plan.note) lines.push(`(${plan.note})`);
  if (plan.adminEdits.length) {
    lines.push(r.restoreAdminEdits ? 'Changed on the router since Switchyard wrote them, and put back to the original (--restore-admin-edits):' : 'Changed on the router since Switchyard wrote them, and kept as they are now (--restore-admin-edits puts back the original):');
    for (const e of plan.adminEdits) lines.push(`  ${e.package}.${e.section}.${e.option}: now ${e.now ?? 'unset'} (Switchyard wrote ${e.switchyard ?? 'unset'}; before Switchyard ${e.original ?? 'unset'})`);
  }
  if (r.removed) lines.push('Removed: what Switchyard changed is back as it was before failover was enabled.');
  else lines.push(`Nothing was removed. To remove it as shown, run: switchyard failover remove ${quoteArg(r.router)} --yes${r.restoreAdminEdits ? ' --restore-admin-edits' : ''}`);
  return lines.join('\n');
}

function formatStatus(s: Status): string {
  if (!s.enabled && s.wans.length === 0) return 'Failover is not enabled on this router. Start with: switchyard failover enable ROUTER --out policy.json';
  return [
    `Failover ${s.enabled ? 'on' : 'off'}${s.mode ? ` (${s.mode})` : ''}${s.forced !== 'auto' ? `, forced onto ${s.forced}` : ''}`,
    ...s.wans.map((w) => {
      const standby = standbyLine(w, undefined, Date.now());
      return `  ${w.active ? '*' : ' '} ${w.wan.padEnd(12)} ${wanStateText(w)}${w.score !== undefined ? `  score ${w.score}` : ''}${standby ? `  · ${standby}` : ''}`;
    }),
    ...(s.pendingRevertAtMs ? [`Waiting for confirmation: reverts at ${new Date(s.pendingRevertAtMs).toLocaleTimeString()}`] : []),
  ].join('\n');
}

async function routerArg(ctx: CliContext): Promise<string> {
  return (await resolveRouter(ctx, 'switchyard failover COMMAND ROUTER')).id;
}

function readPolicyFile(file: string | undefined): FailoverPolicy {
  if (!file) throw new UsageError('Say which policy file: --file FILE (switchyard failover enable ROUTER --out FILE writes a draft).');
  let value: unknown;
  try {
    value = JSON.parse(readCappedTextFile(file, maxPolicyFileBytes, 'policy file'));
  } catch (error) {
    throw new UsageError(`${file} could not be read as JSON: ${(error as Error).message}`);
  }
  const parsed = failoverPolicySchema.safeParse(value);
  if (!parsed.success) {
    throw new UsageError(`${file} is not a valid policy: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
