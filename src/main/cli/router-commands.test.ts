// `switchyard sites edit`, `routers edit` and `routers add --ssh-config` over an in-memory core:
// only what is given changes, secrets come from stdin, ~/.ssh/config fills what flags leave out.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Router } from '../../shared/api/routers-schemas.ts';
import { secretRefs } from '../core/services/routers-service.ts';
import { cliSession } from './cli-test-core.test-util.ts';

type Session = Awaited<ReturnType<typeof cliSession>>;
let cli: Session;
let siteId: string;
let home: string;
const savedHome = process.env.HOME;

beforeEach(async () => {
  cli = await cliSession();
  siteId = (await cli.json<{ id: string }>(['sites', 'add', 'Bakery'])).id;
  // readUserSshConfig looks in $HOME/.ssh/config (os.homedir() follows HOME).
  home = mkdtempSync(join(tmpdir(), 'sy-cli-home-'));
  process.env.HOME = home;
});
afterEach(async () => {
  process.env.HOME = savedHome;
  rmSync(home, { recursive: true, force: true });
  await cli.core.close();
});

const addRouter = (name: string, host = '192.0.2.1') => cli.json<Router>(['routers', 'add', siteId, name, host, '--user', 'root', '--password-stdin'], 'pw-1');
const secret = (id: string) => cli.core.secrets.get(secretRefs.ssh(id));

