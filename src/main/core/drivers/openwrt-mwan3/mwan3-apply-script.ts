// The on-router commands of a safe apply: stage a uci batch in a private delta directory, arm a
// revert job that outlives the SSH session, install, reload; then confirm, roll back or remove.
import { createHash } from 'node:crypto';
import { sh, shellCommand, type ShellCommand } from '../../transport/ssh/shell-quote.ts';

/**
 * Where Switchyard keeps its state on the router. Originals and the pending commit live on flash
 * (/etc) so Remove works from any laptop and a pending revert is still visible after a reboot;
 * staging lives in RAM and is deleted after each apply.
 */
export const routerPaths = {
  stateDir: '/etc/switchyard',
  /** /etc/config/<pkg> as it was when Switchyard first enabled failover (kept until Remove). */
  original: (pkg: string): string => `/etc/switchyard/${pkg}.orig`,
  /** '1' or '0': whether the engine's service started at boot before Switchyard enabled it. */
  originalEnabled: (service: string): string => `/etc/switchyard/${service}.was-enabled`,
  pendingDir: '/etc/switchyard/pending',
  /** token=… and revert_at_ms=…; present while a commit waits for confirmation. */
  armed: '/etc/switchyard/pending/armed',
  revertScript: '/etc/switchyard/pending/revert.sh',
  revertPid: '/etc/switchyard/pending/pid',
  backup: (pkg: string): string => `/etc/switchyard/pending/${pkg}`,
  backupEnabled: (service: string): string => `/etc/switchyard/pending/${service}.was-enabled`,
  /** The file as a pending commit installed it, for a revert job that checks whether it was edited since. */
  installed: (pkg: string): string => `/etc/switchyard/pending/${pkg}.installed`,
  newFile: (pkg: string): string => `/etc/switchyard/pending/${pkg}.new`,
  /**
   * Private uci workspace: conf/ holds copies of the packages, delta/ the staged changes. uci -P
   * writes its delta here, never in /tmp/.uci, which mwan3's hotplug scripts and trackers read.
   * (-P also reads /tmp/.uci; the driver refuses to apply while that holds changes to the package.)
   */
  workDir: '/var/run/switchyard-uci',
  workConf: '/var/run/switchyard-uci/conf',
  workDelta: '/var/run/switchyard-uci/delta',
} as const;

/** `md5sum` prints this for the bytes on stdin; the on-router compare-and-swap checks it. */
export function md5sumLine(text: string): string {
  return `${createHash('md5').update(text, 'utf8').digest('hex')}  -`;
}

/** The service whose config we change and how it picks the change up. */
export type ServiceAction =
  | { readonly service: string; readonly verb: 'reload' | 'restart' }
  /** A step that is not an init.d verb (GL.iNet's own apply sequence); `service` names it, and a step named after the engine is left out of a revert, whose engine reload covers it. */
  | { readonly service: string; readonly command: ShellCommand };

const uciPrivate = (...args: string[]): ShellCommand => shellCommand(['uci', '-c', routerPaths.workConf, '-P', routerPaths.workDelta, ...args]);
const initd = (service: string, verb: string): ShellCommand => shellCommand([`/etc/init.d/${service}`, verb]);
const actionCommand = (s: ServiceAction): ShellCommand => ('command' in s ? s.command : initd(s.service, s.verb));

/**
 * Copies the packages into the private workspace and runs `uci batch` there; send the batch on
 * stdin. uci batch exits 0 even when lines fail, so the caller checks stderr.
 */
export function stageCommand(packages: readonly string[]): ShellCommand {
  return sh.and(
    shellCommand(['rm', '-rf', routerPaths.workDir]),
    shellCommand(['mkdir', '-p', routerPaths.workConf, routerPaths.workDelta]),
    ...packages.map((p) => shellCommand(['cp', `/etc/config/${p}`, `${routerPaths.workConf}/${p}`])),
    uciPrivate('batch'),
  );
}

/** The staged result, as `uci export` prints it, to compare with what the driver predicted. */
export function stagedExportCommand(pkg: string): ShellCommand {
  return uciPrivate('export', pkg);
}

export function discardStageCommand(): ShellCommand {
  return shellCommand(['rm', '-rf', routerPaths.workDir]);
}

