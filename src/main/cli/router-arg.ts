// The ROUTER argument of a command: an id, or a name (case-insensitive), as routers.list knows it.
import { UsageError, type CliContext } from './cli-command.ts';

export async function resolveRouter(ctx: CliContext, usage: string): Promise<{ id: string; name: string }> {
  const wanted = ctx.positionals[0];
  if (!wanted) throw new UsageError(`Say which router (an id or a name; see switchyard routers list): ${usage}`);
  const { routers } = await ctx.call('routers.list', {});
  const found = routers.find((r) => r.id === wanted) ?? routers.find((r) => r.name.toLowerCase() === wanted.toLowerCase());
  if (!found) throw new UsageError(`There is no router "${wanted}". See: switchyard routers list`);
  return { id: found.id, name: found.name };
}
