// Compares two reads of one UCI package: the "edited on the router since we read it" check and
// the change list shown to the user before an apply. Plain JSON changes plus a readable line each.
import { uciSectionRef, type UciOption, type UciPackage, type UciSection } from './uci-model.ts';

export type UciValue = string | readonly string[];

export type UciChange =
  | { readonly kind: 'section-added'; readonly section: string; readonly type: string; readonly options: readonly UciOption[] }
  | { readonly kind: 'section-removed'; readonly section: string; readonly type: string }
  | { readonly kind: 'section-type-changed'; readonly section: string; readonly from: string; readonly to: string }
  | { readonly kind: 'section-moved'; readonly section: string; readonly from: number; readonly to: number }
  | { readonly kind: 'option-added'; readonly section: string; readonly option: string; readonly to: UciValue }
  | { readonly kind: 'option-removed'; readonly section: string; readonly option: string; readonly from: UciValue }
  | { readonly kind: 'option-changed'; readonly section: string; readonly option: string; readonly from: UciValue; readonly to: UciValue };

type Keyed = { key: string; label: string; index: number; section: UciSection };

/**
 * Named sections match by name. Anonymous ones match by their place among the anonymous
 * sections of the same type, which is how uci's own `@type[N]` addressing behaves.
 */
function keyed(pkg: UciPackage): Keyed[] {
  const anonCount = new Map<string, number>();
  return pkg.sections.map((section, index) => {
    const label = `${pkg.name}.${uciSectionRef(pkg, index)}`;
    if (!section.anonymous && section.name !== null) return { key: `n:${section.name}`, label, index, section };
    const n = anonCount.get(section.type) ?? 0;
    anonCount.set(section.type, n + 1);
    return { key: `a:${section.type}:${n}`, label, index, section };
  });
}

const valueOf = (o: UciOption): UciValue => (o.kind === 'option' ? o.value : o.values);

const sameValue = (a: UciOption, b: UciOption): boolean =>
  a.kind === 'option' && b.kind === 'option'
    ? a.value === b.value
    : a.kind === 'list' && b.kind === 'list' && a.values.length === b.values.length && a.values.every((v, i) => v === b.values[i]);

/**
 * Changes that turn `before` into `after`. Option order inside a section is ignored (uci
 * versions differ in where an updated option lands); section order is not, because mwan3 numbers
 * interfaces and evaluates rules by position.
 */
export function diffUciPackages(before: UciPackage, after: UciPackage): UciChange[] {
  const changes: UciChange[] = [];
  const a = keyed(before);
  const b = keyed(after);
  const bByKey = new Map(b.map((k) => [k.key, k]));
  const aByKey = new Map(a.map((k) => [k.key, k]));
  for (const old of a) {
    const now = bByKey.get(old.key);
    if (!now) {
      changes.push({ kind: 'section-removed', section: old.label, type: old.section.type });
      continue;
    }
    if (old.section.type !== now.section.type) {
      changes.push({ kind: 'section-type-changed', section: now.label, from: old.section.type, to: now.section.type });
    }
    for (const o of old.section.options) {
      const n = now.section.options.find((x) => x.name === o.name);
      if (!n) changes.push({ kind: 'option-removed', section: now.label, option: o.name, from: valueOf(o) });
      else if (!sameValue(o, n)) changes.push({ kind: 'option-changed', section: now.label, option: o.name, from: valueOf(o), to: valueOf(n) });
    }
    for (const n of now.section.options) {
      if (!old.section.options.some((x) => x.name === n.name)) {
        changes.push({ kind: 'option-added', section: now.label, option: n.name, to: valueOf(n) });
      }
    }
  }
  for (const now of b) {
    if (!aByKey.has(now.key)) changes.push({ kind: 'section-added', section: now.label, type: now.section.type, options: now.section.options });
  }
  // Order: the shared sections that are not on the longest run kept in order are the ones moved.
  const shared = b.filter((k) => aByKey.has(k.key));
  const oldIdx = shared.map((k) => aByKey.get(k.key)!.index);
  const kept = longestIncreasing(oldIdx);
  const oldRank = [...oldIdx].sort((x, y) => x - y);
  shared.forEach((k, i) => {
    if (!kept.has(i)) changes.push({ kind: 'section-moved', section: k.label, from: oldRank.indexOf(oldIdx[i]!), to: i });
  });
  return changes;
}

/** Positions (into xs) of one longest strictly increasing subsequence; n is small, O(n²) is fine. */
function longestIncreasing(xs: readonly number[]): Set<number> {
  const len = xs.map(() => 1);
  const prev = xs.map(() => -1);
  let best = -1;
  for (let i = 0; i < xs.length; i++) {
    for (let j = 0; j < i; j++) {
      if (xs[j]! < xs[i]! && len[j]! + 1 > len[i]!) {
        len[i] = len[j]! + 1;
        prev[i] = j;
      }
    }
    if (best === -1 || len[i]! > len[best]!) best = i;
  }
  const out = new Set<number>();
  for (let i = best; i !== -1; i = prev[i]!) out.add(i);
  return out;
}

export function uciPackagesEqual(a: UciPackage, b: UciPackage): boolean {
  return diffUciPackages(a, b).length === 0;
}

const show = (v: UciValue): string => (typeof v === 'string' ? `'${v}'` : `[${v.map((x) => `'${x}'`).join(', ')}]`);

/** One line for people, e.g. `mwan3.wan.interval: '1' → '2'`. */
export function formatUciChange(c: UciChange): string {
  switch (c.kind) {
    case 'section-added':
      return `${c.section}: new ${c.type} section${c.options.length ? ` (${c.options.map((o) => `${o.name}=${show(valueOf(o))}`).join(', ')})` : ''}`;
    case 'section-removed':
      return `${c.section}: ${c.type} section removed`;
    case 'section-type-changed':
      return `${c.section}: type ${c.from} → ${c.to}`;
    case 'section-moved':
      return `${c.section}: moved from position ${c.from + 1} to ${c.to + 1}`;
    case 'option-added':
      return `${c.section}.${c.option}: added ${show(c.to)}`;
    case 'option-removed':
      return `${c.section}.${c.option}: removed (was ${show(c.from)})`;
    case 'option-changed':
      return `${c.section}.${c.option}: ${show(c.from)} → ${show(c.to)}`;
  }
}