/** Exit codes of the install script that mean something other than "failed". */
export const installExit = { conflict: 3, pendingChanges: 4, stagedMismatch: 5, pendingCommit: 8 } as const;

export type InstallOptions = {
  /** Packages to install from the workspace, with md5sumLine of `uci export` before and of the staged export. */
  readonly packages: readonly { readonly name: string; readonly baseMd5: string; readonly stagedMd5: string }[];
  /** The engine's service: enabled at boot if it was not, and its earlier state kept. */
  readonly engine: string;
  /** In order: e.g. network reload before mwan3 reload. */
  readonly services: readonly ServiceAction[];
  /** Arm a revert job that restores everything after this many seconds unless confirmed; null for none. */
  readonly revert: { readonly inSec: number; readonly token: string; readonly atMs: number } | null;
  /** Keep the packages and the service state as "before Switchyard" if not kept yet. */
  readonly captureOriginal: { readonly packages: readonly string[] } | null;
  /** How the driver read each package's base (`uci export` unless said); the md5 check reads it the same way. */
  readonly baseRead?: Readonly<Record<string, 'export' | 'show'>>;
  /** Keep a copy of each installed file as Switchyard's last write (appliedCopy), put back by the revert job, so Remove can tell the admin's later edits from Switchyard's. */
  readonly recordApplied?: boolean;
  /** False where the services are the engine's whole apply (GL.iNet's steps): no engine reload after a revert. */
  readonly reloadEngine?: boolean;
  /** The revert job's restore per package instead of copying the saved file back (it may compare with routerPaths.installed, kept for it). */
  readonly revertRestore?: Readonly<Record<string, ShellCommand>>;
};

/** What the revert job runs; `sh revert.sh now` (rollback) skips the wait. */
export type RevertJob = {
  readonly token: string;
  readonly inSec: number;
  readonly packages: readonly string[];
  readonly engine: string;
  readonly services: readonly ServiceAction[];
  /** False: no engine reload after the services (they are the engine's whole apply). */
  readonly reloadEngine?: boolean;
  /** Per package, what puts it back instead of copying the saved file. */
  readonly restore?: Readonly<Record<string, ShellCommand>>;
};

export function revertScriptText(o: RevertJob): string {
  const P = routerPaths.pendingDir;
  const restore = o.packages.map((p) => (o.restore?.[p] ?? shellCommand(['cp', routerPaths.backup(p), `/etc/config/${p}`])).text);
  const enabledFile = routerPaths.backupEnabled(o.engine);
  const reloads = o.services.filter((s) => s.service !== o.engine).map((s) => actionCommand(s).text);
  return [
    '#!/bin/sh',
    `# Switchyard revert job: restores the configs saved before commit ${o.token} unless it is confirmed.`,
    // The job must outlive the SSH session that started it (dropbear may hang the session up).
    "trap '' HUP INT",
    `[ "$1" = now ] || sleep ${shellCommand([String(o.inSec)]).text}`,
    // A confirm, or a newer commit, replaced or removed the marker: nothing to do.
    `grep -qx ${shellCommand([`token=${o.token}`]).text} ${shellCommand([routerPaths.armed]).text} || exit 0`,
    ...restore,
    ...reloads,
    o.reloadEngine === false
      ? `[ "$(cat ${shellCommand([enabledFile]).text})" = 1 ] || { ${initd(o.engine, 'stop').text}; ${initd(o.engine, 'disable').text}; }`
      : `if [ "$(cat ${shellCommand([enabledFile]).text})" = 1 ]; then ${initd(o.engine, 'reload').text}; else ${initd(o.engine, 'stop').text}; ${initd(o.engine, 'disable').text}; fi`,
    `rm -rf ${shellCommand([P]).text}`,
    `logger -t switchyard ${shellCommand([`reverted unconfirmed commit ${o.token}`]).text}`,
    '',
  ].join('\n');
}

/** Prints 1 when the engine starts at boot, else 0. */
const enabledNow = (engine: string): ShellCommand => sh.script`if ${initd(engine, 'enabled')}; then echo 1; else echo 0; fi`;

