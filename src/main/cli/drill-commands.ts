// `switchyard failover drill ROUTER`: fails the router's active uplink on the router itself,
// measures the failover and prints the verdict; `--out FILE` writes the report (.html, .pdf,
// .json or .csv by the file's extension).
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { ResponseOf } from '../../shared/api/contract.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import { CliApiError, UsageError, type CliCommand, type CliContext } from './cli-command.ts';
import { resolveRouter } from './router-arg.ts';

type Report = ResponseOf<'drill.get'>;
const formats = { '.html': 'html', '.pdf': 'pdf', '.json': 'json', '.csv': 'csv' } as const;

export const drillCommands: readonly CliCommand[] = [
  {
    path: ['failover', 'drill'],
    usage: 'switchyard failover drill ROUTER [--trials N] [--hold SEC] [--target IP] [--out FILE.html|.pdf|.json|.csv] [--json]',
    summary: 'Fail the active uplink on the router (it restores itself if this laptop goes away), measure the failover, keep the report.',
    options: { trials: { type: 'string' }, hold: { type: 'string' }, target: { type: 'string' }, out: { type: 'string' } },
    run: async (ctx) => {
      const routerId = (await resolveRouter(ctx, 'switchyard failover drill ROUTER')).id;
      const out = ctx.options.out as string | undefined;
      const format = out ? formats[extname(out).toLowerCase() as keyof typeof formats] : undefined;
      if (out && !format) throw new UsageError(`--out ${out}: name the file .html, .pdf, .json or .csv.`);
      const { drillId } = await ctx.call('drill.start', {
        routerId,
        ...(ctx.options.trials !== undefined && { trials: Number(ctx.options.trials) }),
        ...(ctx.options.hold !== undefined && { holdSec: Number(ctx.options.hold) }),
        ...(ctx.options.target !== undefined && { probeTarget: String(ctx.options.target) }),
      });
      const report = await waitForReport(ctx, routerId, drillId);
      if (out && format) {
        const file = await ctx.call('drill.export', { id: report.id, format });
        writeFileSync(out, file.encoding === 'base64' ? Buffer.from(file.content, 'base64') : file.content, { mode: 0o600 });
      }
      return { ...report, file: out ?? null };
    },
    format: (r: Report & { file: string | null }) => {
      const s = r.summary;
      const line = (label: string, st: Report['summary']['detection']) => `  ${label.padEnd(34)} ${st ? `median ${st.medianSec.toFixed(2)} s, worst ${st.worstSec.toFixed(2)} s` : '—'}`;
      return [
        r.verdict.text,
        line('router declares the uplink down', s.detection),
        line('router moves the traffic', s.switch),
        line('first packet through the backup', s.firstBackupReply),
        line('back to the primary after the end', s.backToPrimary),
        `  ${'open connections cut'.padEnd(34)} ${s.flowsCut} of ${s.flowsBefore}`,
        ...(r.predictedFailoverSec !== null ? [`  ${'predicted worst case'.padEnd(34)} ${r.predictedFailoverSec} s`] : []),
        ...r.trials.flatMap((t) => t.problems.map((p) => `  trial ${t.index}: ${p}`)),
        r.file ? `Report written to ${r.file}.` : `Report kept in the router's history (${r.id}).`,
      ].join('\n');
    },
  },
];

async function waitForReport(ctx: CliContext, routerId: string, drillId: string): Promise<Report> {
  for (;;) {
    const state = await ctx.call('drill.list', { routerId });
    const report = state.reports.find((r) => r.id === drillId);
    if (report) return ctx.call('drill.get', { id: report.id });
    if (state.lastFailure?.drillId === drillId) throw new CliApiError({ code: state.lastFailure.code as ErrorCode, message: `The drill stopped: ${state.lastFailure.message}` });
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
