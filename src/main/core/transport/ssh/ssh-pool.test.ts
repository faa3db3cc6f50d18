// The pool's sharing rules, and the auth plumbing that needs no server.
import { describe, expect, it } from 'vitest';
import { authAttempts, defaultAgentSocket, makeAuthHandler, secretsOf } from './ssh-auth.ts';
import type { SshConnectOptions, SshConnection, SshConnectionState } from './ssh-connection.ts';
import { PrivateKeyError } from './ssh-errors.ts';
import { SshPool } from './ssh-pool.ts';

function fakeConnection(): SshConnection & { state: SshConnectionState } {
  const c = { state: 'ready' as SshConnectionState, close: async () => void (c.state = 'closed') };
  return c as unknown as SshConnection & { state: SshConnectionState };
}

describe('SshPool', () => {
  it('shares one connect between concurrent callers and reuses a live connection', async () => {
    let connects = 0;
    const pool = new SshPool(async () => {
      connects++;
      await new Promise((r) => setTimeout(r, 10));
      return fakeConnection();
    });
    const opts = (): SshConnectOptions => ({}) as SshConnectOptions;
    const [a, b] = await Promise.all([pool.get('r1', opts), pool.get('r1', opts)]);
    expect(a).toBe(b);
    expect(await pool.get('r1', opts)).toBe(a);
    expect(connects).toBe(1);
    await pool.get('r2', opts);
    expect(connects).toBe(2);
    (a as unknown as { state: string }).state = 'failed';
    expect(await pool.get('r1', opts)).not.toBe(a);
    expect(connects).toBe(3);
    await pool.closeAll();
  });

  it('does not cache a failed connect', async () => {
    let fail = true;
    const pool = new SshPool(async () => {
      if (fail) throw new Error('refused');
      return fakeConnection();
    });
    const opts = (): SshConnectOptions => ({}) as SshConnectOptions;
    await expect(pool.get('r', opts)).rejects.toThrow('refused');
    fail = false;
    const c = await pool.get('r', opts);
    await pool.release('r');
    expect(c.state).toBe('closed');
  });
});

describe('auth plumbing', () => {
  it('tries methods in order, skipping what the server does not offer', () => {
    const attempts = authAttempts(
      [{ kind: 'agent', socket: '/tmp/agent.sock' }, { kind: 'password', password: 'pw-Secret' }],
      'root',
    );
    expect(attempts.map((a) => a.type)).toEqual(['agent', 'password', 'keyboard-interactive']);
    const tried: string[] = [];
    const handler = makeAuthHandler(attempts, (m) => tried.push(m));
    const next: unknown[] = [];
    handler(null, null, (a) => next.push(a && a.type));
    handler(['keyboard-interactive'], false, (a) => next.push(a && a.type)); // password not offered
    handler(['keyboard-interactive'], false, (a) => next.push(a));
    expect(next).toEqual(['agent', 'keyboard-interactive', false]);
    expect(tried).toEqual(['agent', 'keyboard-interactive']);
  });

  it('finds the agent as ssh does, Pageant on Windows', () => {
    expect(defaultAgentSocket({ SSH_AUTH_SOCK: '/run/a.sock' }, 'linux')).toBe('/run/a.sock');
    expect(defaultAgentSocket({}, 'win32')).toBe('pageant');
    expect(defaultAgentSocket({}, 'linux')).toBeUndefined();
    expect(authAttempts([{ kind: 'agent' }], 'u', undefined)).toEqual([]);
  });

  it('refuses a key that is not a key, and knows which values are secret', () => {
    expect(() => authAttempts([{ kind: 'key', privateKey: 'not a key' }], 'u')).toThrow(PrivateKeyError);
    expect(secretsOf([{ kind: 'password', password: 'pw-Secret' }, { kind: 'key', privateKey: 'x', passphrase: 'pp-Secret' }])).toEqual([
      'pw-Secret',
      'pp-Secret',
    ]);
  });
});