const pendingCommitGuard = (): ShellCommand =>
  sh.script`[ ! -e ${routerPaths.armed} ] || { echo 'switchyard: another change is waiting for confirmation; confirm or roll it back first' >&2; exit ${String(installExit.pendingCommit)}; }`;

/** Keeps the packages and the engine's boot state as "before Switchyard", once; the engine's .orig is written last, so its presence means the capture is whole. */
function captureOriginals(engine: string, packages: readonly string[]): ShellCommand {
  const order = [...packages.filter((p) => p !== engine), engine];
  return sh.script`[ -e ${routerPaths.original(engine)} ] || { ${sh.redirect(enabledNow(engine), { stdout: routerPaths.originalEnabled(engine) })} && ${sh.and(...order.map((p) => shellCommand(['cp', `/etc/config/${p}`, routerPaths.original(p)])))}; }`;
}

/** Keeps each package as Switchyard's last write where none is kept yet; the engine's copy last, so its presence means the record is whole. */
function seedApplied(engine: string, packages: readonly string[]): ShellCommand {
  const order = [...packages.filter((p) => p !== engine), engine];
  return sh.script`[ -e ${appliedCopy(engine)} ] || ${sh.and(...order.map((p) => shellCommand(['cp', `/etc/config/${p}`, appliedCopy(p)])))}`;
}

/** setsid (when BusyBox has it) leaves the session's process group; the script ignores HUP either way. */
const startRevertJob = (): ShellCommand =>
  sh.script`if command -v setsid >/dev/null 2>&1; then setsid sh ${routerPaths.revertScript} </dev/null >/dev/null 2>&1 & else sh ${routerPaths.revertScript} </dev/null >/dev/null 2>&1 & fi; echo $! > ${routerPaths.revertPid}`;

/**
 * One script, run once: check nothing changed since the plan was read (compare-and-swap on the
 * md5 of `uci export`), keep the originals on first enable, back up the live files and arm the
 * revert job BEFORE touching anything, then install the staged files (rename, so a reader never
 * sees half a file), enable the engine at boot and reload.
 */
export function installScript(o: InstallOptions): ShellCommand {
  const P = routerPaths.pendingDir;
  // A reload can cut the SSH session this runs in; the install must still finish.
  const parts: ShellCommand[] = [sh.script`trap '' HUP`];
  if (o.revert) parts.push(pendingCommitGuard());
  for (const p of o.packages) {
    const verb = o.baseRead?.[p.name] ?? 'export';
    parts.push(sh.script`[ "$(uci ${verb} ${p.name} | md5sum)" = ${p.baseMd5} ] || { echo ${`switchyard: /etc/config/${p.name} changed since it was read`} >&2; exit ${String(installExit.conflict)}; }`);
    parts.push(sh.script`[ -z "$(uci changes ${p.name})" ] || { echo ${`switchyard: uncommitted uci changes to ${p.name} are waiting in /tmp/.uci`} >&2; exit ${String(installExit.pendingChanges)}; }`);
    parts.push(sh.redirect(stagedExportCommand(p.name), { stdout: `${routerPaths.workDir}/${p.name}.export` }));
    parts.push(sh.script`[ "$(md5sum < ${`${routerPaths.workDir}/${p.name}.export`})" = ${p.stagedMd5} ] || { echo ${`switchyard: the staged ${p.name} is not what was planned`} >&2; exit ${String(installExit.stagedMismatch)}; }`);
  }
  parts.push(shellCommand(['mkdir', '-p', P]));
  if (o.captureOriginal) parts.push(captureOriginals(o.engine, o.captureOriginal.packages));
  // Before Switchyard's first write its "last write" is the router as it was: an option changed
  // after a reverted first commit is then the admin's, not Switchyard's.
  if (o.recordApplied && o.captureOriginal) parts.push(seedApplied(o.engine, o.captureOriginal.packages));
  if (o.revert) {
    const pkgs = o.packages.map((p) => p.name);
    for (const p of pkgs) {
      parts.push(shellCommand(['cp', `/etc/config/${p}`, routerPaths.backup(p)]));
      if (o.recordApplied) parts.push(sh.script`[ ! -e ${appliedCopy(p)} ] || cp ${appliedCopy(p)} ${backupApplied(p)}`);
    }
    parts.push(sh.redirect(enabledNow(o.engine), { stdout: routerPaths.backupEnabled(o.engine) }));
    parts.push(sh.redirect(shellCommand(['printf', '%s\\n', `token=${o.revert.token}`, `revert_at_ms=${o.revert.atMs}`]), { stdout: routerPaths.armed }));
    const job = {
      token: o.revert.token,
      inSec: o.revert.inSec,
      packages: pkgs,
      engine: o.engine,
      services: o.services,
      ...(o.reloadEngine === false ? { reloadEngine: false } : {}),
      ...(o.revertRestore ? { restore: o.revertRestore } : {}),
    };
    const text = o.recordApplied ? fileRevertScriptText(job) : revertScriptText(job);
    parts.push(sh.redirect(shellCommand(['printf', '%s', text]), { stdout: routerPaths.revertScript }));
    parts.push(startRevertJob());
  }
  for (const p of o.packages) {
    parts.push(shellCommand(['sed', '1d', `${routerPaths.workDir}/${p.name}.export`]));
    parts[parts.length - 1] = sh.redirect(parts[parts.length - 1]!, { stdout: routerPaths.newFile(p.name) });
    parts.push(shellCommand(['mv', routerPaths.newFile(p.name), `/etc/config/${p.name}`]));
    if (o.recordApplied) parts.push(shellCommand(['cp', `/etc/config/${p.name}`, appliedCopy(p.name)]));
    if (o.revert && o.revertRestore?.[p.name]) parts.push(shellCommand(['cp', `/etc/config/${p.name}`, routerPaths.installed(p.name)]));
  }
  parts.push(sh.or(initd(o.engine, 'enabled'), initd(o.engine, 'enable')));
  for (const s of o.services) parts.push(actionCommand(s));
  parts.push(discardStageCommand());
  return sh.and(...parts);
}

