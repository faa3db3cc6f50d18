// The CLI over the same core: help, version, JSON output on every command, clear usage errors.
import { describe, expect, it } from 'vitest';
import { createCore } from '../core/app-core.ts';
import { runCli } from './cli.ts';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const core = await createCore({ dataDir: ':memory:', transport: 'direct' });
  // One in-memory core across calls in a test; the CLI closes what it opens, so hand it a proxy.
  const code = await runCli(argv, async () => ({ ...core, close: async () => {} }), { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n'), core };
}

describe('switchyard CLI', () => {
  it('prints help listing the commands', async () => {
    const { code, out } = await cli('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/switchyard version/);
    expect(out).toMatch(/switchyard sites add NAME/);
  });

  it('prints the version, as text and as JSON', async () => {
    expect((await cli('version')).out).toMatch(/^Switchyard \d+\.\d+\.\d+ \(Node 24\./);
    expect(JSON.parse((await cli('version', '--json')).out)).toMatchObject({ name: 'Switchyard', version: expect.any(String) });
  });

  it('lists an empty inventory with a hint', async () => {
    expect((await cli('sites', 'list')).out).toMatch(/No sites yet/);
    expect(JSON.parse((await cli('sites', 'list', '--json')).out)).toEqual({ sites: [] });
  });

  it('reports API errors with exit 1 and JSON errors with --json', async () => {
    const { code, out } = await cli('sites', 'remove', 'missing-id', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ removed: false });
    const bad = await cli('sites', 'add', ' ', '--json');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out)).toMatchObject({ error: { code: 'bad-request', message: expect.stringContaining('name') } });
  });

  it('exits 2 with usage on unknown commands, unknown options and missing arguments', async () => {
    expect(await cli('frobnicate')).toMatchObject({ code: 2, err: expect.stringContaining('Unknown command') });
    expect(await cli('sites', 'list', '--colour')).toMatchObject({ code: 2, err: expect.stringContaining('Usage: switchyard sites list') });
    expect(await cli('sites', 'add')).toMatchObject({ code: 2, err: expect.stringContaining('Give the site a name') });
  });
});
