// The in-memory form of one UCI package, in uci's own order: sections in file order, options
// in the order uci keeps them, list items in order. Plain readonly JSON so it can cross the contract.

export type UciOption =
  | { readonly kind: 'option'; readonly name: string; readonly value: string }
  | { readonly kind: 'list'; readonly name: string; readonly values: readonly string[] };

export type UciSection = {
  readonly type: string;
  /** null when uci did not print a name (an anonymous section in `uci export` or `@type[N]` in `uci show`). */
  readonly name: string | null;
  /** uci's anonymous flag: `config rule` without a name, or a generated `cfgXXXXXX` name from `uci show -X`. */
  readonly anonymous: boolean;
  readonly options: readonly UciOption[];
};

export type UciPackage = {
  readonly name: string;
  readonly sections: readonly UciSection[];
};

/** Names of packages, sections and options: what uci_validate_str accepts for names. */
export const uciNamePattern = /^[A-Za-z0-9_]+$/;
/** Package names also allow `-` (uci_validate_package). */
export const uciPackagePattern = /^[A-Za-z0-9_-]+$/;
/** Section types: printable ASCII without spaces (uci_validate_type). */
export const uciTypePattern = /^[\x21-\x7e]+$/;
/** Names uci generates for anonymous sections (uci_fixup_section: "cfg%02x%04x"). */
export const uciGeneratedNamePattern = /^cfg[0-9a-f]{6}$/;

/**
 * Values uci can store: uci_validate_text refuses bytes below 0x20 other than tab, LF and CR,
 * and a C string cannot hold NUL. An empty value cannot be stored either: `set` with '' deletes.
 */
export function uciValueProblem(value: string): string | null {
  if (value.length === 0) return 'is empty (uci deletes an option set to an empty value)';
  // eslint-disable-next-line no-control-regex
  const bad = /[\x00-\x08\x0b\x0c\x0e-\x1f]/.exec(value);
  if (bad) {
    return `contains the control character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}, which uci refuses to store`;
  }
  return null;
}

/** How `uci show` refers to a section: its name, or `@type[N]` (N counts every section of that type). */
export function uciSectionRef(pkg: UciPackage, index: number): string {
  const section = pkg.sections[index];
  if (!section) throw new RangeError(`no section at index ${index}`);
  if (!section.anonymous && section.name !== null) return section.name;
  let ordinal = 0;
  for (let i = 0; i < index; i++) if (pkg.sections[i]!.type === section.type) ordinal++;
  return `@${section.type}[${ordinal}]`;
}

/** Finds a section by name or by `@type[N]` (negative N counts from the end, as uci does). */
export function findUciSection(pkg: UciPackage, ref: string): UciSection | undefined {
  const index = findUciSectionIndex(pkg, ref);
  return index === -1 ? undefined : pkg.sections[index];
}

export function findUciSectionIndex(pkg: UciPackage, ref: string): number {
  const ext = /^@(.+)\[(-?\d+)\]$/.exec(ref);
  if (ext) {
    const type = ext[1]!;
    const n = Number(ext[2]);
    const indexes = pkg.sections.flatMap((s, i) => (s.type === type ? [i] : []));
    const pick = n < 0 ? indexes[indexes.length + n] : indexes[n];
    return pick ?? -1;
  }
  return pkg.sections.findIndex((s) => s.name === ref);
}

export function sectionsOfType(pkg: UciPackage, type: string): readonly UciSection[] {
  return pkg.sections.filter((s) => s.type === type);
}

export function findUciOption(section: UciSection, name: string): UciOption | undefined {
  return section.options.find((o) => o.name === name);
}

/** A single value; for a list, the items joined by spaces (what shell `config_get` returns). */
export function getUciString(section: UciSection, name: string): string | undefined {
  const o = findUciOption(section, name);
  if (!o) return undefined;
  return o.kind === 'option' ? o.value : o.values.join(' ');
}

/** The items of a list; an option counts as a one-item list (uci show cannot tell them apart). */
export function getUciList(section: UciSection, name: string): readonly string[] {
  const o = findUciOption(section, name);
  if (!o) return [];
  return o.kind === 'list' ? o.values : [o.value];
}
