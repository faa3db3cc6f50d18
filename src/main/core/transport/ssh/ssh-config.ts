// Reads the user's ~/.ssh/config as a source of new routers: Host blocks with patterns, the
// options Switchyard uses, first value wins (as OpenSSH does), and ProxyJump chains.
import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { matchPatternList } from './host-key.ts';

export interface SshConfigBlock {
  /** Host patterns; undefined for options before the first Host line (they apply to all). */
  readonly patterns: readonly string[] | undefined;
  /** Lower-cased option name → values in file order. */
  readonly options: ReadonlyMap<string, readonly string[]>;
  readonly line: number;
}

export interface JumpSpec {
  readonly host: string;
  readonly user: string | undefined;
  readonly port: number | undefined;
}

export interface SshConfigHost {
  readonly alias: string;
  readonly hostName: string;
  readonly user: string | undefined;
  readonly port: number;
  readonly identityFiles: readonly string[];
  /** Outermost first: connect to jumps[0], through it to jumps[1], …, then to the router. */
  readonly proxyJump: readonly JumpSpec[];
}

/** Splits a line into words, honouring double quotes and an `=` after the keyword. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|([^\s"]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) out.push(m[1] ?? m[2]!);
  return out;
}

export function parseSshConfig(text: string): SshConfigBlock[] {
  const blocks: { patterns: string[] | undefined; options: Map<string, string[]>; line: number }[] = [
    { patterns: undefined, options: new Map(), line: 0 },
  ];
  let skipping = false;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const kv = /^([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+)(.*)$/.exec(line);
    if (!kv) return;
    const key = kv[1]!.toLowerCase();
    const args = words(kv[2]!);
    if (key === 'host') {
      skipping = false;
      blocks.push({ patterns: args, options: new Map(), line: i + 1 });
      return;
    }
    if (key === 'match') {
      // Match criteria (exec, canonical, …) cannot be judged here: ignore the whole block.
      skipping = true;
      return;
    }
    if (skipping || args.length === 0) return;
    const opts = blocks[blocks.length - 1]!.options;
    const list = opts.get(key) ?? [];
    list.push(args.join(' '));
    opts.set(key, list);
  });
  return blocks;
}

/** `[user@]host[:port]`, `ssh://[user@]host[:port]`, comma-separated; `none` is no jump. */
export function parseProxyJump(value: string): JumpSpec[] {
  if (value.trim().toLowerCase() === 'none') return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(s);
      if (!m) throw new Error(`"${s}" is not a valid ProxyJump host`);
      return { user: m[1], host: m[2]!.replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : undefined };
    });
}

export interface ResolveOptions {
  readonly home?: string;
  readonly localUser?: string;
}

/** The effective settings for one alias: every matching block in order, first value wins. */
export function resolveSshHost(blocks: readonly SshConfigBlock[], alias: string, opts: ResolveOptions = {}): SshConfigHost {
  const first = new Map<string, string>();
  const identityFiles: string[] = [];
  for (const b of blocks) {
    if (b.patterns !== undefined && !matchPatternList(b.patterns, alias)) continue;
    for (const [k, vals] of b.options) {
      // IdentityFile accumulates (ssh tries them all); every other option keeps its first value.
      if (k === 'identityfile') identityFiles.push(...vals);
      else if (!first.has(k)) first.set(k, vals[0]!);
    }
  }
  const home = opts.home ?? homedir();
  const localUser = opts.localUser ?? safeLocalUser();
  const hostName = (first.get('hostname') ?? alias).replaceAll('%h', alias);
  const user = first.get('user');
  const port = Number(first.get('port') ?? 22);
  const expand = (p: string): string =>
    p
      .replace(/^~(?=$|\/)/, home)
      .replace(/%(.)/g, (all, c: string) =>
        c === '%' ? '%' : c === 'd' ? home : c === 'h' ? hostName : c === 'r' ? (user ?? localUser) : c === 'u' ? localUser : all,
      );
  const jump = first.get('proxyjump');
  return {
    alias,
    hostName,
    user,
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 22,
    identityFiles: [...new Set(identityFiles.filter((f) => f.toLowerCase() !== 'none').map(expand))],
    proxyJump: jump ? parseProxyJump(jump) : [],
  };
}

function safeLocalUser(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}

/** Every concrete alias (no wildcard, no negation) written in a Host line, resolved. */
export function sshConfigCandidates(text: string, opts: ResolveOptions = {}): SshConfigHost[] {
  const blocks = parseSshConfig(text);
  const aliases = new Set<string>();
  for (const b of blocks) for (const p of b.patterns ?? []) if (!/[*?!]/.test(p)) aliases.add(p);
  return [...aliases].map((a) => resolveSshHost(blocks, a, opts));
}

/** Candidates from the user's own ~/.ssh/config; none when it does not exist. */
export function readUserSshConfig(home: string = homedir()): SshConfigHost[] {
  try {
    return sshConfigCandidates(readFileSync(join(home, '.ssh', 'config'), 'utf8'), { home });
  } catch {
    return [];
  }
}
