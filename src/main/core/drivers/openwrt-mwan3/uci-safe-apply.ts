// The driver side of a safe apply over uci, shared by the mwan3 and kmwan drivers: stage and
// check a batch, install it with the revert job, confirm, roll back, read the pending marker.
import { randomBytes } from 'node:crypto';
import { SwitchyardError } from '../../../../shared/errors.ts';
import type { RouterShell } from '../driver.ts';
import type { ShellCommand } from '../../transport/ssh/shell-quote.ts';
import {
  confirmScript,
  discardStageCommand,
  fileInstallScript,
  stageFileCommand,
  stageOwnFileCommand,
  installExit,
  installScript,
  md5sumLine,
  nothingPendingExit,
  parsePending,
  readPendingCommand,
  rollbackScript,
  stageCommand,
  stagedExportCommand,
  type ServiceAction,
} from './mwan3-apply-script.ts';
import { assertUciBatchSucceeded, buildUciBatch, type UciBatchOp } from './uci/uci-batch.ts';
import { diffUciPackages, formatUciChange } from './uci/uci-diff.ts';
import type { UciOption, UciPackage } from './uci/uci-model.ts';
import { parseUciConfigFile, parseUciExport } from './uci/uci-parse.ts';

/** Single-item lists read like options in `uci show`; compare packages in that form. */
export function flattenLists(pkg: UciPackage): UciPackage {
  return { ...pkg, sections: pkg.sections.map((s) => ({ ...s, options: s.options.map((o): UciOption => (o.kind === 'list' && o.values.length === 1 ? { kind: 'option', name: o.name, value: o.values[0]! } : o)) })) };
}

/** The refusal when a package changed on the router since plan() read it, with what changed. */
export function conflictError(pkg: string, baseText: string | undefined, nowText: string): SwitchyardError {
  const diff = baseText === undefined ? [] : diffUciPackages(parseUciConfigFile(baseText, pkg), parseUciConfigFile(nowText, pkg)).map(formatUciChange);
  return new SwitchyardError(
    'conflict',
    `/etc/config/${pkg} was edited on the router since Switchyard read it, so Switchyard will not overwrite it. ` +
      (diff.length ? `What changed: ${diff.join('; ')}. ` : '') +
      'Review the router, then plan again.',
    { package: pkg, diff },
  );
}

export type SafeApplyOptions = {
  /** The engine's package and service (mwan3, kmwan). */
  readonly engine: string;
  /** How each package changes take effect, in order (network reload before the engine's). */
  readonly serviceFor: (packages: readonly string[]) => ServiceAction[];
  /** Packages kept as "before Switchyard" on the first commit. */
  readonly originals: readonly string[];
  /** How plan() read each package (`uci export` unless said). */
  readonly baseRead?: Readonly<Record<string, 'export' | 'show'>>;
  readonly nowMs?: () => number;
  readonly newToken?: () => string;
  /** False where serviceFor's steps are the engine's whole apply (GL.iNet): the revert job reloads no engine after them. */
  readonly reloadEngine?: boolean;
};

export type InstallRequest = {
  readonly ops: readonly UciBatchOp[];
  /** The predicted result per package; the staged export must match it. */
  readonly expected: Readonly<Record<string, UciPackage>>;
  /** The exact text each package's base was read as. */
  readonly baseText: Readonly<Record<string, string>>;
  readonly revertInSec: number | null;
  readonly captureOriginals: boolean;
  /** Keep each installed file as Switchyard's last write, for Remove (put back by the revert job). */
  readonly recordApplied?: boolean;
  /** The revert job's restore per package, instead of copying the saved file back. */
  readonly revertRestore?: Readonly<Record<string, ShellCommand>>;
};

export type FileInstallRequest = {
  /** Per package: the exact bytes read from /etc/config and the new bytes, edited in place. */
  readonly files: readonly { readonly name: string; readonly baseText: string; readonly newText: string }[];
  readonly revertInSec: number | null;
  readonly captureOriginals: boolean;
  readonly recordApplied?: boolean;
  /** Switchyard's own files outside /etc/config (text read now, text wanted; null = absent), put in or taken out under the same revert timer. */
  readonly ownFiles?: readonly { readonly path: string; readonly baseText: string | null; readonly newText: string | null }[];
  /** Commands run after the services' reload, in the same script (fileInstallScript's afterServices). */
  readonly afterServices?: readonly ShellCommand[];
};

export type SafeApply = {
  /** Sends each new file to the router's private workspace and checks the router's uci reads it as predicted; returns md5sum lines. */
  stageFiles(files: FileInstallRequest['files']): Promise<Record<string, string>>;
  /** Swaps whole files in (only those whose bytes change); null when nothing changed. */
  installFiles(req: FileInstallRequest): Promise<number | null>;
  stage(ops: readonly UciBatchOp[], expected: Readonly<Record<string, UciPackage>>): Promise<Record<string, string>>;
  install(req: InstallRequest): Promise<number | null>;
  readPending(): Promise<{ readonly token: string; readonly revertAtMs: number } | null>;
  confirm(): Promise<void>;
  rollback(): Promise<void>;
};

