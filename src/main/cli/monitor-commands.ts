// The `switchyard monitor` and `switchyard history export` commands, over the same contract
// methods as the UI (monitor.start/stop, history.query/events/export). Append `monitorCommands`
// to the list in commands.ts.
import { writeFileSync } from 'node:fs';
import type { CliCommand, CliContext } from './cli-command.ts';
import { UsageError } from './cli-command.ts';
import { resolveRouter } from './router-arg.ts';
import type { LinkEvent } from '../../shared/model.ts';
import type { HistoryQueryResult, MonitorStatus } from '../../shared/api/monitor-schemas.ts';

function numberOption(ctx: CliContext, name: string, fallback: number, min: number, max: number): number {
  const raw = ctx.options[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}`);
  return n;
}

interface MonitorRun {
  readonly router: string;
  readonly seconds: number;
  readonly status: MonitorStatus;
  readonly history: HistoryQueryResult;
  readonly events: readonly LinkEvent[];
}

const fmt = (v: number | null | undefined, digits = 1, unit = '') => (v === null || v === undefined ? '—' : `${v.toFixed(digits)}${unit}`);
const mbps = (bps: number | null | undefined) => (bps === null || bps === undefined ? '—' : `${(bps / 1e6).toFixed(2)} Mbit/s`);

function formatRun(r: MonitorRun): string {
  const lines = [`${r.router}: ${r.seconds} s of monitoring (throughput from ${r.status.throughputSource})`];
  if (r.status.uplinks.some((u) => u.scope === 'gateway')) lines.push('  (gw): gateway only — the router has no route to the target through that uplink; its gateway is probed instead');
  for (const note of r.status.throughputNotes) lines.push(`  note: ${note}`);
  if (r.status.routerStatus?.message) lines.push(`  note: ${r.status.routerStatus.message}`);
  lines.push('', `${'uplink'.padEnd(10)} ${'state'.padEnd(10)} ${'median'.padStart(9)} ${'p95'.padStart(9)} ${'jitter'.padStart(8)} ${'loss'.padStart(7)} ${'rx'.padStart(14)} ${'tx'.padStart(14)}`);
  for (const u of r.status.uplinks) {
    const points = r.history.series.find((s) => s.wan === u.wan)?.points ?? [];
    const lat = points.flatMap((p) => (p.latencyMs === null ? [] : [p.latencyMs])).sort((a, b) => a - b);
    const p95s = points.flatMap((p) => (p.latencyP95Ms === null ? [] : [p.latencyP95Ms])).sort((a, b) => a - b);
    const jit = points.flatMap((p) => (p.jitterMs === null ? [] : [p.jitterMs]));
    const sent = points.reduce((a, p) => a + p.sent, 0);
    const received = points.reduce((a, p) => a + p.received, 0);
    const rx = points.flatMap((p) => (p.rxBps === null ? [] : [p.rxBps]));
    const tx = points.flatMap((p) => (p.txBps === null ? [] : [p.txBps]));
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
    lines.push(
      `${(u.scope === 'gateway' ? `${u.wan} (gw)` : u.wan).padEnd(10)} ${u.state.padEnd(10)} ${fmt(lat[Math.floor(lat.length / 2)], 1, ' ms').padStart(9)} ${fmt(p95s.at(-1), 1, ' ms').padStart(9)} ${fmt(mean(jit), 2, ' ms').padStart(8)} ${(sent ? `${((100 * (sent - received)) / sent).toFixed(0)} %` : '—').padStart(7)} ${mbps(mean(rx)).padStart(14)} ${mbps(mean(tx)).padStart(14)}`,
    );
    if (u.scopeNote) lines.push(`  ${u.wan}: ${u.scopeNote}`);
    if (u.message) lines.push(`  ${u.wan}: ${u.message}`);
  }
  if (r.events.length > 0) {
    lines.push('', 'Events:');
    for (const e of r.events) lines.push(`  ${new Date(e.atMs).toISOString()}  ${e.kind.padEnd(15)} ${e.message}`);
  }
  return lines.join('\n');
}

export const monitorCommands: readonly CliCommand[] = [
  {
    path: ['monitor'],
    usage: 'switchyard monitor ROUTER [--seconds N] [--json]',
    summary: 'Watch a router’s uplinks for N seconds (default 10): latency, jitter, loss, throughput and events.',
    options: { seconds: { type: 'string' } },
    run: async (ctx): Promise<MonitorRun> => {
      const usage = 'switchyard monitor ROUTER [--seconds N]';
      const router = await resolveRouter(ctx, usage);
      const seconds = numberOption(ctx, 'seconds', 10, 1, 86_400);
      const call = ctx.call.bind(ctx);
      const startedMs = Date.now();
      await call('monitor.start', { routerId: router.id });
      let status: MonitorStatus;
      try {
        // Samples are complete about 2 s after their second: wait that much longer.
        await new Promise((r) => setTimeout(r, seconds * 1000 + 2500));
        status = await call('monitor.status', { routerId: router.id });
      } finally {
        // Always: no probe may be left running on the router.
        await call('monitor.stop', { routerId: router.id });
      }
      const toMs = Date.now();
      const history = await call('history.query', { routerId: router.id, fromMs: Math.floor(startedMs / 1000) * 1000, toMs });
      const { events } = await call('history.events', { routerId: router.id, fromMs: startedMs, toMs });
      return { router: router.name, seconds, status, history, events };
    },
    format: formatRun,
  },
  {
    path: ['history', 'export'],
    usage: 'switchyard history export ROUTER [--what samples|minutes|events] [--hours N] [--out FILE] [--json]',
    summary: 'Export a router’s monitoring history as CSV (default: the last 24 h of 1 s samples).',
    options: { what: { type: 'string' }, hours: { type: 'string' }, out: { type: 'string' } },
    multilineKeys: ['csv'],
    run: async (ctx) => {
      const usage = 'switchyard history export ROUTER [--what samples|minutes|events] [--hours N] [--out FILE]';
      const router = await resolveRouter(ctx, usage);
      const what = (ctx.options.what as string | undefined) ?? 'samples';
      if (what !== 'samples' && what !== 'minutes' && what !== 'events') throw new UsageError('--what is samples, minutes or events');
      const hours = numberOption(ctx, 'hours', 24, 0.01, 24 * 366);
      const toMs = Date.now();
      const result = await ctx.call('history.export', { routerId: router.id, what, fromMs: Math.max(0, Math.round(toMs - hours * 3600_000)), toMs, maxRows: 200_000 });
      const out = ctx.options.out as string | undefined;
      if (out) {
        writeFileSync(out, result.csv, { mode: 0o600 });
        return { file: out, rows: result.rows, truncated: result.truncated };
      }
      return result;
    },
    format: (r: { file?: string; csv?: string; rows: number; truncated: boolean }) =>
      r.file
        ? `Wrote ${r.rows} rows to ${r.file}${r.truncated ? ' (cut at 200,000 rows: export a shorter window for the rest)' : ''}.`
        : `${(r.csv ?? '').trimEnd()}${r.truncated ? '\n# cut at 200,000 rows: export a shorter window for the rest' : ''}`,
  },
];
