// Typed errors for the OpenWrt/mwan3 parsing layer. Router output we cannot understand is a
// failed command (never a crash); a value Switchyard refuses to write is invalid input.
import { SwitchyardError } from '../../../../shared/errors.ts';

/** Output of a router command did not have the shape we expected. */
export class RouterOutputError extends SwitchyardError {
  readonly source: string;
  constructor(source: string, message: string, details?: Record<string, unknown>) {
    super('command-failed', `Could not read the output of ${source}: ${message}`, { source, ...details });
    this.source = source;
  }
}

/** `uci batch` exits 0 even when lines fail; this carries what its stderr reported. */
export class UciBatchError extends SwitchyardError {
  readonly errors: readonly string[];
  constructor(errors: readonly string[]) {
    super(
      'command-failed',
      `uci batch reported ${errors.length} failed command(s): ${errors.join('; ')}. ` +
        'The staged changes were not committed; revert them (uci revert <package>) and check the values.',
      { errors: [...errors] },
    );
    this.errors = errors;
  }
}

/** A value or name Switchyard will not write because uci or mwan3 would reject or ignore it. */
export class InvalidConfigError extends SwitchyardError {
  readonly issues: readonly { readonly path: string; readonly message: string }[];
  constructor(issues: readonly { readonly path: string; readonly message: string }[]) {
    super(
      'invalid-input',
      issues.length === 1 ? issues[0]!.message : `${issues.length} problems: ${issues.map((i) => i.message).join(' ')}`,
      { issues: issues.map((i) => ({ path: i.path, message: i.message })) },
    );
    this.issues = issues;
  }
}
