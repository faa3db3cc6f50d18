// What Remove puts back on a GL.iNet router: only the options Switchyard writes (GL's mode,
// metrics, ratios, sensitivity and tracking options, its own switchyard_frs, the network and
// glmodem metrics), each to its value from before Switchyard's first change, edited in place in
// the file. Everything else stays as it is now: members GL added since (a modem plugged in), options
// Switchyard does not manage, comments and order. A managed option whose value is no longer the one
// Switchyard last wrote (kept in /etc/switchyard/<pkg>.applied) was changed on the router since, in
// GL's web UI or by hand: it stays, and the plan lists it as kept, unless the user asks to restore it.
import { planRemove, type AdminEdit } from '../openwrt-mwan3/mwan3-remove-plan.ts';
import { unifiedDiff } from '../openwrt-mwan3/uci/text-diff.ts';
import { sectionsOfType, type UciPackage } from '../openwrt-mwan3/uci/uci-model.ts';
import { parseUciConfigFile } from '../openwrt-mwan3/uci/uci-parse.ts';
import { applyUciOpsToText } from '../openwrt-mwan3/uci/uci-text-edit.ts';
import type { KmwanStepFlags } from './kmwan-apply.ts';
import { assessKmwanConfig, frsOption } from './kmwan-config.ts';
import { restoreStepFlags } from './kmwan-policy.ts';

/** Options Switchyard writes in kmwan (kmwan-policy planKmwanWrite). */
export const kmwanManagedGlobal = ['mode', 'sensitivity', 'level', frsOption] as const;
export const kmwanManagedMember = ['metric', 'weight', 'track_mode', 'tracks', 'check', 'disabled', 'enable_ssl'] as const;

export type KmwanRemoveFile = { readonly name: 'kmwan' | 'network' | 'glmodem'; readonly baseText: string; readonly newText: string };

export type KmwanRemove = {
  readonly files: readonly KmwanRemoveFile[];
  readonly changes: readonly string[];
  readonly adminEdits: readonly AdminEdit[];
  readonly diff: string;
  /** GL's steps that put the restored values in force. */
  readonly flags: KmwanStepFlags;
};

/**
 * Per package: the file now, as it was before Switchyard, and as Switchyard last wrote it (applied:
 * null when not kept, as by a Switchyard before this record; then every managed option that differs
 * is taken as Switchyard's). The package is null when no original was kept.
 */
export type KmwanRemoveFileInput = { readonly now: string; readonly original: string; readonly applied?: string | null };
export type KmwanRemoveInputs = {
  readonly kmwan: KmwanRemoveFileInput;
  readonly network: KmwanRemoveFileInput | null;
  readonly glmodem: KmwanRemoveFileInput | null;
  /** Put back the original even where the admin changed a value since Switchyard wrote it. */
  readonly restoreAdminEdits?: boolean;
};

export function planKmwanRemove(i: KmwanRemoveInputs): KmwanRemove {
  const origKmwan = parseUciConfigFile(i.kmwan.original, 'kmwan');
  const members = sectionsOfType(origKmwan, 'member').flatMap((s) => (s.name ? [s.name] : []));
  const plans: ({ name: KmwanRemoveFile['name']; managed: { section: string; options: readonly string[] }[]; byLines: boolean } & KmwanRemoveFileInput)[] = [
    { name: 'kmwan', ...i.kmwan, managed: [{ section: 'global', options: kmwanManagedGlobal }, ...members.map((section) => ({ section, options: kmwanManagedMember }))], byLines: true },
  ];
  if (i.network) plans.push({ name: 'network', ...i.network, managed: members.map((section) => ({ section, options: ['metric'] })), byLines: true });
  if (i.glmodem) {
    const orig: UciPackage = parseUciConfigFile(i.glmodem.original, 'glmodem');
    // Anonymous sections, matched by their place among the `network` sections (as GL's loop writes them).
    const refs = sectionsOfType(orig, 'network').map((_, n) => `@network[${n}]`);
    plans.push({ name: 'glmodem', ...i.glmodem, managed: refs.map((section) => ({ section, options: ['metric'] })), byLines: false });
  }
  const files: KmwanRemoveFile[] = [];
  const changes: string[] = [];
  const adminEdits: AdminEdit[] = [];
  for (const p of plans) {
    const plan = planRemove({
      current: parseUciConfigFile(p.now, p.name),
      original: parseUciConfigFile(p.original, p.name),
      ...(p.byLines ? { originalText: p.original } : {}),
      applied: p.applied ? parseUciConfigFile(p.applied, p.name) : null,
      managed: p.managed,
      ownSections: false,
      restoreAdminEdits: i.restoreAdminEdits === true,
    });
    files.push({ name: p.name, baseText: p.now, newText: applyUciOpsToText(p.now, p.name, plan.ops) });
    changes.push(...plan.changes);
    adminEdits.push(...plan.adminEdits);
  }
  const kmwanNow = assessKmwanConfig(parseUciConfigFile(i.kmwan.now, 'kmwan')).config;
  const kmwanAfter = assessKmwanConfig(parseUciConfigFile(files[0]!.newText, 'kmwan')).config;
  const metrics = files.some((f) => f.name !== 'kmwan' && f.newText !== f.baseText);
  const flags: KmwanStepFlags =
    kmwanNow && kmwanAfter ? restoreStepFlags(kmwanNow, kmwanAfter, metrics) : { setConfig: true, statusEvent: true, sensitivityChanged: true, restartKmwan: true };
  const fileDiff = files.map((f) => unifiedDiff(`/etc/config/${f.name}`, f.baseText, f.newText)).filter((d) => d !== '').join('\n');
  // The router's own view of the plan says what stays too, in the words the technician reads on the screen.
  const keptHeader = i.restoreAdminEdits ? '# put back although changed on the router since Switchyard set it' : '# kept: changed on the router since Switchyard set it';
  const kept = adminEdits.map((e) => `# ${e.package}.${e.section}.${e.option}: now ${e.now ?? 'unset'} (Switchyard set ${e.switchyard ?? 'unset'}; before Switchyard ${e.original ?? 'unset'})`);
  const diff = [fileDiff, kept.length ? [keptHeader, ...kept].join('\n') : ''].filter((d) => d !== '').join('\n\n');
  return { files, changes, adminEdits, diff, flags };
}
