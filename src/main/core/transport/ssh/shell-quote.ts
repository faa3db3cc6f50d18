// The only way a remote command is built: typed arguments through one POSIX quoting function.
// A ShellCommand can only come from this module, so no raw string ever reaches a router shell.

/** Characters that mean nothing to sh, ash, bash or zsh anywhere in a word. */
const SAFE_WORD = /^[A-Za-z0-9_./:@,+-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Thrown for an argument that no shell quoting can carry intact. */
export class ShellQuoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShellQuoteError';
  }
}

/**
 * Quotes one argument for a POSIX shell. Single quotes keep every byte literal except the quote
 * itself, which is written as '\'' (close, escaped quote, reopen).
 */
export function quoteArg(value: string): string {
  if (typeof value !== 'string') throw new ShellQuoteError(`a shell argument must be a string, got ${typeof value}`);
  if (value.includes('\0')) throw new ShellQuoteError('a shell argument cannot contain a NUL byte');
  // A lone surrogate has no UTF-8 form: it would silently turn into U+FFFD on the way out.
  if (!value.isWellFormed()) throw new ShellQuoteError('a shell argument cannot contain an unpaired UTF-16 surrogate');
  if (value === '') return "''";
  if (SAFE_WORD.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

const created = new WeakSet<object>();

/** A command line built by this module. `text` is what the remote shell receives. */
export interface ShellCommand {
  readonly text: string;
  /** First word, for error messages ("ping", "uci"). */
  readonly program: string;
}

function make(text: string, program: string): ShellCommand {
  const cmd: ShellCommand = Object.freeze({ text, program });
  created.add(cmd);
  return cmd;
}

export function isShellCommand(value: unknown): value is ShellCommand {
  return typeof value === 'object' && value !== null && created.has(value);
}

function need(cmd: ShellCommand): string {
  if (!isShellCommand(cmd)) throw new ShellQuoteError('not a command built by shell-quote (raw strings are refused)');
  return cmd.text;
}

/** ['ping', '-n', '-I', dev, target] → ping -n -I 'eth 1' 192.0.2.1 */
export function shellCommand(argv: readonly string[]): ShellCommand {
  if (argv.length === 0) throw new ShellQuoteError('a command needs at least a program name');
  return make(argv.map(quoteArg).join(' '), argv[0]!);
}

/** What a redirect may point at: a path (quoted), or one of the fixed descriptors. */
export interface Redirects {
  readonly stdin?: string;
  readonly stdout?: string;
  readonly appendStdout?: boolean;
  /** A path, or 'stdout' for 2>&1. */
  readonly stderr?: string;
}

function join(op: string, cmds: readonly ShellCommand[]): ShellCommand {
  if (cmds.length === 0) throw new ShellQuoteError(`"${op.trim()}" needs at least one command`);
  return make(cmds.map((c) => `{ ${need(c)}; }`).join(op), cmds[0]!.program);
}

/** Composition of already-built commands. Each part is grouped, so precedence never surprises. */
export const sh = {
  /** a && b && c */
  and: (...cmds: readonly ShellCommand[]): ShellCommand => join(' && ', cmds),
  /** a || b */
  or: (...cmds: readonly ShellCommand[]): ShellCommand => join(' || ', cmds),
  /** a; b (runs all, exit code of the last) */
  seq: (...cmds: readonly ShellCommand[]): ShellCommand => join('; ', cmds),
  /** a | b | c (exit code of the last, as POSIX sh has no pipefail) */
  pipe: (...cmds: readonly ShellCommand[]): ShellCommand => {
    if (cmds.length === 0) throw new ShellQuoteError('a pipe needs at least one command');
    return make(cmds.map((c) => `{ ${need(c)}; }`).join(' | '), cmds[0]!.program);
  },
  redirect: (cmd: ShellCommand, r: Redirects): ShellCommand => {
    let text = `{ ${need(cmd)}; }`;
    if (r.stdin !== undefined) text += ` <${quoteArg(r.stdin)}`;
    if (r.stdout !== undefined) text += ` ${r.appendStdout ? '>>' : '>'}${quoteArg(r.stdout)}`;
    if (r.stderr === 'stdout') text += ' 2>&1';
    else if (r.stderr !== undefined) text += ` 2>${quoteArg(r.stderr)}`;
    return make(text, cmd.program);
  },
  /** LC_ALL=C cmd … — names are checked, values quoted. */
  env: (vars: Readonly<Record<string, string>>, cmd: ShellCommand): ShellCommand => {
    const parts = Object.entries(vars).map(([name, value]) => {
      if (!ENV_NAME.test(name)) throw new ShellQuoteError(`"${name}" is not a valid environment variable name`);
      return `${name}=${quoteArg(value)}`;
    });
    // A subshell, so the variables reach every part of a composed command and nothing after it.
    return make(parts.length ? `( export ${parts.join(' ')}; ${need(cmd)} )` : need(cmd), cmd.program);
  },
  /**
   * A fixed script written in source, with every interpolated value quoted:
   * sh.script`cat /proc/net/dev | grep -F ${dev}`. Strings are quoted, string arrays become
   * quoted words, ShellCommands are inlined. The literal parts are code, never data.
   */
  script: (strings: TemplateStringsArray, ...values: readonly (string | readonly string[] | ShellCommand)[]): ShellCommand => {
    if (!Array.isArray(strings) || !Array.isArray((strings as { raw?: unknown }).raw)) {
      throw new ShellQuoteError('sh.script must be used as a tagged template');
    }
    let text = strings[0]!;
    values.forEach((v, i) => {
      if (typeof v === 'string') text += quoteArg(v);
      else if (Array.isArray(v)) text += (v as readonly string[]).map(quoteArg).join(' ');
      // Inlined as is: it is already quoted, and the author of the literal decides grouping.
      else text += need(v as ShellCommand);
      text += strings[i + 1]!;
    });
    const program = /^\s*([^\s;&|<>(){}]+)/.exec(text)?.[1] ?? 'sh';
    return make(text.trim(), program);
  },
} as const;
