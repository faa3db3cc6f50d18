// The commit script run by a real POSIX shell on this machine. The "agent" here is a stand-in
// script of a few lines (it only records what it was asked), because what is under test is the
// script's own checks around the upload, not the agent; the real agent runs it in the lab tests.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commitScript } from './commit-script.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the Linux commit script', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function run(stdin: string, newConfigSha256: string) {
    const dir = mkdtempSync(join(tmpdir(), 'sy-commit-'));
    dirs.push(dir);
    const agent = join(dir, 'agent');
    const applied = join(dir, 'applied');
    // Answers status as running, and on apply copies the config it was given.
    writeFileSync(agent, `#!/bin/sh\ncase "$1" in status) echo '{"running":true}' ;; apply) cat "$2" > ${applied} ;; esac\n`);
    chmodSync(agent, 0o755);
    const result = spawnSync('sh', ['-c', commitScript, 'sh', agent, sha256(readFileSync(agent, 'utf8')), '30', '-', join(dir, 'config'), 'n1', newConfigSha256], { input: stdin, encoding: 'utf8' });
    return { stdout: result.stdout, applied: existsSync(applied) ? readFileSync(applied, 'utf8') : null };
  }

  const config = 'wan eth1 priority=1\nwan wlan0 priority=2\n';

  it('applies a config that arrived whole', () => {
    const r = run(config, sha256(config));
    expect(r.stdout).toContain('@@SY:n1:status@@');
    expect(r.applied).toBe(config);
  });

  it('refuses a config cut short on the way (stdin ended early) and applies nothing', () => {
    const r = run(config.slice(0, 12), sha256(config));
    expect(r.stdout.trim()).toBe('@@SY:n1:incomplete@@');
    expect(r.applied).toBeNull();
  });
});
