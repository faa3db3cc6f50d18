// Test helper: reads recorded router output from test/fixtures/openwrt (copied into the repo with
// its README/SOURCES so the project stands alone). Used by tests only.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
