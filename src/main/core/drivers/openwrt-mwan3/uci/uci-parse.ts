// Parses what uci prints (`uci export`, /etc/config files, `uci show`, `uci changes`) into the
// ordered UciPackage model, following openwrt/uci file.c and cli.c rather than guessing.
import { RouterOutputError } from '../errors.ts';
import {
  uciGeneratedNamePattern,
  uciNamePattern,
  uciPackagePattern,
  uciTypePattern,
  type UciOption,
  type UciPackage,
  type UciSection,
} from './uci-model.ts';

export type UciStatement = {
  readonly args: readonly string[];
  readonly line: number;
  /** Offsets in the text: each argument's [start, end), quotes included (for in-place edits). */
  readonly spans: readonly (readonly [number, number])[];
};

const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\v' || c === '\f';

/**
 * Splits text into statements the way uci's parse_str/next_arg do (file.c). Used for config
 * files, `uci export` and `uci batch` input alike, since uci reads all three with that code:
 * - `'single'` quotes have no escapes and may span lines;
 * - `"double"` quotes take `\x` as a literal x and `\`+newline as a continuation;
 * - unquoted: `\x` is x, `\`+newline continues, `#` starts a comment, `;` ends the statement;
 * - quoted and unquoted parts glued together form one argument (`'it'\''s'` is `it's`).
 */
export function tokenizeUci(text: string, source = 'uci'): UciStatement[] {
  const statements: UciStatement[] = [];
  let args: string[] = [];
  let spans: [number, number][] = [];
  let argsLine = 1;
  let line = 1;
  let i = 0;
  const n = text.length;
  const end = (): void => {
    if (args.length > 0) statements.push({ args, line: argsLine, spans });
    args = [];
    spans = [];
  };
  const fail = (message: string): never => {
    throw new RouterOutputError(source, `line ${line}: ${message}`, { line });
  };
  // uci's parse_backslash: `\x` yields x; `\`+newline (or end of text) yields nothing.
  const backslash = (): string | null => {
    const next = text[i + 1];
    if (next === undefined) {
      i += 1;
      return null;
    }
    if (next === '\n') {
      i += 2;
      line++;
      return null;
    }
    if (next === '\r' && text[i + 2] === '\n') {
      i += 3;
      line++;
      return null;
    }
    i += 2;
    return next;
  };

  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      end();
      line++;
      i++;
      continue;
    }
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === ';') {
      end();
      i++;
      continue;
    }
    if (args.length === 0) argsLine = line;
    const argStart = i;
    let arg = '';
    scan: while (i < n) {
      const ch = text[i]!;
      switch (ch) {
        case "'": {
          i++;
          while (i < n && text[i] !== "'") {
            if (text[i] === '\n') line++;
            arg += text[i];
            i++;
          }
          if (i >= n) fail("the text ends inside a '…' quoted string");
          i++;
          break;
        }
        case '"': {
          i++;
          for (;;) {
            if (i >= n) fail('the text ends inside a "…" quoted string');
            const q = text[i]!;
            if (q === '"') {
              i++;
              break;
            }
            if (q === '\\') {
              const lit = backslash();
              if (lit !== null) arg += lit;
              continue;
            }
            if (q === '\n') line++;
            arg += q;
            i++;
          }
          break;
        }
        case '#':
          while (i < n && text[i] !== '\n') i++;
          break scan;
        case ';':
          break scan;
        case '\\': {
          const lit = backslash();
          if (lit !== null) arg += lit;
          break;
        }
        default:
          if (isSpace(ch)) break scan;
          arg += ch;
          i++;
      }
    }
    args.push(arg);
    // A `#` or `;` that ended the argument is not part of it; i may sit past a comment.
    spans.push([argStart, argEnd(text, argStart, i)]);
  }
  end();
  return statements;
}

/** The end of an argument that started at `start`, scanning at most to `stop`: quotes and escapes are part of it. */
function argEnd(text: string, start: number, stop: number): number {
  let i = start;
  while (i < stop) {
    const c = text[i]!;
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      i = close === -1 ? stop : close + 1;
    } else if (c === '"') {
      i++;
      while (i < stop && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '\\') {
      i += 2;
    } else if (c === '#' || c === ';' || isSpace(c)) {
      return i;
    } else {
      i++;
    }
  }
  return Math.min(i, stop);
}

