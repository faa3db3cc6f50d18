// The SSH transport against a real dropbear (Debian's dropbear-bin), the SSH server of OpenWrt,
// RutOS and GL.iNet (issue 16 item 9: "Unable to exec" on a real OpenWrt router). What dropbear
// refuses that OpenSSH takes: a new channel whose exec arrives after dropbear's loop woke for
// another channel (it closes it unanswered: "Unable to exec"), more concurrent channels than it
// copes with (an assertion ends the session), and command lines over 9000 bytes (the session ends).
import ssh2 from 'ssh2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryHostKeyTrust } from './host-key.ts';
import { sh, shellCommand } from './shell-quote.ts';
import { connectSsh, dropbearMaxChannels, dropbearMaxRuns, maxCommandBytes, type SshConnection } from './ssh-connection.ts';
import { startTestDropbear, testDropbearUnavailableReason, type TestDropbear } from './test-dropbear.ts';

const unavailable = testDropbearUnavailableReason();
if (unavailable) console.log(`dropbear tests skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('SshConnection against a real dropbear', () => {
  let db: TestDropbear;
  const open: SshConnection[] = [];
  const refusals: string[] = [];
  const notes: string[] = [];
  const connect = async (maxChannels = 8): Promise<SshConnection> => {
    const trust = new MemoryHostKeyTrust();
    trust.pin(db.host, db.port, db.hostKeyType, db.hostKeyFingerprint);
    const c = await connectSsh({
      host: db.host,
      port: db.port,
      username: db.user,
      auth: { kind: 'key', privateKey: db.clientKey },
      hostKeyTrust: trust,
      maxChannels,
      reconnect: false,
      readyTimeoutMs: 30_000,
      log: (level, message) => {
        if (/refused a new channel/.test(message)) refusals.push(message);
        else if (level !== 'debug' || /connection error/.test(message)) notes.push(`${level} ${message}`);
      },
    });
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    db = await startTestDropbear();
  }, 60_000);
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
  });
  afterAll(async () => {
    await db?.stop();
  });

  it('runs 200 short commands asked for 8 at a time: every one runs once, one at a time, and dropbear never ends the session', async () => {
    const c = await connect(8);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => c.run(shellCommand(['echo', String(i)]), { timeoutMs: 120_000 }))).catch(async (e: unknown) => {
      await new Promise((r) => setTimeout(r, 2_000));
      throw new Error(`${(e as Error).message}\ndropbear's log:\n${db.log().slice(-1500)}\nSwitchyard's log:\n${notes.join('\n')}`);
    });
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 200 }, (_, i) => `${i}\n`));
    expect(c.peakChannels).toBeLessThanOrEqual(dropbearMaxRuns);
    expect(db.log()).not.toMatch(/Failed assertion/);
    // How often dropbear refused a channel before its command started (each was opened again).
    console.log(`dropbear refused ${refusals.length} of ${200 + refusals.length} channel opens before the command started`);
  }, 180_000);

  it('opens commands while a probe stream (on a pty) prints every 100 ms', async () => {
    const c = await connect(8);
    const lines: string[] = [];
    const stream = await c.stream(shellCommand(['sh', '-c', 'while :; do echo tick; sleep 0.1; done']), { onLine: (l) => lines.push(l) });
    try {
      const results = await Promise.all(Array.from({ length: 60 }, () => c.run(shellCommand(['true']), { timeoutMs: 120_000 })));
      expect(results.every((r) => r.exitCode === 0)).toBe(true);
      expect(lines.length).toBeGreaterThan(0);
      expect(c.peakChannels).toBeLessThanOrEqual(dropbearMaxChannels);
      expect(db.log()).not.toMatch(/Failed assertion/);
    } finally {
      await stream.stop();
    }
  }, 180_000);

  it('a command line over 9000 bytes ends dropbear’s whole session (ssh2 directly): the reason for Switchyard’s limit', async () => {
    const client = new ssh2.Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', reject);
      client.connect({ host: db.host, port: db.port, username: db.user, privateKey: db.clientKey, readyTimeout: 30_000 });
    });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.exec(`: ${'x'.repeat(9010)}`, () => undefined);
    await closed;
    expect(db.log()).toMatch(/String too long/);
  }, 60_000);

  it('refuses a command line over its limit before sending it, names why, and the session goes on', async () => {
    const c = await connect();
    const long = sh.script`: ${'x'.repeat(maxCommandBytes)}`;
    await expect(c.run(long)).rejects.toThrow(/bytes long, over the 8192 bytes .* dropbear .* drops the whole connection .* Nothing was sent/);
    expect((await c.run(shellCommand(['echo', 'still here']))).stdout).toBe('still here\n');
  }, 60_000);
});