/** Exit code of confirm/rollback when no commit is waiting. */
export const nothingPendingExit = 7;

/** Removes the marker first (the job then does nothing even if it wakes), then ends the job. */
export function confirmScript(): ShellCommand {
  return sh.script`[ -f ${routerPaths.armed} ] || exit ${String(nothingPendingExit)}; pid=$(cat ${routerPaths.revertPid} 2>/dev/null); rm -rf ${routerPaths.pendingDir}; [ -z "$pid" ] || kill "$pid" 2>/dev/null; true`;
}

/** Ends the timer and runs the revert job now. */
export function rollbackScript(): ShellCommand {
  return sh.script`[ -f ${routerPaths.armed} ] || exit ${String(nothingPendingExit)}; pid=$(cat ${routerPaths.revertPid} 2>/dev/null); [ -z "$pid" ] || kill "$pid" 2>/dev/null; sh ${routerPaths.revertScript} now`;
}

/** `cat` of the pending marker; exit 1 (no such file) means nothing is pending. */
export function readPendingCommand(): ShellCommand {
  return shellCommand(['cat', routerPaths.armed]);
}

export function parsePending(stdout: string): { readonly token: string; readonly revertAtMs: number } | null {
  const token = /^token=([0-9a-f]+)$/m.exec(stdout)?.[1];
  const at = /^revert_at_ms=(\d+)$/m.exec(stdout)?.[1];
  return token && at ? { token, revertAtMs: Number(at) } : null;
}

/** Exit code of the remove script when no original was kept (Switchyard never enabled failover here). */
export const noOriginalExit = 6;

/**
 * Remove: cancel a pending commit, put the engine's original config back, install any staged
 * packages (the driver stages the network metric restore), and return the service to its earlier
 * boot state; then forget the originals.
 */
