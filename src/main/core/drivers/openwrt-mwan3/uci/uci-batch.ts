// Builds `uci batch` scripts from typed operations, checks batch stderr (uci batch exits 0
// even when a line fails), and replays operations on the model to preview their result.
import { InvalidConfigError, UciBatchError } from '../errors.ts';
import {
  findUciSectionIndex,
  uciNamePattern,
  uciPackagePattern,
  uciTypePattern,
  uciValueProblem,
  type UciOption,
  type UciPackage,
  type UciSection,
} from './uci-model.ts';
import { escapeUciQuoted } from './uci-serialize.ts';

/**
 * `section` is a name or an extended reference `@type[N]` (negative N counts from the end, so
 * `@rule[-1]` is the section a preceding `add-section` just created).
 */
type Target = { readonly package: string; readonly section: string };

export type UciBatchOp =
  /** `set pkg.sec=type`: creates a named section (or changes its type). */
  | (Target & { readonly kind: 'set-section'; readonly type: string })
  | (Target & { readonly kind: 'set-option'; readonly option: string; readonly value: string })
  /** Replaces a whole list: clears it (`set …=''`, a no-op when absent) then `add_list` each item. */
  | (Target & { readonly kind: 'set-list'; readonly option: string; readonly values: readonly string[] })
  | (Target & { readonly kind: 'add-list'; readonly option: string; readonly value: string })
  | (Target & { readonly kind: 'del-list'; readonly option: string; readonly value: string })
  | (Target & { readonly kind: 'delete-option'; readonly option: string })
  | (Target & { readonly kind: 'delete-section' })
  | (Target & { readonly kind: 'rename-section'; readonly newName: string })
  | (Target & { readonly kind: 'reorder-section'; readonly position: number })
  /** `add pkg type`: a new anonymous section at the end; address it as `@type[-1]` afterwards. */
  | { readonly kind: 'add-section'; readonly package: string; readonly type: string };

/** One value in batch syntax: always single-quoted, `'` written as `'\''` (read back by uci's parse_str). */
export function quoteUciBatchValue(value: string): string {
  return `'${escapeUciQuoted(value)}'`;
}

const sectionRefPattern = /^(?:[A-Za-z0-9_]+|@[A-Za-z0-9_]+\[-?\d+\])$/;

type Issue = { path: string; message: string };

function checkOp(op: UciBatchOp, index: number): Issue[] {
  const issues: Issue[] = [];
  const at = `batch[${index}]`;
  const add = (message: string): void => {
    issues.push({ path: at, message });
  };
  if (!uciPackagePattern.test(op.package)) add(`Package name "${op.package}" may only use letters, digits, _ and -.`);
  if (op.kind === 'add-section') {
    if (!uciTypePattern.test(op.type)) add(`Section type "${op.type}" must be printable ASCII without spaces.`);
    return issues;
  }
  if (!sectionRefPattern.test(op.section)) {
    add(`Section "${op.section}" must be a name of letters, digits and _ or a reference like @rule[0].`);
  }
  const value = (v: string, what: string): void => {
    const problem = uciValueProblem(v);
    if (problem) add(`The ${what} for ${op.package}.${op.section}${'option' in op ? `.${op.option}` : ''} ${problem}.`);
  };
  if ('option' in op && !uciNamePattern.test(op.option)) add(`Option name "${op.option}" may only use letters, digits and _.`);
  switch (op.kind) {
    case 'set-section':
      if (!uciTypePattern.test(op.type)) add(`Section type "${op.type}" must be printable ASCII without spaces.`);
      if (op.section.startsWith('@')) add('set-section needs a section name; use add-section for an anonymous one.');
      break;
    case 'set-option':
      value(op.value, 'value');
      break;
    case 'set-list':
      if (op.values.length === 0) add(`The list ${op.package}.${op.section}.${op.option} is empty; use delete-option to remove it.`);
      op.values.forEach((v) => value(v, 'list item'));
      break;
    case 'add-list':
    case 'del-list':
      value(op.value, 'list item');
      break;
    case 'rename-section':
      if (!uciNamePattern.test(op.newName)) add(`New section name "${op.newName}" may only use letters, digits and _.`);
      break;
    case 'reorder-section':
      if (!Number.isSafeInteger(op.position) || op.position < 0) add(`Position ${op.position} must be a whole number ≥ 0.`);
      break;
    case 'delete-option':
    case 'delete-section':
      break;
  }
  return issues;
}

function opLines(op: UciBatchOp): string[] {
  if (op.kind === 'add-section') {
    return [`add ${op.package} ${uciNamePattern.test(op.type) ? op.type : quoteUciBatchValue(op.type)}`];
  }
  const s = `${op.package}.${op.section}`;
  switch (op.kind) {
    case 'set-section':
      return [`set ${s}=${quoteUciBatchValue(op.type)}`];
    case 'set-option':
      return [`set ${s}.${op.option}=${quoteUciBatchValue(op.value)}`];
    case 'set-list':
      // `set x=''` deletes x when present and is silent when absent; `delete` would print
      // "Entry not found" for a missing option and look like a failure.
      return [`set ${s}.${op.option}=''`, ...op.values.map((v) => `add_list ${s}.${op.option}=${quoteUciBatchValue(v)}`)];
    case 'add-list':
      return [`add_list ${s}.${op.option}=${quoteUciBatchValue(op.value)}`];
    case 'del-list':
      return [`del_list ${s}.${op.option}=${quoteUciBatchValue(op.value)}`];
    case 'delete-option':
      return [`delete ${s}.${op.option}`];
    case 'delete-section':
      return [`delete ${s}`];
    case 'rename-section':
      return [`rename ${s}=${quoteUciBatchValue(op.newName)}`];
    case 'reorder-section':
      return [`reorder ${s}=${quoteUciBatchValue(String(op.position))}`];
  }
}

