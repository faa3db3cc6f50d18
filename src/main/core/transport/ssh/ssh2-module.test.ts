// Starting the app (the core and serve mode) must not load ssh2: it is loaded when the first
// router is contacted. Checked in a fresh Node process, as `npm run serve` starts.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../../../..');

function loadedSsh2Files(then: string): string[] {
  const script = `
    import { createRequire } from 'node:module';
    await import('./src/main/core/app-core.ts');
    await import('./src/main/server/serve-server.ts');
    ${then}
    const cache = createRequire(import.meta.url).cache;
    console.log(JSON.stringify(Object.keys(cache).filter((f) => /node_modules[\\\\/]ssh2[\\\\/]/.test(f))));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as string[];
}

describe('ssh2 at start', () => {
  it('is not loaded by the core and serve mode until a connection needs it', () => {
    expect(loadedSsh2Files('')).toEqual([]);
    // The check sees ssh2 once something asks for it.
    expect(loadedSsh2Files(`(await import('./src/main/core/transport/ssh/ssh2-module.ts')).ssh2Module();`).length).toBeGreaterThan(0);
  });
});
