// Every CLI command; each feature's commands live in their own module and are listed here.
import type { ResponseOf } from '../../shared/api/contract.ts';
import { appVersion } from '../core/app-core.ts';
import { UsageError, type CliCommand } from './cli-command.ts';
import { drillCommands } from './drill-commands.ts';
import { failoverCommands } from './failover-commands.ts';
import { inventoryCommands } from './inventory-commands.ts';
import { monitorCommands } from './monitor-commands.ts';
import { routerCommands } from './router-commands.ts';
import { troubleshootCommands } from './troubleshoot-commands.ts';

export const commands: readonly CliCommand[] = [
  {
    path: ['version'],
    usage: 'switchyard version [--json]',
    summary: 'Print the version of Switchyard.',
    run: async () => ({ name: 'Switchyard', version: appVersion, node: process.versions.node }),
    format: (r: { version: string; node: string }) => `Switchyard ${r.version} (Node ${r.node})`,
  },
  {
    path: ['sites', 'list'],
    usage: 'switchyard sites list [--json]',
    summary: 'List the sites.',
    run: (ctx) => ctx.call('sites.list', {}),
    format: (r: ResponseOf<'sites.list'>) =>
      r.sites.length === 0 ? 'No sites yet. Add one with: switchyard sites add NAME' : r.sites.map((s) => `${s.id}  ${s.name}  (${s.routerCount} routers)`).join('\n'),
  },
  {
    path: ['sites', 'add'],
    usage: 'switchyard sites add NAME [--notes TEXT] [--json]',
    summary: 'Add a site.',
    options: { notes: { type: 'string' } },
    run: (ctx) => {
      const name = ctx.positionals[0];
      if (!name) throw new UsageError('Give the site a name: switchyard sites add NAME');
      return ctx.call('sites.create', { name, notes: (ctx.options.notes as string | undefined) ?? '' });
    },
    format: (r: ResponseOf<'sites.create'>) => `Added site "${r.name}" (${r.id}).`,
  },
  {
    path: ['sites', 'edit'],
    usage: 'switchyard sites edit ID [--name NAME] [--notes TEXT] [--json]',
    summary: 'Rename a site or change its notes; only what you give changes.',
    options: { name: { type: 'string' }, notes: { type: 'string' } },
    run: (ctx) => {
      const id = ctx.positionals[0];
      if (!id) throw new UsageError('Say which site: switchyard sites edit ID (see switchyard sites list)');
      const patch = {
        ...(ctx.options.name !== undefined && { name: String(ctx.options.name) }),
        ...(ctx.options.notes !== undefined && { notes: String(ctx.options.notes) }),
      };
      if (Object.keys(patch).length === 0) throw new UsageError('Nothing to change: give --name NAME and/or --notes TEXT.');
      return ctx.call('sites.update', { id, patch });
    },
    format: (r: ResponseOf<'sites.update'>) => `Saved site "${r.name}" (${r.id}).`,
  },
  {
    path: ['sites', 'remove'],
    usage: 'switchyard sites remove ID [--json]',
    summary: 'Remove a site and its routers from the inventory.',
    run: (ctx) => {
      const id = ctx.positionals[0];
      if (!id) throw new UsageError('Say which site: switchyard sites remove ID (see switchyard sites list)');
      return ctx.call('sites.remove', { id });
    },
    format: (r: ResponseOf<'sites.remove'>) => (r.removed ? 'Removed.' : 'There was no such site.'),
  },
  ...routerCommands,
  ...inventoryCommands,
  ...failoverCommands,
  ...drillCommands,
  ...monitorCommands,
  ...troubleshootCommands,
];
