// The CLI's own handling of what users and routers type: names with control characters never
// reach the terminal raw, and a site is named by its id or its name, as routers are.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliSession } from './cli-test-core.test-util.ts';

type Session = Awaited<ReturnType<typeof cliSession>>;
let cli: Session;

beforeEach(async () => {
  cli = await cliSession();
});
afterEach(async () => cli.core.close());

describe('switchyard with hostile names', () => {
  it('shows control characters in site and router names as escapes, so a listing cannot be forged', async () => {
    const evil = 'Shop\u001b[2K\r\u001b[32mOK\nabc  Fake site  (0 routers)\u202e';
    const site = await cli.json<{ id: string }>(['sites', 'add', evil]);
    await cli.json(['routers', 'add', site.id, `R\u001b]0;pwned\u0007`, '192.0.2.1', '--user', 'root', '--password-stdin'], 'pw');
    for (const argv of [['sites', 'list'], ['routers', 'list']]) {
      const { code, out } = await cli.run(argv);
      expect(code).toBe(0);
      expect([...out].filter((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f) || c === '\u202e')).toEqual([]);
      expect(out.split('\n')).toHaveLength(1);
    }
    expect((await cli.run(['sites', 'list'])).out).toContain('Shop\\x1b[2K\\r\\x1b[32mOK\\nabc  Fake site  (0 routers)\\u{202e}');
    expect((await cli.run(['routers', 'list'])).out).toContain('R\\x1b]0;pwned\\x07');
    // --json keeps the data exact (JSON escapes control characters itself).
    expect((await cli.json<{ sites: Array<{ name: string }> }>(['sites', 'list'])).sites[0]!.name).toBe(evil);
    // And so do error messages that repeat what was typed.
    const missing = await cli.run(['routers', 'detect', 'x\u001b[31my']);
    expect(missing.err).not.toContain('\u001b');
  });
});

describe('switchyard routers add SITE', () => {
  it('takes the site by name (any case) or id, and names what it could not find', async () => {
    const site = await cli.json<{ id: string }>(['sites', 'add', 'Lab22']);
    expect(await cli.json(['routers', 'add', 'lab22', 'Edge', '192.0.2.1', '--user', 'root', '--password-stdin'], 'pw')).toMatchObject({ siteId: site.id, name: 'Edge' });
    expect(await cli.json(['routers', 'add', site.id, 'Core', '192.0.2.2', '--user', 'root', '--password-stdin'], 'pw')).toMatchObject({ siteId: site.id });
    expect((await cli.json<{ routers: unknown[] }>(['routers', 'list', '--site', 'LAB22'])).routers).toHaveLength(2);
    const missing = await cli.run(['routers', 'add', 'Lab23', 'Edge', '192.0.2.3', '--user', 'root', '--password-stdin'], 'pw');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('There is no site "Lab23" (by id or name)');
  });
});