describe('switchyard sites edit', () => {
  it('changes only what is given', async () => {
    await cli.json(['sites', 'edit', siteId, '--notes', 'Back door']);
    expect(await cli.json(['sites', 'edit', siteId, '--name', 'Corner Bakery'])).toMatchObject({ name: 'Corner Bakery', notes: 'Back door' });
    expect((await cli.run(['sites', 'edit', siteId])).err).toContain('Nothing to change');
    const missing = await cli.run(['sites', 'edit', 'nope', '--name', 'X', '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.out)).toMatchObject({ error: { code: 'not-found' } });
  });
});

describe('switchyard routers edit', () => {
  it('renames, keeps the saved password unless a new one arrives on stdin, and switches login methods', async () => {
    const { id } = await addRouter('Shop');
    expect(await cli.json(['routers', 'edit', id, '--name', 'Back office'])).toMatchObject({ name: 'Back office', authKind: 'password', hasSecret: true, hostKeyDropped: false });
    expect(await secret(id)).toBe('pw-1');
    await cli.json(['routers', 'edit', id, '--password-stdin'], 'pw-2\n');
    expect(await secret(id)).toBe('pw-2');
    expect(await cli.json(['routers', 'edit', id, '--password-stdin', '--keyboard-interactive'], 'pw-3')).toMatchObject({ authKind: 'keyboard-interactive' });
    expect(await cli.json(['routers', 'edit', id, '--agent'])).toMatchObject({ authKind: 'agent' });
    expect(await secret(id)).toBeUndefined();
    await cli.json(['routers', 'edit', id, '--key', '/k/id_ed25519', '--passphrase-stdin'], 'pp-1');
    // --passphrase-stdin alone re-keys the saved key file.
    expect(await cli.json(['routers', 'edit', id, '--passphrase-stdin'], 'pp-2')).toMatchObject({ authKind: 'key', keyPath: '/k/id_ed25519' });
    expect(await secret(id)).toBe('pp-2');
  });

  it('says when a new address forgot the trusted host key', async () => {
    const { id } = await addRouter('Shop');
    cli.core.routers.pinHostKey(id, 'ssh-ed25519', `SHA256:${'A'.repeat(43)}`);
    const moved = await cli.run(['routers', 'edit', id, '--host', '192.0.2.50', '--port', '2222']);
    expect(moved.code).toBe(0);
    expect(moved.out).toContain('the trusted host key was forgotten');
    expect(moved.out).toContain(`switchyard routers trust ${id}`);
  });

  it('sets and clears the jump host, and refuses bad input with nothing saved', async () => {
    const jump = await addRouter('Bastion', '198.51.100.7');
    const { id } = await addRouter('Shop');
    expect(await cli.json(['routers', 'edit', id, '--jump', jump.id])).toMatchObject({ jumpRouterId: jump.id });
    expect(await cli.json(['routers', 'edit', id, '--jump', 'none'])).toMatchObject({ jumpRouterId: null });
    const self = await cli.run(['routers', 'edit', id, '--jump', id, '--name', 'Renamed']);
    expect(self).toMatchObject({ code: 1, err: 'Error: A router cannot be its own jump host.' });
    const badPort = await cli.run(['routers', 'edit', id, '--port', '70000', '--json']);
    expect(JSON.parse(badPort.out)).toMatchObject({ error: { code: 'bad-request', message: expect.stringContaining('ports go from 1 to 65535') } });
    const taken = await cli.run(['routers', 'edit', id, '--name', 'bastion']);
    expect(taken).toMatchObject({ code: 1, err: expect.stringContaining('already has a router named "bastion"') });
    expect((await cli.run(['routers', 'edit', id, '--agent', '--password-stdin'], 'x')).code).toBe(2);
    expect(await cli.json(['routers', 'list'])).toMatchObject({ routers: [{ name: 'Bastion' }, { name: 'Shop', port: 22, authKind: 'password' }] });
  });
});

describe('switchyard routers add --ssh-config', () => {
  beforeEach(() => {
    mkdirSync(join(home, '.ssh'));
    writeFileSync(
      join(home, '.ssh', 'config'),
      ['Host shop', '  HostName 192.0.2.10', '  User admin', '  Port 2222', '  IdentityFile ~/.ssh/shop_ed25519', 'Host behind', '  HostName 10.0.0.2', '  User root', '  ProxyJump jump@198.51.100.7', 'Host nouser', '  HostName 192.0.2.12'].join('\n'),
    );
  });

  it('takes host, user, port and the key from the Host entry; flags win', async () => {
    expect(await cli.json(['routers', 'add', siteId, 'Shop', '--ssh-config', 'shop'])).toMatchObject({ host: '192.0.2.10', username: 'admin', port: 2222, authKind: 'key', keyPath: join(home, '.ssh', 'shop_ed25519') });
    const overridden = await cli.json<Router>(['routers', 'add', siteId, 'Shop 2', '--ssh-config', 'shop', '--user', 'tech', '--port', '22', '--password-stdin'], 'pw');
    expect(overridden).toMatchObject({ host: '192.0.2.10', username: 'tech', port: 22, authKind: 'password', hasSecret: true });
  });

  it('explains a ProxyJump, a missing user and an unknown alias; adds through --jump', async () => {
    const behind = await cli.run(['routers', 'add', siteId, 'Back', '--ssh-config', 'behind', '--agent']);
    expect(behind.code).toBe(2);
    expect(behind.err).toContain('reached through jump@198.51.100.7 (ProxyJump). Add that jump host as its own router first');
    const jump = await addRouter('Bastion', '198.51.100.7');
    expect(await cli.json(['routers', 'add', siteId, 'Back', '--ssh-config', 'behind', '--agent', '--jump', jump.id])).toMatchObject({ host: '10.0.0.2', jumpRouterId: jump.id });
    expect((await cli.run(['routers', 'add', siteId, 'X', '--ssh-config', 'nouser', '--agent'])).err).toContain('Host nouser in ~/.ssh/config has no User');
    expect((await cli.run(['routers', 'add', siteId, 'X', '--ssh-config', 'nope', '--agent'])).err).toContain('There is no Host nope in ~/.ssh/config (it has: shop, behind, nouser)');
    expect((await cli.run(['routers', 'add', siteId, 'X', '--ssh-config', 'nouser', '--user', 'root'])).err).toContain('Choose one way to log in');
  });
});
