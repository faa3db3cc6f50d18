// Writes the UciPackage model back out byte for byte as uci itself prints it: `uci export`
// (file.c uci_export_package), the committed /etc/config file, and `uci show` (cli.c).
import type { UciPackage } from './uci-model.ts';

/** uci_escape: every `'` becomes `'\''`; nothing else is escaped. */
export function escapeUciQuoted(value: string): string {
  return value.replaceAll("'", "'\\''");
}

export type SerializeExportOptions = {
  /** `package <name>` first line, as `uci export` prints; `uci commit` writes the file without it. */
  readonly header?: boolean;
  /** `uci -n export`: print the name of anonymous sections when it is known. */
  readonly nameAnonymous?: boolean;
};

export function serializeUciExport(pkg: UciPackage, opts: SerializeExportOptions = {}): string {
  const header = opts.header ?? true;
  let out = header ? `package ${escapeUciQuoted(pkg.name)}\n` : '';
  for (const s of pkg.sections) {
    out += `\nconfig ${escapeUciQuoted(s.type)}`;
    if (s.name !== null && (!s.anonymous || opts.nameAnonymous)) out += ` '${escapeUciQuoted(s.name)}'`;
    out += '\n';
    for (const o of s.options) {
      if (o.kind === 'option') {
        out += `\toption ${escapeUciQuoted(o.name)} '${escapeUciQuoted(o.value)}'\n`;
      } else {
        for (const v of o.values) out += `\tlist ${escapeUciQuoted(o.name)} '${escapeUciQuoted(v)}'\n`;
      }
    }
  }
  return `${out}\n`;
}

/** The file `uci commit` writes to /etc/config/<name>. */
export function serializeUciConfigFile(pkg: UciPackage): string {
  return serializeUciExport(pkg, { header: false });
}

export type SerializeShowOptions = {
  /** `uci -X show`: print anonymous sections by their cfgXXXXXX name (when known) instead of `@type[N]`. */
  readonly rawNames?: boolean;
  /** `uci -d <str> show`. */
  readonly delimiter?: string;
};

/** `uci show <name>` (extended `@type[N]` references, as uci prints by default). */
export function serializeUciShow(pkg: UciPackage, opts: SerializeShowOptions = {}): string {
  const delimiter = opts.delimiter ?? ' ';
  const counts = new Map<string, number>();
  let out = '';
  for (const s of pkg.sections) {
    // cli.c counts every section of a type, named or not, when it numbers @type[N].
    const ordinal = counts.get(s.type) ?? 0;
    counts.set(s.type, ordinal + 1);
    // With -X uci prints the cfgXXXXXX name; we know it only when we read it, else fall back.
    const useName = s.name !== null && (!s.anonymous || opts.rawNames === true);
    const ref = useName ? s.name! : `@${s.type}[${ordinal}]`;
    out += `${pkg.name}.${ref}=${s.type}\n`;
    for (const o of s.options) {
      const values = o.kind === 'option' ? [o.value] : o.values;
      out += `${pkg.name}.${ref}.${o.name}=${values.map((v) => `'${escapeUciQuoted(v)}'`).join(delimiter)}\n`;
    }
  }
  return out;
}