type MutSection = { type: string; name: string | null; anonymous: boolean; options: UciOption[] };
type MutPackage = { name: string; sections: MutSection[] };

const freeze = (p: MutPackage): UciPackage => ({
  name: p.name,
  sections: p.sections.map((s): UciSection => ({ type: s.type, name: s.name, anonymous: s.anonymous, options: [...s.options] })),
});

/**
 * uci_set on an existing option replaces it in place (uci since 2019 passes the old list
 * position to uci_alloc_option; older builds appended it at the end of the section).
 */
function setOption(section: MutSection, name: string, value: string): void {
  const idx = section.options.findIndex((o) => o.name === name);
  if (idx === -1) section.options.push({ kind: 'option', name, value });
  else section.options[idx] = { kind: 'option', name, value };
}

/** uci_add_list: appends to a list; an existing single value becomes the list's first item. */
function addListItem(section: MutSection, name: string, value: string): void {
  const idx = section.options.findIndex((o) => o.name === name);
  if (idx === -1) {
    section.options.push({ kind: 'list', name, values: [value] });
    return;
  }
  const old = section.options[idx]!;
  section.options[idx] = { kind: 'list', name, values: old.kind === 'list' ? [...old.values, value] : [old.value, value] };
}

type ParseFileOptions = { readonly source: string; readonly defaultPackage?: string };

function parseStatements(text: string, opts: ParseFileOptions): { packages: UciPackage[]; sawHeader: boolean } {
  const packages: MutPackage[] = [];
  let pkg: MutPackage | null = null;
  let section: MutSection | null = null;
  let sawHeader = false;
  for (const { args, line } of tokenizeUci(text, opts.source)) {
    const fail = (message: string): never => {
      throw new RouterOutputError(opts.source, `line ${line}: ${message}`, { line });
    };
    const [word, ...rest] = args as [string, ...string[]];
    const tooMany = (max: number): void => {
      if (rest.length > max) fail(`too many arguments after "${word}"`);
    };
    switch (word) {
      case 'package':
      case 'p': {
        tooMany(1);
        const name = rest[0] ?? '';
        if (!uciPackagePattern.test(name)) fail(`invalid package name "${name}"`);
        if (packages.some((p) => p.name === name)) fail(`package "${name}" appears twice`);
        pkg = { name, sections: [] };
        packages.push(pkg);
        section = null;
        sawHeader = true;
        break;
      }
      case 'config':
      case 'c': {
        tooMany(2);
        if (!pkg) {
          if (!opts.defaultPackage) fail('a "config" line comes before any "package" line');
          pkg = { name: opts.defaultPackage!, sections: [] };
          packages.push(pkg);
        }
        const type = rest[0] ?? '';
        const name = rest[1] ?? '';
        if (!uciTypePattern.test(type)) fail(`invalid section type "${type}"`);
        if (name === '') {
          section = { type, name: null, anonymous: true, options: [] };
          pkg!.sections.push(section);
          break;
        }
        if (!uciNamePattern.test(name)) fail(`invalid section name "${name}" (only A-Z, a-z, 0-9 and _ are allowed)`);
        const existing = pkg!.sections.find((s) => s.name === name);
        if (existing && existing.type !== type) fail(`section "${name}" is declared as "${existing.type}" and as "${type}"`);
        section = existing ?? { type, name, anonymous: false, options: [] };
        if (!existing) pkg!.sections.push(section);
        break;
      }
      case 'option':
      case 'o':
      case 'list':
      case 'l': {
        tooMany(2);
        if (!section) fail(`"${word}" comes before the first "config" line`);
        const name = rest[0] ?? '';
        if (!uciNamePattern.test(name)) fail(`invalid option name "${name}"`);
        const value = rest[1] ?? '';
        if (word.startsWith('l')) addListItem(section!, name, value);
        // uci_set with an empty value on a fresh parse is a no-op, so `option x ''` vanishes.
        else if (value !== '') setOption(section!, name, value);
        break;
      }
      default:
        fail(`unknown statement "${word}" (expected package, config, option or list)`);
    }
  }
  return { packages: packages.map(freeze), sawHeader };
}

/** All packages in `uci export` output (one per `package` line). */
export function parseUciExportAll(text: string): UciPackage[] {
  const { packages, sawHeader } = parseStatements(text, { source: 'uci export' });
  if (!sawHeader) {
    throw new RouterOutputError('uci export', 'expected a "package <name>" line first; the output was empty or not uci export output');
  }
  return packages;
}

