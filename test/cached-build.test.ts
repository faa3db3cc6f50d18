// The start-up build cache decides on content, not mtimes, and never trusts a missing output.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildReason, inputsHash, recordBuild } from '../scripts/cached-build.ts';

let dir: string;
const put = (path: string, content: string) => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sy-build-cache-'));
  put('src/renderer/main.tsx', 'export const a = 1;\n');
  put('src/shared/model.ts', 'export type A = 1;\n');
  put('src/main/core/app-core.ts', 'export const core = 1;\n');
  put('package-lock.json', '{"lockfileVersion":3}\n');
  put('vite.renderer.config.ts', 'export default {};\n');
  put('out/renderer/index.html', '<!doctype html>\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the renderer build cache', () => {
  it('builds when there is no record, then not until an input changes its content', () => {
    expect(buildReason('renderer', dir).reason).toBe('no record of the last build');
    recordBuild('renderer', inputsHash('renderer', dir), dir);
    expect(buildReason('renderer', dir).reason).toBeNull();

    // A checkout that only moves mtimes changes nothing.
    const later = new Date(Date.now() + 3_600_000);
    utimesSync(join(dir, 'src/renderer/main.tsx'), later, later);
    expect(buildReason('renderer', dir).reason).toBeNull();

    put('src/shared/model.ts', 'export type A = 2;\n');
    expect(buildReason('renderer', dir).reason).toBe('its sources changed since the last build');
  });

  it('counts a new file, a renamed file and the lockfile, but not tests or the main process', () => {
    const base = inputsHash('renderer', dir);
    put('src/renderer/monitoring-tab.test.tsx', 'it("x", () => {});\n');
    put('src/main/core/app-core.ts', 'export const core = 2;\n');
    expect(inputsHash('renderer', dir)).toBe(base);
    put('src/renderer/extra.ts', 'export const b = 1;\n');
    const withExtra = inputsHash('renderer', dir);
    expect(withExtra).not.toBe(base);
    rmSync(join(dir, 'src/renderer/extra.ts'));
    put('src/renderer/other.ts', 'export const b = 1;\n');
    expect(inputsHash('renderer', dir)).not.toBe(withExtra);
    rmSync(join(dir, 'src/renderer/other.ts'));
    expect(inputsHash('renderer', dir)).toBe(base);
    put('package-lock.json', '{"lockfileVersion":3,"packages":{}}\n');
    expect(inputsHash('renderer', dir)).not.toBe(base);
  });

  it('rebuilds when the output is gone even if the record matches', () => {
    recordBuild('renderer', inputsHash('renderer', dir), dir);
    rmSync(join(dir, 'out/renderer'), { recursive: true });
    expect(buildReason('renderer', dir).reason).toBe('no complete build in out/');
  });

  it('the Electron build also depends on the main process', () => {
    const base = inputsHash('electron', dir);
    put('src/main/core/app-core.ts', 'export const core = 2;\n');
    expect(inputsHash('electron', dir)).not.toBe(base);
  });
});
