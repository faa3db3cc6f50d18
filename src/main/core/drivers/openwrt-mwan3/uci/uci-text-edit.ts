// Applies uci operations to the TEXT of an /etc/config file, in place: only the lines of the
// options and sections an operation names change; every other byte (comments, quoting, spacing,
// blank lines, order) stays as the admin left it. `uci commit` would re-serialise the whole file.
import { InvalidConfigError } from '../errors.ts';
import type { UciBatchOp } from './uci-batch.ts';
import { findUciSectionIndex, type UciPackage } from './uci-model.ts';
import { parseUciConfigFile, tokenizeUci, type UciStatement } from './uci-parse.ts';
import { escapeUciQuoted } from './uci-serialize.ts';

type Stmt = UciStatement & { readonly section: number };

/**
 * An edit the text editor can make beyond uci's batch: put an option back exactly as it was
 * written in `original` (another version of the same file), so Remove restores the admin's bytes.
 */
export type RestoreLinesOp = { readonly kind: 'restore-lines'; readonly package: string; readonly section: string; readonly option: string; readonly original: string };
export type UciTextOp = UciBatchOp | RestoreLinesOp;

type Layout = {
  readonly pkg: UciPackage;
  /** Statements by section index (as parseUciConfigFile numbers them), in file order. */
  readonly bySection: readonly Stmt[][];
};

/** Maps each statement to its section the way parseUciConfigFile does (a repeated name reopens it). */
function layout(text: string, pkgName: string): Layout {
  const pkg = parseUciConfigFile(text, pkgName);
  const bySection: Stmt[][] = pkg.sections.map(() => []);
  const names = new Map<string, number>();
  let next = 0;
  let current = -1;
  for (const st of tokenizeUci(text, `/etc/config/${pkgName}`)) {
    const word = st.args[0];
    if (word === 'config' || word === 'c') {
      const name = st.args[2] ?? '';
      const known = name === '' ? undefined : names.get(name);
      current = known ?? next++;
      if (name !== '' && known === undefined) names.set(name, current);
    }
    if (current >= 0) bySection[current]!.push({ ...st, section: current });
  }
  return { pkg, bySection };
}

const lineStart = (text: string, at: number): number => text.lastIndexOf('\n', at - 1) + 1;
const lineEnd = (text: string, at: number): number => {
  const nl = text.indexOf('\n', at);
  return nl === -1 ? text.length : nl + 1;
};
const stmtStart = (s: UciStatement): number => s.spans[0]![0];
const stmtEnd = (s: UciStatement): number => s.spans[s.spans.length - 1]![1];

/**
 * The bytes that belong to a statement: its whole line(s) when it is alone there (a trailing
 * comment goes with it), else only the statement and a `;` right after it.
 */
