// ~/.ssh/config parsing: patterns, first value wins, IdentityFile expansion, ProxyJump.
import { describe, expect, it } from 'vitest';
import { parseProxyJump, parseSshConfig, resolveSshHost, sshConfigCandidates } from './ssh-config.ts';

const config = `
# global defaults come first in the file but lose to nothing: first value wins
User admin

Host shop-router shop-backup
  HostName 192.0.2.1
  Port 2222
  IdentityFile ~/.ssh/shop_ed25519
  ProxyJump jump@bastion.lan:2200,ssh://ops@[2001:db8::1]:22

Host shop-*  !shop-secret
  User ignored-because-global-user-came-first
  IdentityFile "%d/.ssh/keys/%h %r"
  Port 9999

Host=cafe
  hostname cafe.lan
  IdentityFile none

Match exec "true"
  HostName should-not-apply

Host *
  IdentityFile ~/.ssh/id_ed25519
  ProxyJump none
`;

describe('ssh config', () => {
  const opts = { home: '/home/tech', localUser: 'tech' };

  it('lists concrete aliases as candidate routers', () => {
    const c = sshConfigCandidates(config, opts);
    expect(c.map((h) => h.alias)).toEqual(['shop-router', 'shop-backup', 'cafe']);
  });

  it('resolves with first value wins and accumulating, expanded IdentityFiles', () => {
    const blocks = parseSshConfig(config);
    const h = resolveSshHost(blocks, 'shop-router', opts);
    expect(h).toEqual({
      alias: 'shop-router',
      hostName: '192.0.2.1',
      user: 'admin',
      port: 2222,
      identityFiles: ['/home/tech/.ssh/shop_ed25519', '/home/tech/.ssh/keys/192.0.2.1 admin', '/home/tech/.ssh/id_ed25519'],
      proxyJump: [
        { user: 'jump', host: 'bastion.lan', port: 2200 },
        { user: 'ops', host: '2001:db8::1', port: 22 },
      ],
    });
    const cafe = resolveSshHost(blocks, 'cafe', opts);
    expect(cafe.hostName).toBe('cafe.lan');
    expect(cafe.port).toBe(22);
    expect(cafe.proxyJump).toEqual([]);
    expect(cafe.identityFiles).toEqual(['/home/tech/.ssh/id_ed25519']);
  });

  it('honours negated patterns', () => {
    const secret = resolveSshHost(parseSshConfig(config), 'shop-secret', opts);
    expect(secret.port).toBe(22);
    expect(secret.hostName).toBe('shop-secret');
  });

  it('parses ProxyJump forms and refuses nonsense', () => {
    expect(parseProxyJump('bastion')).toEqual([{ user: undefined, host: 'bastion', port: undefined }]);
    expect(parseProxyJump('NONE')).toEqual([]);
    expect(() => parseProxyJump('a@b:c:d')).toThrow(/ProxyJump/);
  });
});
