// Against a REAL net-snmp snmpd on 127.0.0.1 (a free high UDP port, temp config, v2c + v3
// authPriv user), polling the loopback interface. Skips itself when snmpd is not installed.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnmpAuthError, SnmpTimeoutError } from './snmp-errors.ts';
import { SnmpPoller } from './snmp-poller.ts';
import type { SnmpCredentials, SnmpPollResult } from './snmp-poller.ts';

const snmpdPath = ['/usr/sbin/snmpd', '/usr/bin/snmpd'].find((p) => spawnSync(p, ['-v']).status === 0);
const v3 = (authKey: string, privKey: string): SnmpCredentials => ({
  version: '3',
  user: 'sy-user',
  authProtocol: 'sha',
  authKey,
  privProtocol: 'aes',
  privKey,
});

async function freeUdpPort(): Promise<number> {
  const sock = createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  const { port } = sock.address();
  await new Promise<void>((resolve) => sock.close(() => resolve()));
  return port;
}

/** Sends `count` datagrams of `size` bytes over loopback so lo's counters move. */
async function loopbackTraffic(count: number, size: number): Promise<void> {
  const rx = createSocket('udp4');
  await new Promise<void>((resolve) => rx.bind(0, '127.0.0.1', resolve));
  const tx = createSocket('udp4');
  const payload = Buffer.alloc(size, 0x5a);
  for (let k = 0; k < count; k++) await new Promise<void>((resolve) => tx.send(payload, rx.address().port, '127.0.0.1', () => resolve()));
  await new Promise<void>((resolve) => tx.close(() => resolve()));
  await new Promise<void>((resolve) => rx.close(() => resolve()));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(snmpdPath === undefined)('SnmpPoller against a real snmpd', () => {
  let dir = '';
  let port = 0;
  let snmpd: ChildProcess | undefined;
  const pollers: SnmpPoller[] = [];
  const poller = (credentials: SnmpCredentials, interfaces = ['lo'], timeoutMs = 400) => {
    const p = new SnmpPoller({ host: '127.0.0.1', port, credentials, interfaces, timeoutMs, retries: 0 });
    pollers.push(p);
    return p;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sy-snmpd-'));
    port = await freeUdpPort();
    writeFileSync(
      join(dir, 'snmpd.conf'),
      [
        'rocommunity sy-public 127.0.0.1',
        // A view without the 64-bit counters, like an old agent: for the 32-bit fallback.
        'view nohc included .1',
        'view nohc excluded .1.3.6.1.2.1.31.1.1.1.6',
        'view nohc excluded .1.3.6.1.2.1.31.1.1.1.10',
        'rocommunity sy-nohc 127.0.0.1 -V nohc',
        'createUser sy-user SHA "sy-auth-pass-1" AES "sy-priv-pass-1"',
        'rouser sy-user priv',
        '',
      ].join('\n'),
    );
    snmpd = spawn(snmpdPath as string, ['-f', '-Lo', '-C', '-c', join(dir, 'snmpd.conf'), '-p', join(dir, 'snmpd.pid'), `udp:127.0.0.1:${port}`], {
      env: { ...process.env, SNMP_PERSISTENT_DIR: join(dir, 'persist'), MIBS: '' },
      stdio: 'ignore',
    });
    const probe = new SnmpPoller({ host: '127.0.0.1', port, credentials: { version: '2c', community: 'sy-public' }, interfaces: ['lo'], timeoutMs: 200, retries: 0 });
    try {
      for (let k = 0; ; k++) {
        try {
          await probe.discover();
          break;
        } catch (err) {
          if (k >= 40) throw err;
          await sleep(100);
        }
      }
    } finally {
      probe.close();
    }
  });

  afterAll(async () => {
    for (const p of pollers) p.close();
    if (snmpd !== undefined && snmpd.exitCode === null) {
      const exited = new Promise((resolve) => snmpd?.once('exit', resolve));
      snmpd.kill('SIGTERM');
      await Promise.race([exited, sleep(3000)]);
      if (snmpd.exitCode === null && snmpd.signalCode === null) snmpd.kill('SIGKILL');
    }
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('v2c: finds lo by ifName and turns loopback traffic into bits per second', async () => {
    const p = poller({ version: '2c', community: 'sy-public' });
    const map = await p.discover();
    expect(map.get('lo')).toBeTypeOf('number');
    const first = await p.poll();
    expect(first.interfaces[0]).toMatchObject({ name: 'lo', operStatus: 'up', counterBits: 64, throughput: { kind: 'gap', reason: 'first-sample' } });
    expect(first.uptimeCs).toBeGreaterThan(0);
    // snmpd caches interface counters for a few seconds, so poll each second until they move.
    let moved: SnmpPollResult | undefined;
    const startedMs = performance.now();
    for (let k = 0; k < 8 && moved === undefined; k++) {
      await loopbackTraffic(100, 1000);
      await sleep(1000);
      const r = await p.poll();
      const t = r.interfaces[0].throughput;
      expect(t.kind).toBe('rate');
      if (t.kind === 'rate' && t.rxBps > 0) moved = r;
    }
    expect(moved, 'lo counters never moved within 8 polls').toBeDefined();
    const t = moved?.interfaces[0].throughput;
    if (t?.kind !== 'rate') throw new Error('unreachable');
    expect(t.rxBps).toBeGreaterThan(100 * 1000 * 8 * 0.5);
    expect(t.txBps).toBeGreaterThan(0);
    expect(t.intervalSec).toBeGreaterThan(0.5);
    console.log(`snmpd counters moved after ${Math.round(performance.now() - startedMs)} ms; rxBps ${Math.round(t.rxBps)}`);
    expect(p.status).toEqual({ kind: 'ok', notes: [] });
  });

  it('v3 authPriv (SHA/AES) polls the same interface', async () => {
    const p = poller(v3('sy-auth-pass-1', 'sy-priv-pass-1'));
    await p.poll();
    await sleep(200); // two polls in the same centisecond are a stalled uptime, not a rate
    const r = await p.poll();
    expect(r.interfaces[0]).toMatchObject({ name: 'lo', operStatus: 'up', counterBits: 64, throughput: { kind: 'rate' } });
  });

  it('v2c with a wrong community: a bounded timeout with a clear message', async () => {
    const p = poller({ version: '2c', community: 'not-the-community' }, ['lo'], 300);
    const t0 = performance.now();
    const err = await p.poll().catch((e: unknown) => e);
    const waitedMs = performance.now() - t0;
    expect(err).toBeInstanceOf(SnmpTimeoutError);
    expect((err as SnmpTimeoutError).code).toBe('timeout');
    expect((err as Error).message).toMatch(/no answer from the SNMP agent at 127\.0\.0\.1:\d+ within 0\.3 s: check community, address, port/);
    expect(waitedMs).toBeLessThan(2000);
    expect(p.status).toMatchObject({ kind: 'failed', error: { code: 'timeout' } });
  });

  it('v3 with a wrong authentication key: an auth error', async () => {
    const err = await poller(v3('wrong-auth-key-1', 'sy-priv-pass-1'))
      .poll()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SnmpAuthError);
    expect((err as SnmpAuthError).code).toBe('auth-failed');
    expect((err as Error).message).toMatch(/SNMPv3 login as sy-user .* failed: Wrong Digest/);
  });

  it('v3 with a wrong privacy key: the agent stays silent, and the message says what to check', async () => {
    const err = await poller(v3('sy-auth-pass-1', 'wrong-priv-key-1'), ['lo'], 300)
      .poll()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SnmpTimeoutError);
    expect((err as Error).message).toMatch(/privacy key/);
  });

  it('an agent without 64-bit counters: falls back to 32-bit ifInOctets and says so', async () => {
    const p = poller({ version: '2c', community: 'sy-nohc' });
    const first = await p.poll();
    expect(first.interfaces[0]).toMatchObject({ name: 'lo', counterBits: 32, operStatus: 'up', throughput: { kind: 'gap', reason: 'first-sample' } });
    expect(first.notes.join('\n')).toMatch(/no 64-bit IF-MIB counters .* for lo: using 32-bit ifInOctets/);
    await sleep(300);
    const second = await p.poll();
    expect(second.interfaces[0]).toMatchObject({ counterBits: 32, throughput: { kind: 'rate' } });
    expect(p.status.kind === 'ok' && p.status.notes.some((n) => n.includes('32-bit'))).toBe(true);
  });

  it('an interface the agent does not have: a note and a gap, not a crash', async () => {
    const r = await poller({ version: '2c', community: 'sy-public' }, ['lo', 'wwan0']).poll();
    expect(r.interfaces[1]).toEqual({ name: 'wwan0', ifIndex: null, operStatus: null, counterBits: null, throughput: { kind: 'gap', reason: 'no-data' } });
    expect(r.notes).toContain('the agent reports no interface named wwan0');
    expect(r.interfaces[0].operStatus).toBe('up');
  });
});
