// The shape of one CLI command: it calls the core through the same dispatcher as the UI and
// returns plain data; `--json` prints that data, otherwise the command's own text format.
import type { ParseArgsConfig } from 'node:util';
import type { MethodName, RequestOf, ResponseOf } from '../../shared/api/contract.ts';
import type { ApiError } from '../../shared/errors.ts';

export interface CliContext {
  call<M extends MethodName>(method: M, params: RequestOf<M>): Promise<ResponseOf<M>>;
  readonly positionals: readonly string[];
  readonly options: Readonly<Record<string, string | boolean | undefined>>;
  /** Reads a secret from standard input (never from argv, where `ps` would show it). */
  readSecret(what: string): Promise<string>;
}

export interface CliCommand {
  /** Words that select the command, e.g. ['sites', 'add']. */
  readonly path: readonly string[];
  readonly usage: string;
  readonly summary: string;
  readonly options?: ParseArgsConfig['options'];
  run(ctx: CliContext): Promise<unknown>;
  /** Formats the result as text; its strings arrive with control characters made visible. */
  format(result: never): string;
  /** Keys of the result whose strings are multi-line text (a CSV) and keep their line breaks. */
  readonly multilineKeys?: readonly string[];
}

export class UsageError extends Error {}

/** An error with a contract code: printed as `Error: …` (or JSON with --json), exit code 1. */
export class CliApiError extends Error {
  readonly error: ApiError;
  constructor(error: ApiError) {
    super(error.message);
    this.error = error;
  }
}
