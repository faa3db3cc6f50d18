// Which test files may share the machine with another test file, for vitest.config.ts: a file
// that runs no process, lab, server or socket of its own (parsers, planners, the renderer in
// jsdom) runs beside another such file; every other file runs alone, one at a time, as before.
// Decided from each file's source, so a new lab or process test is serial without anyone
// listing it; a file is parallel only when none of these marks is in it.
import { readFileSync } from 'node:fs';

/**
 * What a file that is not self-contained shows in its source: the lab and its helpers, the
 * agent's namespace topology, child processes, servers and sockets, a browser.
 */
const serialMarks = /lab-fixture|\/lab\/lab\.ts|lab-router|agent-test-topology|labExec|child_process|spawn|execFile|sshd|dropbear|snmpd|ip netns|createServer|\.listen\(|node:net|node:dgram|worker_threads|chromium|playwright/;

/** True when the file at `path` must run alone (see serialMarks). */
export function runsAlone(path: string): boolean {
  return serialMarks.test(readFileSync(path, 'utf8'));
}