/** One package from `uci export <name>` output. */
export function parseUciExport(text: string, packageName: string): UciPackage {
  const found = parseUciExportAll(text).find((p) => p.name === packageName);
  if (!found) throw new RouterOutputError('uci export', `expected "package ${packageName}" in the output`);
  return found;
}

/** An /etc/config/<name> file as written by hand or by `uci commit` (no `package` line, comments allowed). */
export function parseUciConfigFile(text: string, packageName: string): UciPackage {
  const { packages } = parseStatements(text, { source: `/etc/config/${packageName}`, defaultPackage: packageName });
  return packages.find((p) => p.name === packageName) ?? { name: packageName, sections: [] };
}

type Cursor = { text: string; i: number; line: number; source: string };

const cursorFail = (c: Cursor, message: string): never => {
  throw new RouterOutputError(c.source, `line ${c.line}: ${message}`, { line: c.line });
};

/** One value as cli.c's uci_print_value writes it: `'…'` segments glued with `\'`. */
function readQuotedValue(c: Cursor): string {
  let out = '';
  let segments = 0;
  for (;;) {
    const ch = c.text[c.i];
    if (ch === "'") {
      const close = c.text.indexOf("'", c.i + 1);
      if (close === -1) cursorFail(c, "a value's closing ' is missing");
      const part = c.text.slice(c.i + 1, close);
      for (const x of part) if (x === '\n') c.line++;
      out += part;
      c.i = close + 1;
    } else if (ch === '\\' && c.text[c.i + 1] === "'") {
      out += "'";
      c.i += 2;
    } else {
      break;
    }
    segments++;
  }
  if (segments === 0) cursorFail(c, `expected a '…' quoted value, found ${JSON.stringify(c.text.slice(c.i, c.i + 20))}`);
  return out;
}

/** Items of `pkg.sec.opt='a' 'b'`; `delimiter` is uci's `-d` (a space by default). */
function readShowValues(c: Cursor, delimiter: string): string[] {
  const values = [readQuotedValue(c)];
  while (c.text.startsWith(delimiter, c.i) && (c.text[c.i + delimiter.length] === "'" || c.text[c.i + delimiter.length] === '\\')) {
    c.i += delimiter.length;
    values.push(readQuotedValue(c));
  }
  return values;
}

function readLineEnd(c: Cursor): void {
  if (c.i >= c.text.length) return;
  if (c.text[c.i] !== '\n') cursorFail(c, `unexpected text after the value: ${JSON.stringify(c.text.slice(c.i, c.i + 20))}`);
  c.i++;
  c.line++;
}

type ShowKey = { pkg: string; sectionKey: string; ext: { type: string; index: number } | null; option: string | null };

function parseShowKey(c: Cursor, key: string): ShowKey {
  const dot = key.indexOf('.');
  if (dot <= 0) cursorFail(c, `expected "package.section…=" but found "${key}"`);
  const pkg = key.slice(0, dot);
  const rest = key.slice(dot + 1);
  if (!uciPackagePattern.test(pkg)) cursorFail(c, `invalid package name "${pkg}"`);
  if (rest.startsWith('@')) {
    const m = /^@(.+?)\[(-?\d+)\](?:\.([A-Za-z0-9_]+))?$/.exec(rest);
    if (!m) cursorFail(c, `cannot read the section reference "${rest}"`);
    return { pkg, sectionKey: `@${m![1]}[${m![2]}]`, ext: { type: m![1]!, index: Number(m![2]) }, option: m![3] ?? null };
  }
  const m = /^([A-Za-z0-9_]+)(?:\.([A-Za-z0-9_]+))?$/.exec(rest);
  if (!m) cursorFail(c, `cannot read the key "${key}"`);
  return { pkg, sectionKey: m![1]!, ext: null, option: m![2] ?? null };
}

/**
 * All packages in `uci show` output. uci show prints a one-item list exactly like an option,
 * so such lists come back as options; read `uci export` when the distinction matters.
 */
