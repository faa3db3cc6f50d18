// Test helper: a ReplayShell for whole-file installs. The files the driver stages arrive on stdin;
// the router's `uci export` of a staged file is answered with our serializer's export of it
// (derived: the serializer is checked byte for byte against real exports in uci-parse tests).
// It also keeps the last text staged per package, which is what the router would swap in, and
// each of Switchyard's own files staged (the connection hook) under `own.<index>`.
import { discardStageCommand, stageFileCommand, stageOwnFileCommand, stagedExportCommand } from './mwan3-apply-script.ts';
import { createReplayShell, type OwnScript, type ReplayMap, type ReplayShell } from './replay-shell.ts';
import { managedInterfaceOptions } from './mwan3-remove-plan.ts';
import { parseUciConfigFile, tokenizeUci } from './uci/uci-parse.ts';
import { serializeUciExport } from './uci/uci-serialize.ts';
import type { Command, RunOptions, RunResult } from '../../transport/ssh/ssh-connection.ts';

export type StagingShell = ReplayShell & { readonly staged: Record<string, string> };

export function createStagingShell(map: ReplayMap, ownScripts: readonly OwnScript[] = [], packages: readonly string[] = ['mwan3', 'network']): StagingShell {
  const ok = { stdout: '', exitCode: 0 };
  const extra: Record<string, { stdout: string; exitCode: number }> = { [discardStageCommand().text]: ok };
  for (const p of packages) extra[stageFileCommand(p).text] = ok;
  const ownOf: Record<string, string> = {};
  for (const i of [0, 1]) {
    extra[stageOwnFileCommand(i).text] = ok;
    ownOf[stageOwnFileCommand(i).text] = `own.${i}`;
  }
  const inner = createReplayShell({ ...extra, ...map }, ownScripts);
  const staged: Record<string, string> = {};
  const exportOf: Record<string, string> = Object.fromEntries(packages.map((p) => [stagedExportCommand(p).text, p]));
  const stageOf: Record<string, string> = Object.fromEntries(packages.map((p) => [stageFileCommand(p).text, p]));
  return {
    ...inner,
    async run(command: Command, options: RunOptions = {}): Promise<RunResult> {
      const text = 'text' in command ? command.text : '';
      const pkg = exportOf[text];
      if (pkg !== undefined && staged[pkg] !== undefined) {
        inner.calls.push({ command: text, stdin: undefined });
        const stdout = serializeUciExport(parseUciConfigFile(staged[pkg]!, pkg));
        return { stdout, stderr: '', exitCode: 0, signal: undefined, stdoutBytes: Buffer.from(stdout) };
      }
      if (stageOf[text] !== undefined) staged[stageOf[text]!] = String(options.stdin ?? '');
      if (ownOf[text] !== undefined) staged[ownOf[text]!] = String(options.stdin ?? '');
      return inner.run(command, options);
    },
    staged,
  };
}

/**
 * The file with Switchyard's own lines taken out: sy_* sections with the one blank line that
 * separates each from its neighbours, and option/list lines of the options it manages in the
 * uplinks' sections. Built from the tokenizer alone, not from the editor under test.
 */
export function outsideSwitchyard(text: string, uplinks: readonly string[]): string {
  const lines = text.split('\n');
  const drop = new Set<number>();
  const blocks: [number, number][] = [];
  let section = '';
  for (const st of tokenizeUci(text)) {
    const first = st.line - 1;
    const last = first + (text.slice(st.spans[0]![0], st.spans[st.spans.length - 1]![1]).match(/\n/g)?.length ?? 0);
    if (st.args[0] === 'config') {
      section = st.args[2] ?? '';
      if (section.startsWith('sy_')) blocks.push([first, last]);
    }
    if (section.startsWith('sy_')) blocks[blocks.length - 1]![1] = last;
    const managed = uplinks.includes(section) && st.args[0] !== 'config' && ([...managedInterfaceOptions, 'family'] as string[]).includes(st.args[1]!);
    if (managed) for (let l = first; l <= last; l++) drop.add(l);
  }
  const blank = (i: number): boolean => i >= 0 && i < lines.length && !drop.has(i) && /^[ \t]*$/.test(lines[i]!) && !(i === lines.length - 1);
  for (const [a, b] of blocks.reverse()) {
    for (let l = a; l <= b; l++) drop.add(l);
    if (blank(b + 1)) drop.add(b + 1);
    else if (blank(a - 1)) drop.add(a - 1);
  }
  return lines.filter((_, i) => !drop.has(i)).join('\n');
}
