// The ROUTER and SITE arguments of commands: an id, or a name (case-insensitive), as routers.list
// and sites.list know them.
import { UsageError, type CliContext } from './cli-command.ts';

export async function resolveRouter(ctx: CliContext, usage: string): Promise<{ id: string; name: string }> {
  const wanted = ctx.positionals[0];
  if (!wanted) throw new UsageError(`Say which router (an id or a name; see switchyard routers list): ${usage}`);
  const { routers } = await ctx.call('routers.list', {});
  const found = routers.find((r) => r.id === wanted) ?? routers.find((r) => r.name.toLowerCase() === wanted.toLowerCase());
  if (!found) throw new UsageError(`There is no router "${wanted}". See: switchyard routers list`);
  return { id: found.id, name: found.name };
}

export async function resolveSite(ctx: CliContext, wanted: string): Promise<{ id: string; name: string }> {
  const { sites } = await ctx.call('sites.list', {});
  const found = sites.find((s) => s.id === wanted) ?? sites.find((s) => s.name.toLowerCase() === wanted.toLowerCase());
  if (!found) throw new UsageError(`There is no site "${wanted}" (by id or name). See: switchyard sites list`);
  return { id: found.id, name: found.name };
}