function stmtRange(text: string, s: UciStatement): [number, number] {
  const a = lineStart(text, stmtStart(s));
  const end = stmtEnd(s);
  const b = lineEnd(text, end);
  const before = text.slice(a, stmtStart(s));
  const after = text.slice(end, b).replace(/\n$/, '');
  if (/^[ \t]*$/.test(before) && /^[ \t]*(?:#.*)?$/.test(after)) return [a, b];
  const semi = /^[ \t]*;/.exec(text.slice(end));
  return [stmtStart(s), semi ? end + semi[0].length : end];
}

const isBlankLine = (text: string, at: number): boolean => at < text.length && /^[ \t]*(?:\n|$)/.test(text.slice(at, lineEnd(text, at)));

/** The indentation of option lines in this section, else the first indented option in the file, else a tab. */
function indentFor(text: string, l: Layout, section: number): string {
  const pick = (stmts: readonly Stmt[]): string | undefined => {
    for (const s of stmts) {
      if (s.args[0] === 'config' || s.args[0] === 'c') continue;
      const m = /^[ \t]*/.exec(text.slice(lineStart(text, stmtStart(s)), stmtStart(s)));
      if (m && m[0] !== '') return m[0];
    }
    return undefined;
  };
  return pick(l.bySection[section] ?? []) ?? pick(l.bySection.flat()) ?? '\t';
}

/**
 * A value written in the quote style the admin used for the old one when it can hold the new
 * one unchanged; otherwise uci's own style ('…' with ' as '\'').
 */
export function quoteLike(oldToken: string | null, value: string): string {
  if (oldToken !== null) {
    if (oldToken.startsWith('"') && !/["\\$`\n]/.test(value)) return `"${value}"`;
    if (!/^['"]/.test(oldToken) && /^[A-Za-z0-9_.:/@+%,=-]+$/.test(value)) return value;
  }
  return `'${escapeUciQuoted(value)}'`;
}

const optionLine = (indent: string, word: 'option' | 'list', name: string, value: string): string => `${indent}${word} ${name} ${quoteLike(null, value)}\n`;

type Edit = { readonly at: number; readonly end: number; readonly insert: string };

function splice(text: string, e: Edit): string {
  return text.slice(0, e.at) + e.insert + text.slice(e.end);
}

/** Deletes ranges from the end backwards so earlier offsets stay valid. */
function removeRanges(text: string, ranges: readonly [number, number][]): string {
  let out = text;
  for (const [a, b] of [...ranges].sort((x, y) => y[0] - x[0])) out = out.slice(0, a) + out.slice(b);
  return out;
}

/** Where a new option line of this section goes: after the last line of its last statement. */
function sectionTail(text: string, l: Layout, section: number): number {
  const stmts = l.bySection[section]!;
  return stmtRange(text, stmts[stmts.length - 1]!)[1];
}

/** The whole block of a section: its config line through its last statement, interior comments included. */
function sectionBlock(text: string, l: Layout, section: number): [number, number] {
  const stmts = l.bySection[section]!;
  return [stmtRange(text, stmts[0]!)[0], stmtRange(text, stmts[stmts.length - 1]!)[1]];
}

/** Cuts a section block and one blank line next to it (after it, else before it): the inverse of insertBlock. */
function cutBlock(text: string, [a, b]: [number, number]): string {
  if (isBlankLine(text, b)) return text.slice(0, a) + text.slice(lineEnd(text, b));
  if (a > 0) {
    const prev = lineStart(text, a - 1);
    if (isBlankLine(text, prev)) return text.slice(0, prev) + text.slice(b);
  }
  return text.slice(0, a) + text.slice(b);
}

/** Where the comment lines directly above offset `at` begin: comments right above a section describe it. */
function headStart(text: string, at: number): number {
  while (at > 0) {
    const prev = lineStart(text, at - 1);
    if (!/^[ \t]*#/.test(text.slice(prev, at))) break;
    at = prev;
  }
  return at;
}

/** Puts a block before the section at `section` (above the comment lines that head it), or at the end. */
function insertBlock(text: string, l: Layout, block: string, section: number | null): string {
  if (section !== null && l.bySection[section]) {
    const at = headStart(text, stmtRange(text, l.bySection[section]![0]!)[0]);
    return splice(text, { at, end: at, insert: `${block}\n` });
  }
  if (text === '') return block;
  if (text.endsWith('\n\n')) return `${text}${block}\n`;
  return `${text}${text.endsWith('\n') ? '\n' : '\n\n'}${block}`;
}

const isOptionStmt = (s: UciStatement): boolean => s.args[0] !== 'config' && s.args[0] !== 'c';

/** The original lines of the option, and the option written just before it in its section (the anchor). */
function originalLines(op: RestoreLinesOp): { text: string; after: string | null } | null {
  const l = layout(op.original, op.package);
  const idx = findUciSectionIndex(l.pkg, op.section);
  if (idx === -1) return null;
  const stmts = l.bySection[idx]!;
  const mine = stmts.filter((s) => isOptionStmt(s) && s.args[1] === op.option);
  if (mine.length === 0) return null;
  const ranges = mine.map((s) => stmtRange(op.original, s));
  // Only whole lines that follow each other can be copied back as they were.
  for (let k = 0; k < ranges.length; k++) {
    const [a, b] = ranges[k]!;
    if (op.original[b - 1] !== '\n' || (a > 0 && op.original[a - 1] !== '\n')) return null;
    if (k > 0 && ranges[k - 1]![1] !== a) return null;
  }
  const firstAt = stmts.indexOf(mine[0]!);
  const prev = stmts.slice(0, firstAt).reverse().find(isOptionStmt);
  return { text: op.original.slice(ranges[0]![0], ranges[ranges.length - 1]![1]), after: prev ? prev.args[1]! : null };
}

function restoreLines(text: string, pkgName: string, op: RestoreLinesOp, index: number): string {
  const orig = originalLines(op);
  const l = layout(text, pkgName);
  const idx = findUciSectionIndex(l.pkg, op.section);
  if (idx === -1) throw new InvalidConfigError([{ path: `batch[${index}]`, message: `Section ${op.package}.${op.section} does not exist.` }]);
  const stmts = l.bySection[idx]!;
  const same = stmts.filter((s) => isOptionStmt(s) && s.args[1] === op.option);
  if (orig === null) {
    // Not restorable line for line (absent, or shared a line): fall back to the value.
    const was = findUciSectionIndex(parseUciConfigFile(op.original, pkgName), op.section);
    const values = was === -1 ? undefined : parseUciConfigFile(op.original, pkgName).sections[was]!.options.find((o) => o.name === op.option);
    const next: UciBatchOp = !values
      ? { kind: 'delete-option', package: pkgName, section: op.section, option: op.option }
      : values.kind === 'list'
        ? { kind: 'set-list', package: pkgName, section: op.section, option: op.option, values: values.values }
        : { kind: 'set-option', package: pkgName, section: op.section, option: op.option, value: values.value };
    return same.length === 0 && next.kind === 'delete-option' ? text : applyOne(text, pkgName, next, index);
  }
  if (same.length > 0) return replaceStatements(text, same, orig.text, 0);
  const anchor = orig.after === null ? undefined : [...stmts].reverse().find((s) => isOptionStmt(s) && s.args[1] === orig.after);
  const at = anchor ? stmtRange(text, anchor)[1] : orig.after === null ? stmtRange(text, stmts[0]!)[1] : sectionTail(text, l, idx);
  return splice(text, { at, end: at, insert: orig.text });
}

function applyOne(text: string, pkgName: string, op: UciTextOp, index: number): string {
  if (op.kind === 'restore-lines') return restoreLines(text, pkgName, op, index);
  const fail = (message: string): never => {
    throw new InvalidConfigError([{ path: `batch[${index}]`, message }]);
  };
  if (op.package !== pkgName) fail(`This operation is for package "${op.package}", not "${pkgName}".`);
  if (op.kind === 'add-section' || op.kind === 'rename-section') return fail(`${op.kind} is not supported by the in-place editor.`);
  const l = layout(text, pkgName);
  const idx = findUciSectionIndex(l.pkg, op.section);
  if (op.kind === 'set-section') {
    if (idx === -1) return insertBlock(text, l, `config ${op.type} '${op.section}'\n`, null);
    const head = l.bySection[idx]![0]!;
    const typeSpan = head.spans[1]!;
    return splice(text, { at: typeSpan[0], end: typeSpan[1], insert: op.type });
  }
  if (idx === -1) return fail(`Section ${op.package}.${op.section} does not exist.`);
  const stmts = l.bySection[idx]!;
  const ofOption = (name: string): Stmt[] => stmts.filter((s) => s.args[0] !== 'config' && s.args[0] !== 'c' && s.args[1] === name);
  const indent = indentFor(text, l, idx);
  switch (op.kind) {
    case 'set-option': {
      const same = ofOption(op.option);
      const last = [...same].reverse().find((s) => s.args[0] === 'option' || s.args[0] === 'o');
      if (last && same.every((s) => s.args[0] === 'option' || s.args[0] === 'o') && last.spans[2]) {
        const [a, b] = last.spans[2];
        return splice(text, { at: a, end: b, insert: quoteLike(text.slice(a, b), op.value) });
      }
      if (last && !last.spans[2]) {
        // `option x` with no value: add one after the name.
        const end = last.spans[1]![1];
        return splice(text, { at: end, end, insert: ` ${quoteLike(null, op.value)}` });
      }
      return replaceStatements(text, same, optionLine(indent, 'option', op.option, op.value), sectionTail(text, l, idx));
    }
    case 'set-list': {
      const same = ofOption(op.option);
      if (same.length > 0 && same.every((s) => (s.args[0] === 'list' || s.args[0] === 'l') && s.spans[2])) return rewriteList(text, same, op.values, indent, op.option);
      const lines = op.values.map((v) => optionLine(indent, 'list', op.option, v)).join('');
      return replaceStatements(text, same, lines, sectionTail(text, l, idx));
    }
    case 'add-list': {
      const same = ofOption(op.option);
      const at = same.length ? stmtRange(text, same[same.length - 1]!)[1] : sectionTail(text, l, idx);
      return splice(text, { at, end: at, insert: optionLine(indent, 'list', op.option, op.value) });
    }
    case 'del-list':
      return removeRanges(text, ofOption(op.option).filter((s) => (s.args[0] === 'list' || s.args[0] === 'l') && s.args[2] === op.value).map((s) => stmtRange(text, s)));
    case 'delete-option': {
      const same = ofOption(op.option);
      if (same.length === 0) fail(`Option ${op.package}.${op.section}.${op.option} does not exist.`);
      return removeRanges(text, same.map((s) => stmtRange(text, s)));
    }
    case 'delete-section':
      return cutBlock(text, sectionBlock(text, l, idx));
    case 'reorder-section': {
      // The comment lines heading the section move with it (an admin's note about a rule).
      const [start, b] = sectionBlock(text, l, idx);
      const a = headStart(text, start);
      const block = text.slice(a, b);
      const without = cutBlock(text, [a, b]);
      const l2 = layout(without, pkgName);
      return insertBlock(without, l2, block, op.position < l2.pkg.sections.length ? op.position : null);
    }
  }
}

/**
 * A list rewritten item by item where it stands: the i-th old line keeps its indentation,
 * spelling and quote style and only its value changes; extra items follow the last line, and
 * surplus lines go. So putting the old values back gives the old bytes back.
 */
function rewriteList(text: string, old: readonly Stmt[], values: readonly string[], indent: string, name: string): string {
  const edits: Edit[] = [];
  old.forEach((s, i) => {
    const [a, b] = s.spans[2]!;
    if (i < values.length) edits.push({ at: a, end: b, insert: quoteLike(text.slice(a, b), values[i]!) });
    else {
      const [ra, rb] = stmtRange(text, s);
      edits.push({ at: ra, end: rb, insert: '' });
    }
  });
  if (values.length > old.length) {
    const last = old[old.length - 1]!;
    const at = stmtRange(text, last)[1];
    const lastIndent = /^[ \t]*/.exec(text.slice(lineStart(text, stmtStart(last)), stmtStart(last)))![0] || indent;
    const tokenOfLast = text.slice(last.spans[2]![0], last.spans[2]![1]);
    const extra = values.slice(old.length).map((v) => `${lastIndent}list ${name} ${quoteLike(tokenOfLast, v)}\n`).join('');
    edits.push({ at, end: at, insert: extra });
  }
  let out = text;
  for (const e of [...edits].sort((x, y) => y.at - x.at)) out = splice(out, e);
  return out;
}

/** Replaces the given statements with `lines` where the first of them was, or inserts at `fallback`. */
function replaceStatements(text: string, stmts: readonly Stmt[], lines: string, fallback: number): string {
  if (stmts.length === 0) return splice(text, { at: fallback, end: fallback, insert: lines });
  const ranges = stmts.map((s) => stmtRange(text, s));
  const first = ranges[0]!;
  // Keep the first range's position: remove the others, then swap the first.
  const trimmed = removeRanges(text, ranges.slice(1));
  const whole = first[1] - first[0] > 0 && (first[0] === 0 || text[first[0] - 1] === '\n') && text[first[1] - 1] === '\n';
  return splice(trimmed, { at: first[0], end: first[1], insert: whole ? lines : lines.trim() });
}

/**
 * The file text after `ops`, edited in place. Throws when the result would not read back as
 * `applyUciBatchOps` predicts (option order inside a section aside: in-place edits keep it).
 */
export function applyUciOpsToText(text: string, pkgName: string, ops: readonly UciTextOp[]): string {
  let out = text;
  ops.forEach((op, i) => {
    out = applyOne(out, pkgName, op, i);
  });
  return out;
}
