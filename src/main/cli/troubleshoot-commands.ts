// `switchyard troubleshoot ROUTER [--uplink X]`: per uplink, link, gateway, a target, DNS, HTTP
// and IPv6, each with what the router showed and, for what is wrong, the router's own lines and
// the fix. Read-only on the router.
import type { ResponseOf } from '../../shared/api/contract.ts';
import type { CliCommand } from './cli-command.ts';
import { resolveRouter } from './router-arg.ts';

type Report = ResponseOf<'troubleshoot.run'>;
const marks = { pass: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: '--  ' } as const;

export const troubleshootCommands: readonly CliCommand[] = [
  {
    path: ['troubleshoot'],
    usage: 'switchyard troubleshoot ROUTER [--uplink NAME] [--target IP] [--dns-name NAME] [--json]',
    summary: "Check each uplink on the router — link, gateway, a target, DNS, HTTP, IPv6 — with the router's own output and what to do. Changes nothing on the router.",
    options: { uplink: { type: 'string' }, target: { type: 'string' }, 'dns-name': { type: 'string' } },
    run: async (ctx) => {
      const routerId = (await resolveRouter(ctx, 'switchyard troubleshoot ROUTER')).id;
      return ctx.call('troubleshoot.run', {
        routerId,
        ...(ctx.options.uplink !== undefined && { uplink: String(ctx.options.uplink) }),
        ...(ctx.options.target !== undefined && { target: String(ctx.options.target) }),
        ...(ctx.options['dns-name'] !== undefined && { dnsName: String(ctx.options['dns-name']) }),
      });
    },
    format: (r: Report) =>
      r.uplinks
        .flatMap((u) => [
          `${u.name === u.device ? u.name : `${u.name} (${u.device})`}: ${marks[u.status].trim()} — ${u.verdict}`,
          ...u.checks.flatMap((c) => [
            `  ${marks[c.status]} ${c.title.padEnd(30)} ${c.summary}`,
            ...(c.status === 'fail' || c.status === 'warn' ? [...(c.fix ? [`         fix: ${c.fix}`] : []), ...c.evidence.map((l) => `         | ${l}`)] : []),
          ]),
          '',
        ])
        .join('\n')
        .trimEnd(),
  },
];