export function createSafeApply(shell: RouterShell, o: SafeApplyOptions): SafeApply {
  const now = o.nowMs ?? Date.now;
  const newToken = o.newToken ?? ((): string => randomBytes(8).toString('hex'));
  const discard = (): Promise<unknown> => shell.run(discardStageCommand(), { expectExit: 'any' }).catch(() => undefined);

  /** Stages ops in the private workspace and checks the router's uci made what we predicted. */
  async function stage(ops: readonly UciBatchOp[], expected: Readonly<Record<string, UciPackage>>): Promise<Record<string, string>> {
    const packages = Object.keys(expected);
    try {
      const staged = await shell.run(stageCommand(packages), { stdin: buildUciBatch(ops) });
      assertUciBatchSucceeded(staged.stderr);
      const md5: Record<string, string> = {};
      for (const p of packages) {
        const text = (await shell.run(stagedExportCommand(p))).stdout;
        const diff = diffUciPackages(flattenLists(expected[p]!), flattenLists(parseUciExport(text, p)));
        if (diff.length > 0) {
          throw new SwitchyardError('command-failed', `The router's uci staged ${p} differently than planned, so nothing was changed: ${diff.map(formatUciChange).join('; ')}`, { diff: diff.map(formatUciChange) });
        }
        md5[p] = md5sumLine(text);
      }
      return md5;
    } catch (e) {
      await discard();
      throw e;
    }
  }

  /** Runs an install script; a refusal (conflict, pending changes, mismatch) leaves the router as it was. */
  async function runInstall(script: ShellCommand): Promise<void> {
    const r = await shell.run(script, { expectExit: [0, ...Object.values(installExit)], timeoutMs: 120_000 });
    if (r.exitCode === 0) return;
    await discard();
    const code = r.exitCode === installExit.stagedMismatch ? 'command-failed' : 'conflict';
    throw new SwitchyardError(code, `Nothing was changed on the router: ${r.stderr.trim().replace(/^switchyard: /, '')}.`, { exitCode: r.exitCode });
  }

  async function stageFiles(files: FileInstallRequest['files']): Promise<Record<string, string>> {
    try {
      await shell.run(discardStageCommand());
      const md5: Record<string, string> = {};
      for (const f of files) {
        await shell.run(stageFileCommand(f.name), { stdin: f.newText });
        const text = (await shell.run(stagedExportCommand(f.name))).stdout;
        const diff = diffUciPackages(flattenLists(parseUciConfigFile(f.newText, f.name)), flattenLists(parseUciExport(text, f.name)));
        if (diff.length > 0) {
          throw new SwitchyardError('command-failed', `The router's uci reads the new ${f.name} differently than Switchyard does, so nothing was changed: ${diff.map(formatUciChange).join('; ')}`, { diff: diff.map(formatUciChange) });
        }
        md5[f.name] = md5sumLine(f.newText);
      }
      return md5;
    } catch (e) {
      await discard();
      throw e;
    }
  }

  return {
    stage,
    stageFiles,

    async installFiles(req: FileInstallRequest): Promise<number | null> {
      const changed = req.files.filter((f) => f.newText !== f.baseText);
      const own = (req.ownFiles ?? []).filter((f) => f.newText !== f.baseText);
      if (changed.length === 0 && own.length === 0) return null;
      const md5 = changed.length ? await stageFiles(changed) : (await shell.run(discardStageCommand()), {});
      try {
        for (const [i, f] of own.entries()) if (f.newText !== null) await shell.run(stageOwnFileCommand(i), { stdin: f.newText });
      } catch (e) {
        await discard();
        throw e;
      }
      const names = changed.map((f) => f.name);
      const revertAtMs = req.revertInSec === null ? null : now() + req.revertInSec * 1000;
      const script = fileInstallScript({
        packages: changed.map((f) => ({ name: f.name, baseMd5: md5sumLine(f.baseText), newMd5: md5[f.name]! })),
        engine: o.engine,
        services: o.serviceFor(names),
        revert: req.revertInSec === null ? null : { inSec: req.revertInSec, token: newToken(), atMs: revertAtMs! },
        captureOriginal: req.captureOriginals ? { packages: o.originals } : null,
        ...(req.recordApplied === false ? { recordApplied: false } : {}),
        ...(own.length ? { ownFiles: own.map((f) => ({ path: f.path, md5: f.newText === null ? null : md5sumLine(f.newText) })) } : {}),
        ...(req.afterServices?.length ? { afterServices: req.afterServices } : {}),
      });
      await runInstall(script);
      return revertAtMs;
    },

    async install(req: InstallRequest): Promise<number | null> {
      const stagedMd5 = await stage(req.ops, req.expected);
      const names = Object.keys(req.expected);
      const packages = names.map((name) => ({ name, baseMd5: md5sumLine(req.baseText[name]!), stagedMd5: stagedMd5[name]! }));
      const revertAtMs = req.revertInSec === null ? null : now() + req.revertInSec * 1000;
      const script = installScript({
        packages,
        engine: o.engine,
        services: o.serviceFor(names),
        revert: req.revertInSec === null ? null : { inSec: req.revertInSec, token: newToken(), atMs: revertAtMs! },
        captureOriginal: req.captureOriginals ? { packages: o.originals } : null,
        ...(o.baseRead ? { baseRead: o.baseRead } : {}),
        ...(req.recordApplied ? { recordApplied: true } : {}),
        ...(req.revertRestore ? { revertRestore: req.revertRestore } : {}),
        ...(o.reloadEngine === false ? { reloadEngine: false } : {}),
      });
      await runInstall(script);
      return revertAtMs;
    },

    async readPending() {
      const r = await shell.run(readPendingCommand(), { expectExit: 'any' });
      return r.exitCode === 0 ? parsePending(r.stdout) : null;
    },

    async confirm(): Promise<void> {
      const r = await shell.run(confirmScript(), { expectExit: [0, nothingPendingExit] });
      if (r.exitCode === nothingPendingExit) throw new SwitchyardError('not-found', 'No change is waiting for confirmation on this router (it may already have been reverted).');
    },

    async rollback(): Promise<void> {
      const r = await shell.run(rollbackScript(), { expectExit: [0, nothingPendingExit], timeoutMs: 120_000 });
      if (r.exitCode === nothingPendingExit) throw new SwitchyardError('not-found', 'No change is waiting on this router, so there is nothing to roll back.');
    },
  };
}