/**
 * The stdin for `uci batch`, one command per line. It stages changes only: run `uci commit`
 * after checking stderr, so a half-failed batch can be reverted instead of committed.
 * Send it on stdin, not in a shell here-document (a value line could equal the delimiter).
 */
export function buildUciBatch(ops: readonly UciBatchOp[]): string {
  const issues = ops.flatMap(checkOp);
  if (issues.length > 0) throw new InvalidConfigError(issues);
  return ops.flatMap(opLines).map((l) => `${l}\n`).join('');
}

export type UciBatchResult = { readonly ok: boolean; readonly errors: readonly string[] };

/**
 * uci batch keeps going after a failed line and exits 0; failures only show on stderr, one line
 * each ("Unknown command", "Too many arguments", "uci: Entry not found", "uci: Invalid argument",
 * "uci: Parse error …"). stderr does not say which line failed, so any stderr line is a failure.
 */
export function parseUciBatchStderr(stderr: string): UciBatchResult {
  const errors = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return { ok: errors.length === 0, errors };
}

export function assertUciBatchSucceeded(stderr: string): void {
  const result = parseUciBatchStderr(stderr);
  if (!result.ok) throw new UciBatchError(result.errors);
}

type MutSection = { type: string; name: string | null; anonymous: boolean; options: UciOption[] };

/**
 * What the package looks like after the batch, following uci's list.c semantics, for the apply
 * preview and to check the result read back after commit. New anonymous sections get a null name
 * (the router picks cfgXXXXXX). Throws InvalidConfigError where uci would print an error.
 */
export function applyUciBatchOps(pkg: UciPackage, ops: readonly UciBatchOp[]): UciPackage {
  const issues = ops.flatMap(checkOp);
  if (issues.length > 0) throw new InvalidConfigError(issues);
  const sections: MutSection[] = pkg.sections.map((s) => ({ ...s, options: [...s.options] }));
  const view = (): UciPackage => ({ name: pkg.name, sections });
  ops.forEach((op, index) => {
    const fail = (message: string): never => {
      throw new InvalidConfigError([{ path: `batch[${index}]`, message }]);
    };
    if (op.package !== pkg.name) fail(`This batch operation is for package "${op.package}", not "${pkg.name}".`);
    if (op.kind === 'add-section') {
      sections.push({ type: op.type, name: null, anonymous: true, options: [] });
      return;
    }
    const idx = findUciSectionIndex(view(), op.section);
    if (op.kind === 'set-section') {
      if (idx === -1) sections.push({ type: op.type, name: op.section, anonymous: false, options: [] });
      else sections[idx]!.type = op.type;
      return;
    }
    if (idx === -1) fail(`Section ${op.package}.${op.section} does not exist (uci: Invalid argument / Entry not found).`);
    const section = sections[idx]!;
    const optIdx = 'option' in op ? section.options.findIndex((o) => o.name === op.option) : -1;
    switch (op.kind) {
      case 'set-option':
        if (optIdx === -1) section.options.push({ kind: 'option', name: op.option, value: op.value });
        else section.options[optIdx] = { kind: 'option', name: op.option, value: op.value };
        break;
      case 'set-list': {
        const list: UciOption = { kind: 'list', name: op.option, values: [...op.values] };
        // The clear removes the option, so the new list lands at the end of the section.
        if (optIdx !== -1) section.options.splice(optIdx, 1);
        section.options.push(list);
        break;
      }
      case 'add-list': {
        const old = section.options[optIdx];
        if (!old) section.options.push({ kind: 'list', name: op.option, values: [op.value] });
        else section.options[optIdx] = { kind: 'list', name: op.option, values: old.kind === 'list' ? [...old.values, op.value] : [old.value, op.value] };
        break;
      }
      case 'del-list': {
        const old = section.options[optIdx];
        // uci_del_list ignores a missing option and a plain option; it removes every equal item.
        if (old?.kind === 'list') {
          const values = old.values.filter((v) => v !== op.value);
          if (values.length === 0) section.options.splice(optIdx, 1);
          else section.options[optIdx] = { kind: 'list', name: op.option, values };
        }
        break;
      }
      case 'delete-option':
        if (optIdx === -1) fail(`Option ${op.package}.${op.section}.${op.option} does not exist (uci: Entry not found).`);
        section.options.splice(optIdx, 1);
        break;
      case 'delete-section':
        sections.splice(idx, 1);
        break;
      case 'rename-section':
        if (sections.some((s, i) => i !== idx && s.name === op.newName)) fail(`A section named "${op.newName}" already exists.`);
        section.name = op.newName;
        section.anonymous = false;
        break;
      case 'reorder-section': {
        sections.splice(idx, 1);
        sections.splice(Math.min(op.position, sections.length), 0, section);
        break;
      }
    }
  });
  return { name: pkg.name, sections: sections.map((s): UciSection => ({ type: s.type, name: s.name, anonymous: s.anonymous, options: [...s.options] })) };
}
