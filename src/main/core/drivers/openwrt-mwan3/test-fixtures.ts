// Test helper: reads recorded router output from test/fixtures/openwrt (copied into the repo with
// its README/SOURCES so the project stands alone). Used by tests only.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OpenwrtMwan3Facts } from './openwrt-mwan3-driver.ts';
import type { Recording } from './replay-shell.ts';

const root = fileURLToPath(new URL('../../../../../test/fixtures/openwrt/', import.meta.url));

/** Real captures: OpenWrt 19.07.7 userland + mwan3 2.12.2 (see that folder's README.md). */
export const lab = 'openwrt-19.07-mwan3-2.12';
/** Public captures, derived and synthetic files (see that folder's SOURCES.md). */
export const community = 'community';

export function readFixture(folder: string, file: string): string {
  return readFileSync(`${root}${folder}/${file}`, 'utf8');
}

export function listFixtures(folder: string, pattern: RegExp): string[] {
  return readdirSync(`${root}${folder}`).filter((f) => pattern.test(f)).sort();
}

/** A command that printed `stdout` and exited 0. */
export const ok = (stdout = ''): Recording => ({ stdout, exitCode: 0 });
/** Synthetic: BusyBox cat's message for a missing file (the driver only reads the exit code). */
export const noFile = (path: string): Recording => ({ stdout: '', stderr: `cat: can't open '${path}': No such file or directory\n`, exitCode: 1 });
/** Detection facts of the captured 19.07.7 router (mwan3 2.8: no `use`, no httping or arping). */
export const capturedFacts: OpenwrtMwan3Facts = { mwan3Installed: true, supportsUse: false, hasHttping: false, hasArping: false };
/** The install and remove scripts answering as a router that ran them. */
export const installOk = { label: '<install script>', startsWith: "{ trap '' HUP; }", reply: ok() } as const;
export const removeOk = { label: '<remove script>', startsWith: '{ [ -e /etc/switchyard/mwan3.orig ]', reply: ok() } as const;
