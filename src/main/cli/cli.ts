// The `switchyard` command line: finds the command, parses its options, runs it against the
// core and prints text or JSON. Returns the exit code instead of exiting, so tests can call it.
import { parseArgs } from 'node:util';
import type { MethodName, RequestOf, ResponseOf } from '../../shared/api/contract.ts';
import type { Core } from '../core/app-core.ts';
import { CliApiError, UsageError, type CliCommand } from './cli-command.ts';
import { commands } from './commands.ts';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** All of standard input, for secrets passed with --password-stdin and friends. */
  readStdin?(): Promise<string>;
}

export { CliApiError };

export async function runCli(argv: readonly string[], openCore: () => Promise<Core>, io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  const words = argv.filter((a) => !a.startsWith('-'));
  const command = findCommand(words);

  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv[0] === 'help') {
    io.out(helpText(command));
    return 0;
  }
  if (!command) {
    return usageFailure(io, json, `Unknown command "${words.join(' ')}". Run switchyard --help to see the commands.`);
  }

  let parsed;
  try {
    parsed = parseArgs({ args: argv.slice(), allowPositionals: true, strict: true, options: { json: { type: 'boolean' }, 'data-dir': { type: 'string' }, ...command.options } });
  } catch (error) {
    return usageFailure(io, json, `${(error as Error).message}\nUsage: ${command.usage}`);
  }

  let core: Core | undefined;
  try {
    const ctx = {
      positionals: parsed.positionals.slice(command.path.length),
      options: parsed.values as Record<string, string | boolean | undefined>,
      async readSecret(what: string) {
        const text = (await io.readStdin?.()) ?? '';
        const secret = text.replace(/\r?\n$/, '');
        if (!secret) throw new UsageError(`Nothing arrived on standard input for the ${what}. Pipe it in, e.g.: printf '%s' "$PASSWORD" | switchyard …`);
        return secret;
      },
      async call<M extends MethodName>(method: M, params: RequestOf<M>): Promise<ResponseOf<M>> {
        core ??= await openCore();
        const envelope = await core.dispatcher.dispatch(method, params);
        if (!envelope.ok) throw new CliApiError(envelope.error);
        return envelope.result as ResponseOf<M>;
      },
    };
    const result = await command.run(ctx);
    io.out(json ? JSON.stringify(result, null, 2) : (command.format as (r: unknown) => string)(result));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(io, json, `${error.message}\nUsage: ${command.usage}`);
    if (error instanceof CliApiError) {
      if (json) io.out(JSON.stringify({ error: error.error }, null, 2));
      else io.err(`Error: ${error.error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await core?.close();
  }
}

function findCommand(words: readonly string[]): CliCommand | undefined {
  return commands.find((c) => c.path.every((w, i) => words[i] === w));
}

function usageFailure(io: CliIo, json: boolean, message: string): number {
  if (json) io.out(JSON.stringify({ error: { code: 'bad-request', message } }, null, 2));
  else io.err(message);
  return 2;
}

function helpText(command: CliCommand | undefined): string {
  if (command) return `${command.usage}\n\n${command.summary}`;
  const width = Math.max(...commands.map((c) => c.usage.length));
  return [
    'Switchyard — multi-WAN failover for your routers, from your laptop.',
    '',
    'Usage: switchyard COMMAND [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --json for machine-readable output and --data-dir DIR to use another database.',
  ].join('\n');
}
