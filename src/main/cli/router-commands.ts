// `switchyard routers …`: add, trust, detect, test, list and remove routers. Secrets arrive on
// standard input only; host keys are trusted only when the user names or accepts them.
import type { RequestOf, ResponseOf } from '../../shared/api/contract.ts';
import { UsageError, type CliCommand, type CliContext } from './cli-command.ts';

type RouterList = ResponseOf<'routers.list'>;
type Detected = ResponseOf<'routers.detect'>;

export const routerCommands: readonly CliCommand[] = [
  {
    path: ['routers', 'list'],
    usage: 'switchyard routers list [--site SITE_ID] [--json]',
    summary: 'List the routers, of one site or all.',
    options: { site: { type: 'string' } },
    run: (ctx) => ctx.call('routers.list', ctx.options.site ? { siteId: String(ctx.options.site) } : {}),
    format: (r: RouterList) =>
      r.routers.length === 0
        ? 'No routers yet. Add one with: switchyard routers add SITE_ID NAME HOST --user USER --password-stdin'
        : r.routers.map((x) => `${x.id}  ${x.name}  ${x.username}@${x.host}:${x.port}  ${x.platform ?? 'not detected'}  ${x.hostKey ? 'key trusted' : 'key not trusted'}`).join('\n'),
  },
  {
    path: ['routers', 'add'],
    usage: 'switchyard routers add SITE_ID NAME HOST --user USER [--port N] (--password-stdin | --key FILE [--passphrase-stdin] | --agent) [--json]',
    summary: 'Add a router to a site. The password or passphrase is read from standard input.',
    options: {
      user: { type: 'string' },
      port: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      key: { type: 'string' },
      'passphrase-stdin': { type: 'boolean' },
      agent: { type: 'boolean' },
    },
    run: async (ctx) => {
      const [siteId, name, host] = ctx.positionals;
      if (!siteId || !name || !host) throw new UsageError('Say which site, what to call the router and where it is.');
      if (!ctx.options.user) throw new UsageError('Say which user to log in as: --user USER');
      const request: RequestOf<'routers.create'> = {
        siteId,
        name,
        host,
        username: String(ctx.options.user),
        auth: await authFrom(ctx),
        ...(ctx.options.port !== undefined && { port: Number(ctx.options.port) }),
      };
      return ctx.call('routers.create', request);
    },
    format: (r: ResponseOf<'routers.create'>) => `Added router "${r.name}" (${r.id}). Next: switchyard routers trust ${r.id}`,
  },
  {
    path: ['routers', 'trust'],
    usage: 'switchyard routers trust ROUTER_ID [--fingerprint SHA256:… | --yes] [--replace] [--json]',
    summary: "Connect, show the router's host key, and pin it when you confirm it (--fingerprint to match, or --yes).",
    options: { fingerprint: { type: 'string' }, yes: { type: 'boolean' }, replace: { type: 'boolean' } },
    run: async (ctx) => {
      const id = requireId(ctx);
      const test = await ctx.call('routers.testConnection', { id });
      if (test.status === 'trusted' && !ctx.options.replace) return { trusted: true, changed: false, ...test };
      const wanted = ctx.options.fingerprint ? String(ctx.options.fingerprint) : undefined;
      if (wanted && wanted !== test.fingerprint) {
        throw new UsageError(`The router offers ${test.fingerprint}, not ${wanted}. Check you are talking to the right router before trusting it.`);
      }
      if (!wanted && !ctx.options.yes) return { trusted: false, changed: false, ...test };
      await ctx.call('routers.trustHostKey', { id, keyType: test.keyType, fingerprint: test.fingerprint, replace: Boolean(ctx.options.replace) });
      return { trusted: true, changed: true, status: 'trusted', keyType: test.keyType, fingerprint: test.fingerprint };
    },
    format: (r: { trusted: boolean; changed: boolean; keyType: string; fingerprint: string }) =>
      r.trusted
        ? `${r.changed ? 'Pinned' : 'Already trusted:'} ${r.keyType} ${r.fingerprint}`
        : `The router offers the ${r.keyType} host key\n  ${r.fingerprint}\nCompare it with the router's own (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the router), then run again with --fingerprint ${r.fingerprint}`,
  },
  {
    path: ['routers', 'test'],
    usage: 'switchyard routers test ROUTER_ID [--json]',
    summary: 'Connect once and report how it went.',
    run: (ctx) => ctx.call('routers.testConnection', { id: requireId(ctx) }),
    format: (r: ResponseOf<'routers.testConnection'>) =>
      r.status === 'trusted' ? `Connected in ${r.connectMs} ms (${r.keyType} ${r.fingerprint}).` : `Not trusted yet: the router offers ${r.keyType} ${r.fingerprint}. See switchyard routers trust --help.`,
  },
  {
    path: ['routers', 'detect'],
    usage: 'switchyard routers detect ROUTER_ID [--json]',
    summary: "Find the router's platform and its uplinks.",
    run: (ctx) => ctx.call('routers.detect', { id: requireId(ctx) }),
    format: (r: Detected) =>
      [
        `${r.router.name}: ${r.detection.platform}${r.detection.supported ? '' : ' (not supported)'}`,
        r.detection.reason,
        'Uplinks:',
        ...r.detection.uplinks.map((u) => `  ${u.name.padEnd(10)} ${(u.device ?? '-').padEnd(8)} ${u.kind.padEnd(10)} ${u.address ?? '-'} via ${u.gateway ?? '?'}${u.hasDefaultRoute ? '  (default route)' : ''}`),
        ...r.detection.warnings.map((w) => `Warning: ${w}`),
      ].join('\n'),
  },
  {
    path: ['routers', 'remove'],
    usage: 'switchyard routers remove ROUTER_ID [--json]',
    summary: "Remove a router from the inventory, with its saved secrets (nothing changes on the router).",
    run: (ctx) => ctx.call('routers.remove', { id: requireId(ctx) }),
    format: (r: ResponseOf<'routers.remove'>) => (r.removed ? 'Removed.' : 'There was no such router.'),
  },
];

function requireId(ctx: CliContext): string {
  const id = ctx.positionals[0];
  if (!id) throw new UsageError('Say which router (see switchyard routers list).');
  return id;
}

async function authFrom(ctx: CliContext): Promise<RequestOf<'routers.create'>['auth']> {
  const chosen = [ctx.options['password-stdin'], ctx.options.key, ctx.options.agent].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError('Choose one way to log in: --password-stdin, --key FILE or --agent.');
  if (ctx.options['password-stdin']) return { kind: 'password', password: await ctx.readSecret('password') };
  if (ctx.options.agent) return { kind: 'agent' };
  const keyPath = String(ctx.options.key);
  return ctx.options['passphrase-stdin'] ? { kind: 'key', keyPath, passphrase: await ctx.readSecret('key passphrase') } : { kind: 'key', keyPath };
}
