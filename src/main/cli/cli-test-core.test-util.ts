// One in-memory core shared by several CLI calls in a test, with standard input per call.
import { createCore, type Core } from '../core/app-core.ts';
import { runCli } from './cli.ts';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function cliSession(): Promise<{ core: Core; run(argv: readonly string[], stdin?: string): Promise<CliRun>; json<T>(argv: readonly string[], stdin?: string): Promise<T> }> {
  const core = await createCore({ dataDir: ':memory:', transport: 'direct' });
  const run = async (argv: readonly string[], stdin = ''): Promise<CliRun> => {
    const out: string[] = [];
    const err: string[] = [];
    // The CLI closes the core it opened; this one lives for the whole test.
    const code = await runCli(argv, async () => ({ ...core, close: async () => {} }), { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => stdin });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  return {
    core,
    run,
    async json<T>(argv: readonly string[], stdin?: string): Promise<T> {
      const result = await run([...argv, '--json'], stdin);
      if (result.code !== 0) throw new Error(`switchyard ${argv.join(' ')} exited ${result.code}: ${result.out}${result.err}`);
      return JSON.parse(result.out) as T;
    },
  };
}
