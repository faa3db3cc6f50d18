// Fingerprints and known_hosts decisions, checked against what OpenSSH's own ssh-keygen says.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkKnownHosts,
  combineHostKeyTrust,
  fingerprintOf,
  keyTypeOfBlob,
  KnownHostsTrust,
  matchPatternList,
  MemoryHostKeyTrust,
  parseKnownHosts,
} from './host-key.ts';

let dir = '';
const keys: { type: string; pub: string; blob: Buffer; fp: string }[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'swy-hk-'));
  for (const [i, t] of (['ed25519', 'ed25519', 'rsa', 'ecdsa'] as const).entries()) {
    const f = join(dir, `k${i}`);
    execFileSync('ssh-keygen', ['-q', '-t', t, ...(t === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-f', f]);
    const pub = readFileSync(`${f}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
    const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${f}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
    keys.push({ type: pub.split(' ')[0]!, pub, blob: Buffer.from(pub.split(' ')[1]!, 'base64'), fp });
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fingerprints', () => {
  it('match ssh-keygen -l for ed25519, rsa and ecdsa keys', () => {
    for (const k of keys) {
      expect(fingerprintOf(k.blob)).toBe(k.fp);
      expect(keyTypeOfBlob(k.blob)).toBe(k.type);
    }
    expect(keyTypeOfBlob(Buffer.from([0, 0]))).toBe('unknown');
  });
});

describe('known_hosts', () => {
  it('honours plain, [host]:port and hashed entries, and reports a changed key', () => {
    const [a, b] = keys;
    const plain = `# comment\n[127.0.0.1]:2222 ${a!.pub}\nrouter.lan,192.0.2.1 ${b!.pub} comment here\n`;
    const file = join(dir, 'kh');
    writeFileSync(file, `${plain}garbage line\n`);
    const hashedFile = join(dir, 'kh-hashed');
    writeFileSync(hashedFile, plain);
    execFileSync('ssh-keygen', ['-H', '-f', hashedFile], { stdio: 'ignore' });
    expect(readFileSync(hashedFile, 'utf8')).toMatch(/^\|1\|/m);

    for (const f of [file, hashedFile]) {
      const trust = new KnownHostsTrust([f, join(dir, 'missing')]);
      expect(trust.check('127.0.0.1', 2222, a!.type, a!.fp)).toBe('trusted');
      expect(trust.check('127.0.0.1', 22, a!.type, a!.fp)).toBe('unknown'); // port matters
      expect(trust.check('router.lan', 22, b!.type, b!.fp)).toBe('trusted');
      expect(trust.check('ROUTER.LAN', 22, b!.type, b!.fp)).toBe('trusted');
      expect(trust.check('192.0.2.1', 22, b!.type, a!.fp)).toEqual({ mismatch: b!.fp });
      // A key of another type is new, not changed, as in OpenSSH.
      expect(trust.check('router.lan', 22, keys[2]!.type, keys[2]!.fp)).toBe('unknown');
    }
  });

  it('applies wildcards and negation, refuses @revoked keys, ignores @cert-authority', () => {
    const [a, b, c] = keys;
    const entries = parseKnownHosts(
      [`*.lan,!evil.lan ${a!.pub}`, `@revoked * ${b!.pub}`, `@cert-authority *.lan ${c!.pub}`, `@bogus x ${a!.pub}`].join('\n'),
    );
    expect(entries).toHaveLength(3);
    expect(checkKnownHosts(entries, 'r1.lan', 22, a!.type, a!.fp)).toBe('trusted');
    expect(checkKnownHosts(entries, 'evil.lan', 22, a!.type, a!.fp)).toBe('unknown');
    expect(checkKnownHosts(entries, 'anything', 22, b!.type, b!.fp)).toEqual({ revoked: true });
    expect(checkKnownHosts(entries, 'r1.lan', 22, c!.type, c!.fp)).toBe('unknown');
    expect(matchPatternList(['r?.lan'], 'r1.lan')).toBe(true);
    expect(matchPatternList(['r?.lan'], 'r10.lan')).toBe(false);
  });

  it('combines pins and known_hosts: pins decide first, revocation always wins', async () => {
    const [a, b] = keys;
    const pins = new MemoryHostKeyTrust();
    const kh = { check: () => 'trusted' as const };
    const both = combineHostKeyTrust(pins, kh);
    expect(await both.check('r', 22, a!.type, a!.fp)).toBe('trusted');
    pins.pin('r', 22, a!.type, b!.fp);
    expect(await both.check('r', 22, a!.type, a!.fp)).toEqual({ mismatch: b!.fp });
    pins.pin('r', 22, a!.type, a!.fp); // explicit re-pin
    expect(await both.check('r', 22, a!.type, a!.fp)).toBe('trusted');
    expect(await combineHostKeyTrust(pins, { check: () => ({ revoked: true }) }).check('r', 22, a!.type, a!.fp)).toEqual({ revoked: true });
    pins.unpin('r', 22);
    expect(pins.check('r', 22, a!.type, a!.fp)).toBe('unknown');
  });
});