export function removeScript(o: { readonly engine: string; readonly originals: readonly string[]; readonly staged: readonly { readonly name: string; readonly stagedMd5: string }[]; readonly services: readonly ServiceAction[] }): ShellCommand {
  const parts: ShellCommand[] = [
    sh.script`[ -e ${routerPaths.original(o.engine)} ] || exit ${String(noOriginalExit)}`,
    sh.script`pid=$(cat ${routerPaths.revertPid} 2>/dev/null); rm -rf ${routerPaths.pendingDir}; [ -z "$pid" ] || kill "$pid" 2>/dev/null; true`,
  ];
  for (const p of o.staged) {
    const exported = `${routerPaths.workDir}/${p.name}.export`;
    parts.push(sh.redirect(stagedExportCommand(p.name), { stdout: exported }));
    parts.push(sh.script`[ "$(md5sum < ${exported})" = ${p.stagedMd5} ] || { echo ${`switchyard: the staged ${p.name} is not what was planned`} >&2; exit ${String(installExit.stagedMismatch)}; }`);
    parts.push(sh.redirect(shellCommand(['sed', '1d', exported]), { stdout: `${routerPaths.workDir}/${p.name}.new` }));
    parts.push(shellCommand(['mv', `${routerPaths.workDir}/${p.name}.new`, `/etc/config/${p.name}`]));
  }
  parts.push(shellCommand(['cp', routerPaths.original(o.engine), `/etc/config/${o.engine}`]));
  for (const s of o.services) if (s.service !== o.engine) parts.push(actionCommand(s));
  parts.push(
    sh.script`if [ "$(cat ${routerPaths.originalEnabled(o.engine)})" = 1 ]; then ${initd(o.engine, 'enable')}; ${initd(o.engine, 'reload')}; else ${initd(o.engine, 'stop')}; ${initd(o.engine, 'disable')}; fi`,
  );
  parts.push(shellCommand(['rm', '-f', routerPaths.original(o.engine), routerPaths.originalEnabled(o.engine), ...o.originals.filter((p) => p !== o.engine).map(routerPaths.original)]));
  parts.push(discardStageCommand());
  return sh.and(...parts);
}

// ---- whole-file installs: the driver edits the file text in place, the router only swaps it in ----

/** Where Switchyard keeps a copy of each file as it last wrote it, so Remove can tell the admin's later edits from its own. */
export const appliedCopy = (pkg: string): string => `/etc/switchyard/${pkg}.applied`;
const backupApplied = (pkg: string): string => `/etc/switchyard/pending/${pkg}.applied`;
const stagedFile = (pkg: string): string => `${routerPaths.workConf}/${pkg}`;

/** Receives one file's new text on stdin into the private workspace (no uci yet). */
export function stageFileCommand(pkg: string): ShellCommand {
  return sh.and(shellCommand(['mkdir', '-p', routerPaths.workConf, routerPaths.workDelta]), sh.redirect(shellCommand(['cat']), { stdout: stagedFile(pkg) }));
}

/**
 * A file Switchyard owns outside /etc/config (mwan3's connection hook): installed and put back with
 * the config files, under the same revert timer. `md5` is md5sumLine of the staged text; null
 * deletes the file.
 */
export type OwnFileInstall = { readonly path: string; readonly md5: string | null };
const stagedOwn = (i: number): string => `${routerPaths.workDir}/own.${i}`;
const backupOwn = (i: number): string => `${routerPaths.pendingDir}/own.${i}`;
const dirOf = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';

/** Receives own file number `i`'s new text on stdin into the private workspace. */
export function stageOwnFileCommand(i: number): ShellCommand {
  return sh.and(shellCommand(['mkdir', '-p', routerPaths.workDir]), sh.redirect(shellCommand(['cat']), { stdout: stagedOwn(i) }));
}

export type FileInstallOptions = {
  /** Files to swap in, each with md5sumLine of the text read and of the text staged. */
  readonly packages: readonly { readonly name: string; readonly baseMd5: string; readonly newMd5: string }[];
  readonly engine: string;
  /** Reloads, in order, for the packages that change (never for one that does not). */
  readonly services: readonly ServiceAction[];
  readonly revert: { readonly inSec: number; readonly token: string; readonly atMs: number } | null;
  /** Packages kept as "before Switchyard" (all of them, changed now or not) if not kept yet. */
  readonly captureOriginal: { readonly packages: readonly string[] } | null;
  /** Keep a copy as Switchyard's last write (false when taking Switchyard's sections out without originals). */
  readonly recordApplied?: boolean;
  /** Switchyard's own files to write or delete, staged with stageOwnFileCommand(index). */
  readonly ownFiles?: readonly OwnFileInstall[];
  /** Run once the services are reloaded (mwan3's rules in place), e.g. the conntrack hook's seed. */
  readonly afterServices?: readonly ShellCommand[];
};

