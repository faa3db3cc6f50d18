// The `switchyard` command as a user runs it (bin/switchyard, a real process, a real data folder):
// whatever goes wrong before or around a command ends in one clear line and an exit code, in
// bounded time — never a stack trace, a hang or a spinning CPU.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const bin = resolve(import.meta.dirname, '../../../bin/switchyard');
// Generous: the machine is shared; the old code never ended at all in these cases.
const deadlineMs = 60_000;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sy-cli-proc-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function switchyard(args: readonly string[], env: Record<string, string> = {}) {
  const run = spawnSync(bin, args, {
    encoding: 'utf8',
    timeout: deadlineMs,
    env: { ...process.env, SWITCHYARD_NO_KEYRING: '1', SWITCHYARD_DATA_DIR: join(dir, 'data'), SWITCHYARD_PASSPHRASE: '', SWITCHYARD_DEBUG: '', ...env },
  });
  return { code: run.status, signal: run.signal, out: run.stdout, err: run.stderr };
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

// Several process starts per test on a shared 2-core machine: allow minutes, not seconds.
describe('switchyard (the process)', { timeout: 240_000 }, () => {
  it('takes --data-dir and --json before the command', () => {
    const other = join(dir, 'other');
    expect(switchyard(['--data-dir', other, 'sites', 'add', 'Bakery'])).toMatchObject({ code: 0 });
    const listed = switchyard(['--json', '--data-dir', other, 'sites', 'list']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out)).toMatchObject({ sites: [{ name: 'Bakery' }] });
    expect(existsSync(join(other, 'switchyard.db'))).toBe(true);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('refuses an endless or huge file instead of reading it forever (inventory import, failover apply --file)', () => {
    const inventory = switchyard(['inventory', 'import', '/dev/zero']);
    expect(inventory.signal).toBeNull();
    expect(inventory.code).toBe(1);
    expect(inventory.err).toMatch(/^Error: Cannot read \/dev\/zero: it is larger than 16 MiB, far more than any inventory export/);
    const policy = switchyard(['failover', 'apply', 'some-router', '--file', '/dev/zero']);
    expect(policy.signal).toBeNull();
    expect(policy.code).toBe(2);
    expect(policy.err).toMatch(/^\/dev\/zero could not be read as JSON: it is larger than 1 MiB, far more than any policy file/);
  });

  it('says a too short SWITCHYARD_PASSPHRASE in one line, without a stack trace', () => {
    const run = switchyard(['sites', 'list'], { SWITCHYARD_PASSPHRASE: 'short' });
    expect(run.code).toBe(1);
    expect(run.err.trim()).toBe('Error: The passphrase that protects saved router passwords must have at least 8 characters.');
  });

  it('fails at once with a clear message when the data folder cannot be created', () => {
    const started = Date.now();
    const run = switchyard(['sites', 'list'], { SWITCHYARD_DATA_DIR: '/proc/nonexistent/switchyard' });
    expect(run.signal).toBeNull();
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^Error: Cannot create the data folder \/proc\/nonexistent\/switchyard \(.*\)\. Choose a folder you can write to with --data-dir DIR or SWITCHYARD_DATA_DIR\./);
    expect(Date.now() - started).toBeLessThan(deadlineMs);
  });

  it('moves a damaged database aside, keeps it, starts a fresh one and says so', () => {
    expect(switchyard(['sites', 'add', 'Bakery']).code).toBe(0);
    const garbage = Buffer.from('this is not an SQLite database, it was overwritten by something else\n'.repeat(100));
    writeFileSync(join(dir, 'data', 'switchyard.db'), garbage);
    rmSync(join(dir, 'data', 'switchyard.db-wal'), { force: true });
    const run = switchyard(['sites', 'list']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/No sites yet/);
    noStackTrace(run.err);
    const kept = readdirSync(join(dir, 'data')).find((f) => /^switchyard\.db\.damaged-[\dT-]+Z$/.test(f));
    expect(kept).toBeDefined();
    expect(readFileSync(join(dir, 'data', kept!))).toEqual(garbage);
    expect(run.err).toContain(`moved aside to ${join(dir, 'data', kept!)} and kept`);
    // The fresh one works for the next command.
    expect(switchyard(['sites', 'add', 'Bakery']).code).toBe(0);
  });
});
