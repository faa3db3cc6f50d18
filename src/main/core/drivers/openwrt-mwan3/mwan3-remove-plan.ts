// What Remove puts back: only what Switchyard itself changed. Its own sy_* sections go; each
// option it manages in the admin's sections returns to its value from before Switchyard, unless
// the admin changed it since Switchyard last wrote it: then it is reported and kept unless the
// user chooses to restore it. Everything else in the file is the admin's and is left alone.
import type { UciTextOp } from './uci/uci-text-edit.ts';
import { findUciOption, findUciSection, type UciPackage, type UciSection } from './uci/uci-model.ts';
import { switchyardPrefix } from './mwan3-policy-map.ts';

/** Options Switchyard writes in the admin's mwan3 interface sections (mwan3-policy-map interfaceOps). */
export const managedInterfaceOptions = [
  'enabled',
  'track_method',
  'track_ip',
  'reliability',
  'timeout',
  'interval',
  'failure_interval',
  'recovery_interval',
  'count',
  'down',
  'up',
  'check_quality',
  'failure_latency',
  'failure_loss',
  'recovery_latency',
  'recovery_loss',
  'flush_conntrack',
] as const;

/** A managed option the admin changed after Switchyard last wrote it. */
export type AdminEdit = {
  readonly package: string;
  readonly section: string;
  readonly option: string;
  /** Before Switchyard; null = absent. */
  readonly original: string | null;
  /** What Switchyard last wrote; null = absent. */
  readonly switchyard: string | null;
  /** What the file has now; null = absent. */
  readonly now: string | null;
};

export type RemovePlan = {
  readonly ops: readonly UciTextOp[];
  /** One line per change, in the user's words. */
  readonly changes: readonly string[];
  readonly adminEdits: readonly AdminEdit[];
};

const valuesOf = (s: UciSection | undefined, option: string): readonly string[] | null => {
  const o = s ? findUciOption(s, option) : undefined;
  if (!o) return null;
  return o.kind === 'option' ? [o.value] : o.values;
};
const show = (v: readonly string[] | null): string => (v === null ? 'unset' : v.map((x) => `'${x}'`).join(' '));
const same = (a: readonly string[] | null, b: readonly string[] | null): boolean => (a === null || b === null ? a === b : a.length === b.length && a.every((v, i) => v === b[i]));

function restoreOp(pkg: string, section: string, option: string, to: readonly string[] | null, wasList: boolean, originalText: string | undefined): UciTextOp {
  // With the original text, the option comes back exactly as the admin wrote it.
  if (originalText !== undefined) return { kind: 'restore-lines', package: pkg, section, option, original: originalText };
  if (to === null) return { kind: 'delete-option', package: pkg, section, option };
  if (wasList) return { kind: 'set-list', package: pkg, section, option, values: to };
  return { kind: 'set-option', package: pkg, section, option, value: to[0]! };
}

export type RemoveInputs = {
  readonly current: UciPackage;
  /** The package as it was before Switchyard first enabled failover. */
  readonly original: UciPackage;
  /** The original file's text, to put options back byte for byte. */
  readonly originalText?: string;
  /** The package as Switchyard last wrote it; null when not recorded (an older Switchyard). */
  readonly applied: UciPackage | null;
  /** Sections whose managed options Switchyard may have changed, with the options it manages there. */
  readonly managed: readonly { readonly section: string; readonly options: readonly string[] }[];
  /** Delete sections whose names start with sy_ (mwan3), or none (network). */
  readonly ownSections: boolean;
  /** Put back the original even where the admin changed a value since Switchyard wrote it. */
  readonly restoreAdminEdits?: boolean;
};

export function planRemove(i: RemoveInputs): RemovePlan {
  const pkg = i.current.name;
  const ops: UciTextOp[] = [];
  const changes: string[] = [];
  const adminEdits: AdminEdit[] = [];
  for (const { section, options } of i.managed) {
    const now = findUciSection(i.current, section);
    if (!now) continue;
    const was = findUciSection(i.original, section);
    const wrote = i.applied ? findUciSection(i.applied, section) : undefined;
    if (!was) {
      // Switchyard created this section; it goes unless the admin has made it their own since.
      const edited = i.applied !== null && options.some((o) => !same(valuesOf(now, o), valuesOf(wrote, o)));
      if (!edited || i.restoreAdminEdits) {
        ops.push({ kind: 'delete-section', package: pkg, section });
        changes.push(`${pkg}.${section}: remove the section Switchyard added`);
      }
      continue;
    }
    for (const option of options) {
      const cur = valuesOf(now, option);
      const orig = valuesOf(was, option);
      if (same(cur, orig)) continue;
      const applied = i.applied ? valuesOf(wrote, option) : cur;
      if (!same(cur, applied)) {
        adminEdits.push({ package: pkg, section, option, original: orig === null ? null : show(orig), switchyard: applied === null ? null : show(applied), now: cur === null ? null : show(cur) });
        if (!i.restoreAdminEdits) continue;
      }
      ops.push(restoreOp(pkg, section, option, orig, findUciOption(was, option)?.kind === 'list', i.originalText));
      changes.push(`${pkg}.${section}.${option}: ${show(cur)} → ${show(orig)}`);
    }
  }
  if (i.ownSections) {
    for (const s of i.current.sections) {
      if (s.anonymous || s.name === null || !s.name.startsWith(switchyardPrefix)) continue;
      ops.push({ kind: 'delete-section', package: pkg, section: s.name });
      changes.push(`${pkg}.${s.name}: remove Switchyard's ${s.type}`);
    }
  }
  return { ops, changes, adminEdits };
}
