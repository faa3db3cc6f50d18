// The probe script itself: a constant, valid for dash, bash and BusyBox ash, exit 0, bounded
// output. Runs it for real on this machine (skipping shells that are not installed).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDetection } from './detect-parse.ts';
import { DETECT_PROBE_MAX_OUTPUT_BYTES, DETECT_PROBE_SCRIPT, detectSectionNames } from './detect-probe.ts';
import { detectionResultSchema, detectToolNames } from '../../../shared/detect-schemas.ts';

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd.split(' ')[0]}`]).status === 0 && (cmd !== 'busybox sh' || spawnSync('busybox', ['sh', '-c', 'true']).status === 0);
}
const shells = ['dash', 'bash', 'busybox sh'].map((s) => ({ shell: s, present: has(s) }));

function run(shell: string, env: NodeJS.ProcessEnv = process.env): { stdout: string; stderr: string; status: number | null } {
  const [cmd, ...args] = shell.split(' ');
  const r = spawnSync(cmd!, [...args, '-c', DETECT_PROBE_SCRIPT], { env, encoding: 'utf8', maxBuffer: 4 * DETECT_PROBE_MAX_OUTPUT_BYTES, timeout: 30_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('the probe script', () => {
  it('prints every section, in order, once', () => {
    const names = [...DETECT_PROBE_SCRIPT.matchAll(/^s ([a-z0-9-]+)/gm)].map((m) => m[1]);
    expect(names).toEqual([...detectSectionNames]);
  });

  it('is constant text: no JS interpolation left over, asks `command -v` for every tool', () => {
    expect(DETECT_PROBE_SCRIPT).not.toMatch(/undefined|\[object /);
    expect(DETECT_PROBE_SCRIPT).toContain(`for t in ${detectToolNames.join(' ')}; do`);
  });

  it('bounds every command that can print much, and the caps add up to less than the declared maximum', () => {
    const caps = [...DETECT_PROBE_SCRIPT.matchAll(/\| b (\d+)/g)].map((m) => Number(m[1]));
    // Every section but begin/end and the one-word lines is piped through `b`.
    expect(caps.length).toBe(detectSectionNames.length - 2);
    const markers = detectSectionNames.reduce((n, s) => n + s.length + 9, 0) + 32;
    expect(caps.reduce((a, b) => a + b, 0) + markers).toBeLessThan(DETECT_PROBE_MAX_OUTPUT_BYTES);
  });

  it.each(shells)('is valid syntax for $shell (sh -n)', ({ shell, present }) => {
    if (!present) return;
    const [cmd, ...args] = shell.split(' ');
    expect(() => execFileSync(cmd!, [...args, '-n', '-c', DETECT_PROBE_SCRIPT], { stdio: 'pipe' })).not.toThrow();
  });
});

describe('the probe run on this machine', () => {
  it.each(shells)('$shell: exit 0, nothing on stderr, end marker, parses', ({ shell, present }) => {
    if (!present) return;
    const r = run(shell);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/\n@@SY:end@@\n$/);
    expect(Buffer.byteLength(r.stdout)).toBeLessThan(DETECT_PROBE_MAX_OUTPUT_BYTES);
    const result = parseDetection(r.stdout);
    expect(detectionResultSchema.safeParse(result).success).toBe(true);
    expect(result.facts.kernelName).toBe('Linux');
    expect(result.warnings.filter((w) => w.includes('end marker'))).toEqual([]);
  });

  it('all three shells print the same bytes', () => {
    const outputs = shells.filter((s) => s.present).map((s) => run(s.shell).stdout.replace(/^comm=.*$/m, 'comm='));
    for (const o of outputs) expect(o).toBe(outputs[0]);
  });

  it('with no PATH at all it still finds the tools and never searches the current directory', () => {
    const r = run(shells.find((s) => s.present)?.shell ?? 'sh', {});
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ip=\/\S*\/ip$/m);
    expect(r.stdout).toContain('\n@@SY:end@@\n');
  });

  describe('with hostile tools first on PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-detect-probe-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    // `ip` floods 2 MB and fails; `uname` prints binary and fails; `ubus` hangs would be the
    // transport's timeout, not tested here; `id` prints nothing and fails.
    for (const [name, body] of [
      ['ip', 'head -c 2000000 /dev/zero | tr "\\0" "x"; exit 3'],
      ['uname', 'printf "\\000\\001\\377\\376binary"; exit 1'],
      ['id', 'exit 1'],
    ] as const) {
      writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(dir, name), 0o755);
    }

    it.each(shells)('$shell: still exit 0, sections capped, a result with no crash', ({ shell, present }) => {
      if (!present) return;
      const r = run(shell, { ...process.env, PATH: `${dir}:${process.env['PATH'] ?? '/usr/bin:/bin'}` });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('\n@@SY:end@@\n');
      const ipAddr = r.stdout.slice(r.stdout.indexOf('@@SY:ip-addr@@'), r.stdout.indexOf('@@SY:ip-route@@'));
      expect(ipAddr.length).toBeLessThan(32768 + 40);
      expect(Buffer.byteLength(r.stdout)).toBeLessThan(DETECT_PROBE_MAX_OUTPUT_BYTES);
      const result = parseDetection(r.stdout);
      expect(detectionResultSchema.safeParse(result).success).toBe(true);
      expect(result.facts.isRoot).toBeNull();
      expect(result.uplinks).toEqual([]);
    });
  });
});
