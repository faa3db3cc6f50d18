// The `switchyard` command line: finds the command, parses its options, runs it against the
// core and prints text or JSON. Returns the exit code instead of exiting, so tests can call it.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { MethodName, RequestOf, ResponseOf } from '../../shared/api/contract.ts';
import { SwitchyardError } from '../../shared/errors.ts';
import type { Core } from '../core/app-core.ts';
import { CliApiError, UsageError, type CliCommand } from './cli-command.ts';
import { commands } from './commands.ts';
import { visible, visibleDeep, visibleLines } from './terminal-text.ts';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** All of standard input, for secrets passed with --password-stdin and friends. */
  readStdin?(): Promise<string>;
}

export { CliApiError };

/** What the CLI opens the core with: options that apply to every command. */
export interface CliCoreOptions {
  /** --data-dir DIR, when given. */
  dataDir?: string | undefined;
}

const globalOptions = { json: { type: 'boolean' }, 'data-dir': { type: 'string' } } as const satisfies ParseArgsConfig['options'];

export async function runCli(argv: readonly string[], openCore: (options: CliCoreOptions) => Promise<Core>, io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  const { command, words } = findCommand(argv);

  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv[0] === 'help') {
    io.out(helpText(command));
    return 0;
  }
  if (!command) {
    return usageFailure(io, json, `Unknown command "${visible(words.join(' '))}". Run switchyard --help to see the commands.`);
  }

  let parsed;
  try {
    parsed = parseArgs({ args: argv.slice(), allowPositionals: true, strict: true, options: { ...globalOptions, ...command.options } });
  } catch (error) {
    return usageFailure(io, json, `${(error as Error).message}\nUsage: ${command.usage}`);
  }
  const dataDir = parsed.values['data-dir'] as string | undefined;

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
        core ??= await openCore({ dataDir });
        const envelope = await core.dispatcher.dispatch(method, params);
        if (!envelope.ok) throw new CliApiError(envelope.error);
        return envelope.result as ResponseOf<M>;
      },
    };
    const result = await command.run(ctx);
    io.out(json ? JSON.stringify(result, null, 2) : (command.format as (r: unknown) => string)(visibleDeep(result, new Set(command.multilineKeys))));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(io, json, `${error.message}\nUsage: ${command.usage}`);
    const apiError = error instanceof CliApiError ? error.error : error instanceof SwitchyardError ? { code: error.code, message: error.message } : null;
    if (apiError) {
      if (json) io.out(JSON.stringify({ error: apiError }, null, 2));
      else io.err(`Error: ${visibleLines(apiError.message)}`);
      return 1;
    }
    // A bug or a failure nobody foresaw: one line, not a stack trace; the stack on request.
    const message = error instanceof Error ? error.message : String(error);
    if (json) io.out(JSON.stringify({ error: { code: 'internal', message } }, null, 2));
    else io.err(`Error: ${visibleLines(message)}${process.env.SWITCHYARD_DEBUG ? `\n${(error as Error).stack ?? ''}` : ' (set SWITCHYARD_DEBUG=1 to see where it happened)'}`);
    return 1;
  } finally {
    await core?.close();
  }
}

/**
 * The command named by the words of argv, skipping options and their values (`--data-dir DIR
 * sites list` is `sites list`): each command's own options tell which flags take a value.
 */
function findCommand(argv: readonly string[]): { command: CliCommand | undefined; words: readonly string[] } {
  let best: CliCommand | undefined;
  for (const candidate of commands) {
    const { positionals } = parseArgs({ args: argv.slice(), allowPositionals: true, strict: false, options: { ...globalOptions, ...candidate.options } });
    if (candidate.path.every((w, i) => positionals[i] === w) && candidate.path.length > (best?.path.length ?? 0)) best = candidate;
  }
  const { positionals } = parseArgs({ args: argv.slice(), allowPositionals: true, strict: false, options: globalOptions });
  return { command: best, words: positionals };
}

function usageFailure(io: CliIo, json: boolean, message: string): number {
  if (json) io.out(JSON.stringify({ error: { code: 'bad-request', message } }, null, 2));
  else io.err(visibleLines(message));
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