export function parseUciShowAll(text: string, opts: { readonly delimiter?: string } = {}): UciPackage[] {
  const delimiter = opts.delimiter ?? ' ';
  const c: Cursor = { text, i: 0, line: 1, source: 'uci show' };
  const packages = new Map<string, { pkg: MutPackage; byKey: Map<string, MutSection> }>();
  while (c.i < text.length) {
    if (text[c.i] === '\n') {
      c.i++;
      c.line++;
      continue;
    }
    const eq = text.indexOf('=', c.i);
    const nl = text.indexOf('\n', c.i);
    if (eq === -1 || (nl !== -1 && nl < eq)) {
      cursorFail(c, `expected "package.section=type" or "package.section.option='value'", found ${JSON.stringify(text.slice(c.i, nl === -1 ? undefined : nl))}`);
    }
    const key = parseShowKey(c, text.slice(c.i, eq));
    c.i = eq + 1;
    let entry = packages.get(key.pkg);
    if (!entry) {
      entry = { pkg: { name: key.pkg, sections: [] }, byKey: new Map() };
      packages.set(key.pkg, entry);
    }
    if (key.option === null) {
      const lineEnd = text.indexOf('\n', c.i);
      const type = text.slice(c.i, lineEnd === -1 ? undefined : lineEnd);
      if (!uciTypePattern.test(type)) cursorFail(c, `invalid section type "${type}"`);
      c.i = lineEnd === -1 ? text.length : lineEnd;
      if (entry.byKey.has(key.sectionKey)) cursorFail(c, `section "${key.sectionKey}" appears twice`);
      const anonymous = key.ext !== null || uciGeneratedNamePattern.test(key.sectionKey);
      const section: MutSection = { type, name: key.ext ? null : key.sectionKey, anonymous, options: [] };
      entry.pkg.sections.push(section);
      entry.byKey.set(key.sectionKey, section);
    } else {
      const section = entry.byKey.get(key.sectionKey);
      if (!section) cursorFail(c, `option "${key.option}" belongs to section "${key.sectionKey}", which was not declared before it`);
      const values = readShowValues(c, delimiter);
      section!.options.push(
        values.length === 1 ? { kind: 'option', name: key.option, value: values[0]! } : { kind: 'list', name: key.option, values },
      );
    }
    readLineEnd(c);
  }
  return [...packages.values()].map((e) => freeze(e.pkg));
}

/** One package from `uci show <name>`; an empty package prints nothing, which is not an error. */
export function parseUciShow(text: string, packageName: string): UciPackage {
  const all = parseUciShowAll(text);
  const other = all.find((p) => p.name !== packageName);
  if (other) throw new RouterOutputError('uci show', `expected only package "${packageName}", found "${other.name}"`);
  return all[0] ?? { name: packageName, sections: [] };
}

/**
 * One staged change from `uci changes` (cli.c uci_show_changes). `add`, `rename` and
 * `reorder` are all printed with `=`, so they read back as kind 'set'.
 */
export type UciPendingChange = {
  readonly kind: 'set' | 'remove' | 'add-list' | 'del-list';
  readonly package: string;
  readonly section: string;
  readonly option: string | null;
  readonly value: string | null;
};

export function parseUciChanges(text: string): UciPendingChange[] {
  const c: Cursor = { text, i: 0, line: 1, source: 'uci changes' };
  const out: UciPendingChange[] = [];
  while (c.i < text.length) {
    if (text[c.i] === '\n') {
      c.i++;
      c.line++;
      continue;
    }
    const remove = text[c.i] === '-';
    if (remove) c.i++;
    const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)(?:\.([A-Za-z0-9_]+))?(\+=|-=|=|\n|$)/.exec(text.slice(c.i, c.i + 400));
    if (!m) cursorFail(c, `expected "package.section[.option]=…", found ${JSON.stringify(text.slice(c.i, c.i + 40))}`);
    const [whole, pkg, section, option, op] = m! as unknown as [string, string, string, string | undefined, string];
    c.i += whole.length - (op === '\n' ? 1 : 0);
    if (remove) {
      out.push({ kind: 'remove', package: pkg, section, option: option ?? null, value: null });
    } else {
      if (op === '\n' || op === '') cursorFail(c, 'expected =, += or -= after the key');
      const value = readQuotedValue(c);
      const kind = op === '+=' ? 'add-list' : op === '-=' ? 'del-list' : 'set';
      out.push({ kind, package: pkg, section, option: option ?? null, value });
    }
    readLineEnd(c);
  }
  return out;
}
