// Test helper: reads GL.iNet router output kept in test/fixtures/glinet (provenance in its README).
// Used by tests only.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../../../test/fixtures/glinet/', import.meta.url));

/** Real output of a GL-MT6000 (Flint 2) on firmware 4.9.1, from a public repository. */
export const flint2 = 'flint2-4.9.1';

/** Built from GL.iNet's RPC module and stock values (no device capture exists); labelled in the README. */
export const synthetic = 'synthetic';

export function readGlinetFixture(folder: string, file: string): string {
  return readFileSync(`${root}${folder}/${file}`, 'utf8');
}
