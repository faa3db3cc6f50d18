// How the revert job puts a kmwan commit back without losing what the admin changed on the router
// while the commit waited for confirmation (GL's web UI commits each change at once). When a file
// is still byte for byte what Switchyard installed, the saved file goes back whole; otherwise only
// the options the commit changed that still hold Switchyard's values go back, each with uci (as
// GL's own RPC writes them), and the others stay and are logged.
import { sh, shellCommand, type ShellCommand } from '../../transport/ssh/shell-quote.ts';
import { routerPaths } from '../openwrt-mwan3/mwan3-apply-script.ts';
import type { UciBatchOp } from '../openwrt-mwan3/uci/uci-batch.ts';
import { findUciOption, findUciSection, type UciPackage } from '../openwrt-mwan3/uci/uci-model.ts';


const valuesOf = (pkg: UciPackage, section: string, option: string): { readonly list: boolean; readonly values: readonly string[] } | null => {
  const s = findUciSection(pkg, section);
  const o = s ? findUciOption(s, option) : undefined;
  if (!o) return null;
  return o.kind === 'option' ? { list: false, values: [o.value] } : { list: true, values: o.values };
};

/** uci's words that give `key` the value `v` (null: absent). */
function setTo(key: string, v: { readonly list: boolean; readonly values: readonly string[] } | null): ShellCommand {
  if (v === null) return sh.script`uci -q delete ${key} || true`;
  if (!v.list) return shellCommand(['uci', 'set', `${key}=${v.values[0]!}`]);
  return sh.seq(sh.script`uci -q delete ${key} || true`, ...v.values.map((x) => shellCommand(['uci', 'add_list', `${key}=${x}`])));
}

/**
 * One option: back to its value before the commit if it still holds the commit's value, else kept
 * and logged. `uci get` prints a list as its items joined by spaces (kmwan's items have none).
 */
function guardedRestore(key: string, before: ReturnType<typeof valuesOf>, after: ReturnType<typeof valuesOf>): ShellCommand {
  const still = after === null ? sh.script`! uci -q get ${key} >/dev/null` : sh.script`[ "$(uci -q get ${key})" = ${after.values.join(' ')} ]`;
  const kept = shellCommand(['logger', '-t', 'switchyard', `revert kept ${key}: changed on the router since Switchyard set it`]);
  return sh.script`if ${still}; then ${setTo(key, before)}; else ${kept}; fi`;
}

/**
 * The revert job's line for one package: the whole saved file when nobody changed it since the
 * commit, else the guarded options and a uci commit. `ops` are the commit's ops; `before` and
 * `after` the package as read and as installed.
 */
export function revertPackageCommand(pkg: string, ops: readonly UciBatchOp[], before: UciPackage, after: UciPackage): ShellCommand {
  type OptionOp = { readonly section: string; readonly option: string };
  const optionOps = ops.filter((o): o is UciBatchOp & OptionOp => o.package === pkg && 'option' in o && 'section' in o);
  const touched = [...new Map(optionOps.map((o) => [`${o.section}\u0000${o.option}`, o])).values()];
  const guards = touched.map((o) => guardedRestore(`${pkg}.${o.section}.${o.option}`, valuesOf(before, o.section, o.option), valuesOf(after, o.section, o.option)));
  const whole = shellCommand(['cp', routerPaths.backup(pkg), `/etc/config/${pkg}`]);
  const unchanged = sh.script`[ "$(md5sum < ${`/etc/config/${pkg}`})" = "$(md5sum < ${routerPaths.installed(pkg)})" ]`;
  const partial = sh.seq(...guards, shellCommand(['uci', 'commit', pkg]));
  return sh.script`if ${unchanged}; then ${whole}; else ${partial}; fi`;
}