const conflictCheck = (name: string, baseMd5: string): ShellCommand =>
  sh.script`[ "$(md5sum < ${`/etc/config/${name}`})" = ${baseMd5} ] || { echo ${`switchyard: /etc/config/${name} changed since it was read`} >&2; exit ${String(installExit.conflict)}; }`;
const pendingCheck = (name: string): ShellCommand =>
  sh.script`[ -z "$(uci changes ${name})" ] || { echo ${`switchyard: uncommitted uci changes to ${name} are waiting in /tmp/.uci`} >&2; exit ${String(installExit.pendingChanges)}; }`;
const stagedCheck = (name: string, md5: string): ShellCommand =>
  sh.script`[ "$(md5sum < ${stagedFile(name)})" = ${md5} ] || { echo ${`switchyard: the staged ${name} is not what was planned`} >&2; exit ${String(installExit.stagedMismatch)}; }`;
/** Same-filesystem rename so a reader never sees half a file; then keep Switchyard's copy. */
const swapIn = (name: string): ShellCommand[] => [
  shellCommand(['cp', stagedFile(name), `/etc/config/.${name}.switchyard-new`]),
  shellCommand(['mv', `/etc/config/.${name}.switchyard-new`, `/etc/config/${name}`]),
];

/** Writes an own file by rename (a hotplug run never sources half of it), or deletes it. */
function ownFileSwap(f: OwnFileInstall, i: number): ShellCommand[] {
  if (f.md5 === null) return [shellCommand(['rm', '-f', f.path])];
  const tmp = `${f.path}.switchyard-new`;
  return [shellCommand(['mkdir', '-p', dirOf(f.path)]), shellCommand(['cp', stagedOwn(i), tmp]), shellCommand(['mv', tmp, f.path])];
}

/** The revert job of a whole-file install: puts back the files and Switchyard's copies of them. */
export function fileRevertScriptText(o: RevertJob & { readonly ownPaths?: readonly string[] }): string {
  const base = revertScriptText(o).split('\n');
  const restoreApplied = o.packages.map((p) => sh.script`if [ -e ${backupApplied(p)} ]; then cp ${backupApplied(p)} ${appliedCopy(p)}; else rm -f ${appliedCopy(p)}; fi`.text);
  // An own file that did not exist before the commit has no backup: it goes.
  const restoreOwn = (o.ownPaths ?? []).map((path, i) => sh.script`if [ -e ${backupOwn(i)} ]; then cp ${backupOwn(i)} ${path}; else rm -f ${path}; fi`.text);
  // Insert after the token check (line index 5: shebang, comment, trap, sleep, grep).
  return [...base.slice(0, 5), ...restoreApplied, ...restoreOwn, ...base.slice(5)].join('\n');
}

/**
 * One script, run once: compare-and-swap on the md5 of each file's bytes, keep the originals on
 * first enable, back up and arm the revert job BEFORE touching anything, swap the staged files
 * in, record them as Switchyard's last write, enable the engine at boot and reload once each.
 */
