// `switchyard routers …`: add (also from ~/.ssh/config), edit, trust, detect, test, list and
// remove routers. Secrets arrive on standard input only; host keys are trusted only when the
// user names or accepts them.
import type { RequestOf, ResponseOf } from '../../shared/api/contract.ts';
import { resolveRouter, resolveSite } from './router-arg.ts';
import { UsageError, type CliCommand, type CliContext } from './cli-command.ts';

type RouterList = ResponseOf<'routers.list'>;
type Detected = ResponseOf<'routers.detect'>;
type Router = ResponseOf<'routers.get'>;
type SshConfigHost = ResponseOf<'routers.sshConfigHosts'>['hosts'][number];

const loginOptions = {
  'password-stdin': { type: 'boolean' },
  'keyboard-interactive': { type: 'boolean' },
  key: { type: 'string' },
  'passphrase-stdin': { type: 'boolean' },
  agent: { type: 'boolean' },
} as const;
const loginUsage = '(--password-stdin [--keyboard-interactive] | --key FILE [--passphrase-stdin] | --agent)';

export const routerCommands: readonly CliCommand[] = [
  {
    path: ['routers', 'list'],
    usage: 'switchyard routers list [--site SITE] [--json]',
    summary: 'List the routers, of one site (its id or name) or all.',
    options: { site: { type: 'string' } },
    run: async (ctx) => ctx.call('routers.list', ctx.options.site ? { siteId: (await resolveSite(ctx, String(ctx.options.site))).id } : {}),
    format: (r: RouterList) =>
      r.routers.length === 0
        ? 'No routers yet. Add one with: switchyard routers add SITE NAME HOST --user USER --password-stdin'
        : r.routers.map((x) => `${x.id}  ${x.name}  ${x.username}@${x.host}:${x.port}  ${x.platform ?? 'not detected'}  ${x.hostKey ? 'key trusted' : 'key not trusted'}`).join('\n'),
  },
  {
    path: ['routers', 'add'],
    usage: `switchyard routers add SITE NAME (HOST | --ssh-config ALIAS) [--user USER] [--port N] ${loginUsage} [--jump ROUTER_ID|none] [--notes TEXT] [--json]`,
    summary: 'Add a router to a site (its id or name); with --ssh-config, host, user, port and key come from that Host of ~/.ssh/config (a flag given wins). Secrets are read from standard input.',
    options: { user: { type: 'string' }, port: { type: 'string' }, 'ssh-config': { type: 'string' }, jump: { type: 'string' }, notes: { type: 'string' }, ...loginOptions },
    run: async (ctx) => {
      const [siteArg, name, hostArg] = ctx.positionals;
      if (!siteArg || !name) throw new UsageError('Say which site (its id or name) and what to call the router.');
      const siteId = (await resolveSite(ctx, siteArg)).id;
      const entry = ctx.options['ssh-config'] !== undefined ? await sshConfigEntry(ctx, String(ctx.options['ssh-config'])) : undefined;
      const host = hostArg ?? entry?.hostName;
      if (!host) throw new UsageError('Say where the router is: HOST, or --ssh-config ALIAS to take it from ~/.ssh/config.');
      const user = ctx.options.user !== undefined ? String(ctx.options.user) : entry?.user;
      if (!user) throw new UsageError(`Say which user to log in as: --user USER${entry ? ` (Host ${entry.alias} in ~/.ssh/config has no User)` : ''}`);
      const jump = jumpOption(ctx);
      if (entry && entry.proxyJump.length > 0 && jump === undefined) {
        throw new UsageError(
          `Host ${entry.alias} in ~/.ssh/config is reached through ${entry.proxyJump.join(', then ')} (ProxyJump). Add that jump host as its own router first and pass --jump ROUTER_ID, or --jump none to connect directly.`,
        );
      }
      const port = ctx.options.port !== undefined ? Number(ctx.options.port) : entry?.port;
      const request: RequestOf<'routers.create'> = {
        siteId,
        name,
        host,
        username: user,
        auth: await authFrom(ctx, entry?.identityFiles[0]),
        ...(port !== undefined && { port }),
        ...(jump && { jumpRouterId: jump }),
        ...(ctx.options.notes !== undefined && { notes: String(ctx.options.notes) }),
      };
      return ctx.call('routers.create', request);
    },
    format: (r: ResponseOf<'routers.create'>) => `Added router "${r.name}" (${r.id}) at ${r.username}@${r.host}:${r.port}. Next: switchyard routers trust ${r.id}`,
  },
  {
    path: ['routers', 'edit'],
    usage: `switchyard routers edit ROUTER [--name NAME] [--host HOST] [--port N] [--user USER] [${loginUsage.slice(1, -1)}] [--jump ROUTER_ID|none] [--notes TEXT] [--json]`,
    summary: 'Change a router. Only what you give changes; a new host or port forgets the trusted host key. Secrets are read from standard input.',
    options: { name: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' }, user: { type: 'string' }, jump: { type: 'string' }, notes: { type: 'string' }, ...loginOptions },
    run: async (ctx) => {
      const id = await requireId(ctx);
      const before = await ctx.call('routers.get', { id });
      const jump = jumpOption(ctx);
      const auth = await authChange(ctx, before);
      const patch: RequestOf<'routers.update'>['patch'] = {
        ...(ctx.options.name !== undefined && { name: String(ctx.options.name) }),
        ...(ctx.options.host !== undefined && { host: String(ctx.options.host) }),
        ...(ctx.options.port !== undefined && { port: Number(ctx.options.port) }),
        ...(ctx.options.user !== undefined && { username: String(ctx.options.user) }),
        ...(ctx.options.notes !== undefined && { notes: String(ctx.options.notes) }),
        ...(jump !== undefined && { jumpRouterId: jump }),
        ...(auth && { auth }),
      };
      if (Object.keys(patch).length === 0) throw new UsageError('Nothing to change: give at least one of --name, --host, --port, --user, a way to log in, --jump or --notes.');
      const after = await ctx.call('routers.update', { id, patch });
      return { ...after, hostKeyDropped: before.hostKey !== null && after.hostKey === null };
    },
    format: (r: Router & { hostKeyDropped: boolean }) =>
      [
        `Saved router "${r.name}" (${r.id}): ${r.username}@${r.host}:${r.port}, logs in with ${r.authKind}.`,
        ...(r.hostKeyDropped ? [`The address changed, so the trusted host key was forgotten. Compare and trust the new one: switchyard routers trust ${r.id}`] : []),
      ].join('\n'),
  },
  {
    path: ['routers', 'trust'],
    usage: 'switchyard routers trust ROUTER [--fingerprint SHA256:… | --yes] [--replace] [--json]',
    summary: "Connect, show the router's host key, and pin it when you confirm it (--fingerprint to match, or --yes).",
    options: { fingerprint: { type: 'string' }, yes: { type: 'boolean' }, replace: { type: 'boolean' } },
    run: async (ctx) => {
      const id = await requireId(ctx);
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
    usage: 'switchyard routers test ROUTER [--json]',
    summary: 'Connect once and report how it went.',
    run: async (ctx) => ctx.call('routers.testConnection', { id: await requireId(ctx) }),
    format: (r: ResponseOf<'routers.testConnection'>) =>
      r.status === 'trusted' ? `Connected in ${r.connectMs} ms (${r.keyType} ${r.fingerprint}).` : `Not trusted yet: the router offers ${r.keyType} ${r.fingerprint}. See switchyard routers trust --help.`,
  },
  {
    path: ['routers', 'detect'],
    usage: 'switchyard routers detect ROUTER [--json]',
    summary: "Find the router's platform and its uplinks.",
    run: async (ctx) => ctx.call('routers.detect', { id: await requireId(ctx) }),
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
    usage: 'switchyard routers remove ROUTER [--json]',
    summary: "Remove a router from the inventory, with its saved secrets (nothing changes on the router).",
    run: async (ctx) => ctx.call('routers.remove', { id: await requireId(ctx) }),
    format: (r: ResponseOf<'routers.remove'>) => (r.removed ? 'Removed.' : 'There was no such router.'),
  },
];

/** ROUTER: an id or a name (case-insensitive). */
async function requireId(ctx: CliContext): Promise<string> {
  return (await resolveRouter(ctx, 'switchyard routers COMMAND ROUTER')).id;
}

/** `--jump ROUTER_ID` or `--jump none`; undefined when not given. */
function jumpOption(ctx: CliContext): string | null | undefined {
  const jump = ctx.options.jump;
  if (jump === undefined) return undefined;
  return String(jump).toLowerCase() === 'none' ? null : String(jump);
}

async function sshConfigEntry(ctx: CliContext, alias: string): Promise<SshConfigHost> {
  const { hosts } = await ctx.call('routers.sshConfigHosts', {});
  const entry = hosts.find((h) => h.alias === alias);
  if (entry) return entry;
  const known = hosts.map((h) => h.alias);
  throw new UsageError(`There is no Host ${alias} in ~/.ssh/config${known.length ? ` (it has: ${known.join(', ')})` : ' (the file is missing or has no concrete Host entries)'}.`);
}

function chosenLogins(ctx: CliContext): number {
  return [ctx.options['password-stdin'], ctx.options.key, ctx.options.agent].filter(Boolean).length;
}

/** The login for a new router; `defaultKey` (from ~/.ssh/config) applies when none is chosen. */
async function authFrom(ctx: CliContext, defaultKey?: string): Promise<RequestOf<'routers.create'>['auth']> {
  const chosen = chosenLogins(ctx);
  if (chosen === 0 && defaultKey) return keyAuth(ctx, defaultKey);
  if (chosen !== 1) throw new UsageError('Choose one way to log in: --password-stdin, --key FILE or --agent.');
  return explicitAuth(ctx);
}

/** The login change of an edit, if any; --passphrase-stdin alone re-keys the saved key file. */
async function authChange(ctx: CliContext, router: Router): Promise<RequestOf<'routers.create'>['auth'] | undefined> {
  const chosen = chosenLogins(ctx);
  if (chosen > 1) throw new UsageError('Choose one way to log in: --password-stdin, --key FILE or --agent.');
  if (chosen === 1) return explicitAuth(ctx);
  if (ctx.options['keyboard-interactive']) throw new UsageError('--keyboard-interactive goes with --password-stdin (the answer to the prompts).');
  if (!ctx.options['passphrase-stdin']) return undefined;
  if (router.authKind !== 'key' || !router.keyPath) throw new UsageError(`${router.name} does not log in with a key file: give --key FILE with --passphrase-stdin.`);
  return keyAuth(ctx, router.keyPath);
}

async function explicitAuth(ctx: CliContext): Promise<RequestOf<'routers.create'>['auth']> {
  if (ctx.options['password-stdin']) return { kind: ctx.options['keyboard-interactive'] ? 'keyboard-interactive' : 'password', password: await ctx.readSecret('password') };
  if (ctx.options['keyboard-interactive']) throw new UsageError('--keyboard-interactive goes with --password-stdin (the answer to the prompts).');
  if (ctx.options.agent) return { kind: 'agent' };
  return keyAuth(ctx, String(ctx.options.key));
}

async function keyAuth(ctx: CliContext, keyPath: string): Promise<RequestOf<'routers.create'>['auth']> {
  return ctx.options['passphrase-stdin'] ? { kind: 'key', keyPath, passphrase: await ctx.readSecret('key passphrase') } : { kind: 'key', keyPath };
}