export function fileInstallScript(o: FileInstallOptions): ShellCommand {
  const P = routerPaths.pendingDir;
  const parts: ShellCommand[] = [sh.script`trap '' HUP`];
  if (o.revert) parts.push(pendingCommitGuard());
  for (const p of o.packages) parts.push(conflictCheck(p.name, p.baseMd5), pendingCheck(p.name), stagedCheck(p.name, p.newMd5));
  const own = o.ownFiles ?? [];
  own.forEach((f, i) => {
    if (f.md5 !== null) parts.push(sh.script`[ "$(md5sum < ${stagedOwn(i)})" = ${f.md5} ] || { echo ${`switchyard: the staged ${f.path} is not what was planned`} >&2; exit ${String(installExit.stagedMismatch)}; }`);
  });
  parts.push(shellCommand(['mkdir', '-p', P]));
  if (o.captureOriginal) parts.push(captureOriginals(o.engine, o.captureOriginal.packages));
  const names = o.packages.map((p) => p.name);
  if (o.revert) {
    for (const p of names) {
      parts.push(shellCommand(['cp', `/etc/config/${p}`, routerPaths.backup(p)]));
      parts.push(sh.script`[ ! -e ${appliedCopy(p)} ] || cp ${appliedCopy(p)} ${backupApplied(p)}`);
    }
    own.forEach((f, i) => parts.push(sh.script`[ ! -e ${f.path} ] || cp ${f.path} ${backupOwn(i)}`));
    parts.push(sh.redirect(enabledNow(o.engine), { stdout: routerPaths.backupEnabled(o.engine) }));
    parts.push(sh.redirect(shellCommand(['printf', '%s\\n', `token=${o.revert.token}`, `revert_at_ms=${o.revert.atMs}`]), { stdout: routerPaths.armed }));
    const text = fileRevertScriptText({ token: o.revert.token, inSec: o.revert.inSec, packages: names, engine: o.engine, services: o.services, ownPaths: own.map((f) => f.path) });
    parts.push(sh.redirect(shellCommand(['printf', '%s', text]), { stdout: routerPaths.revertScript }));
    parts.push(startRevertJob());
  }
  const record = o.recordApplied ?? true;
  for (const p of names) parts.push(...swapIn(p), ...(record ? [shellCommand(['cp', stagedFile(p), appliedCopy(p)])] : []));
  own.forEach((f, i) => parts.push(...ownFileSwap(f, i)));
  // Without a revert job the pending directory was only a place to stand; leave no empty ones.
  if (!o.revert) parts.push(sh.script`rmdir ${P} 2>/dev/null; rmdir ${routerPaths.stateDir} 2>/dev/null; true`);
  parts.push(sh.or(initd(o.engine, 'enabled'), initd(o.engine, 'enable')));
  for (const s of o.services) parts.push(actionCommand(s));
  parts.push(...(o.afterServices ?? []));
  parts.push(discardStageCommand());
  return sh.and(...parts);
}

/**
 * Remove with in-place edits: cancel a pending commit, swap in the staged files (only those that
 * change), return the engine to its earlier boot state, forget Switchyard's records and leave no
 * empty /etc/switchyard behind.
 */
export function fileRemoveScript(o: {
  readonly engine: string;
  readonly originals: readonly string[];
  readonly packages: readonly { readonly name: string; readonly baseMd5: string; readonly newMd5: string }[];
  readonly services: readonly ServiceAction[];
  /** Switchyard's own files and directories outside /etc/config (its hook and the hook's RAM state). */
  readonly deletePaths?: readonly string[];
  /** False where the services are the engine's whole apply (GL.iNet's steps): no engine reload after them. */
  readonly reloadEngine?: boolean;
}): ShellCommand {
  const engineChanges = o.packages.some((p) => p.name === o.engine);
  const parts: ShellCommand[] = [
    sh.script`[ -e ${routerPaths.original(o.engine)} ] || exit ${String(noOriginalExit)}`,
    sh.script`trap '' HUP`,
  ];
  for (const p of o.packages) parts.push(conflictCheck(p.name, p.baseMd5), pendingCheck(p.name), stagedCheck(p.name, p.newMd5));
  parts.push(sh.script`pid=$(cat ${routerPaths.revertPid} 2>/dev/null); rm -rf ${routerPaths.pendingDir}; [ -z "$pid" ] || kill "$pid" 2>/dev/null; true`);
  for (const p of o.packages) parts.push(...swapIn(p.name));
  if (o.deletePaths?.length) parts.push(shellCommand(['rm', '-rf', ...o.deletePaths]));
  for (const s of o.services) if (s.service !== o.engine) parts.push(actionCommand(s));
  const engineReload = engineChanges && o.reloadEngine !== false ? sh.script`${initd(o.engine, 'reload')}` : sh.script`true`;
  parts.push(sh.script`if [ "$(cat ${routerPaths.originalEnabled(o.engine)})" = 1 ]; then ${initd(o.engine, 'enable')}; ${engineReload}; else ${initd(o.engine, 'stop')}; ${initd(o.engine, 'disable')}; fi`);
  const pkgs = [...new Set([...o.originals, o.engine])];
  parts.push(shellCommand(['rm', '-f', routerPaths.originalEnabled(o.engine), ...pkgs.map(routerPaths.original), ...pkgs.map(appliedCopy)]));
  parts.push(sh.script`rmdir ${routerPaths.stateDir} 2>/dev/null; true`);
  parts.push(discardStageCommand());
  return sh.and(...parts);
}
