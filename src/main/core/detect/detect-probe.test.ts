// The probe script itself: a constant, valid for dash, bash and BusyBox ash, exit 0, bounded
// output. Runs it for real on this machine (skipping shells that are not installed).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDetection } from './detect-parse.ts';
import { createDetectProbe, DETECT_PROBE_MAX_OUTPUT_BYTES, detectSectionNames, interfaceSectionNames } from './detect-probe.ts';

// The recorded format (no nonce), as the fixtures were made; the nonce has its own tests.
const DETECT_PROBE_SCRIPT = createDetectProbe('').script;
import { detectionResultSchema, detectToolNames } from '../../../shared/detect-schemas.ts';
import { shellCommand } from '../transport/ssh/shell-quote.ts';

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

describe('the interfaces-only probe (a plan\'s check)', () => {
  const only = createDetectProbe('', interfaceSectionNames).script;
  it('prints begin, the interface sections and end, each with the full probe\'s own lines', () => {
    const names = [...only.matchAll(/^s ([a-z0-9-]+)/gm)].map((m) => m[1]);
    expect(names).toEqual(['begin', ...interfaceSectionNames, 'end']);
    const full = DETECT_PROBE_SCRIPT.split('\n');
    let from = 0;
    for (const line of only.split('\n')) {
      const at = full.indexOf(line, from);
      expect(at, `"${line}" is a line of the full probe, in its order`).toBeGreaterThanOrEqual(from);
      from = at + 1;
    }
  });
  it.each(shells)('$shell: finds the same uplinks as the full probe', ({ shell, present }) => {
    if (!present) return;
    const r = spawnSync(shell.split(' ')[0]!, [...shell.split(' ').slice(1), '-c', only], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(parseDetection(r.stdout).uplinks).toEqual(parseDetection(run(shell).stdout).uplinks);
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

  describe('with hostile tools first on PATH (as a login rc file could set it)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-detect-probe-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    // `ip` floods 2 MB and fails; `uname` prints binary and fails; `id` claims root.
    for (const [name, body] of [
      ['ip', 'head -c 2000000 /dev/zero | tr "\\0" "x"; exit 3'],
      ['uname', 'printf "\\000\\001\\377\\376binary"; exit 1'],
      ['id', 'echo 0'],
    ] as const) {
      writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(dir, name), 0o755);
    }

    it.each(shells)("$shell: the system's tools are used, not the PATH's", ({ shell, present }) => {
      if (!present) return;
      const r = run(shell, { ...process.env, PATH: `${dir}:${process.env['PATH'] ?? '/usr/bin:/bin'}` });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('\n@@SY:end@@\n');
      expect(r.stdout).not.toContain('xxxxxxxx');
      expect(Buffer.byteLength(r.stdout)).toBeLessThan(DETECT_PROBE_MAX_OUTPUT_BYTES);
      const result = parseDetection(r.stdout);
      expect(detectionResultSchema.safeParse(result).success).toBe(true);
      expect(result.facts.kernelName).toBe('Linux');
      expect(result.facts.isRoot).toBe(process.getuid!() === 0);
    });
  });
});

describe('a login shell that prints before the probe runs (rc files)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-detect-rc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // What a hostile or merely chatty ~/.bashrc can do: print fake sections, in the recorded format
  // and with a made-up nonce, and put its own `id` first on PATH. Debian's bash sources
  // ~/.bashrc before a `bash -c` command when it looks run by sshd (SSH_CLIENT set, stdin a
  // socket, as node's pipes are): the same path a real login takes.
  const fakeNonce = 'aaaaaaaaaaaaaaaaaaaaaaaa';
  writeFileSync(
    join(dir, '.bashrc'),
    [
      `printf '\\n@@SY:begin@@\\nswitchyard-probe 1\\n@@SY:hostname@@\\nEVILHOST\\n@@SY:id@@\\n0\\n'`,
      `printf '\\n@@SY:begin@@${fakeNonce}\\nswitchyard-probe 1\\n@@SY:hostname@@${fakeNonce}\\nEVILHOST\\n@@SY:id@@${fakeNonce}\\n0\\n'`,
      `PATH=${dir}/bin:$PATH; export PATH`,
      '',
    ].join('\n'),
  );
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'id'), '#!/bin/sh\necho 0\n');
  chmodSync(join(dir, 'bin', 'id'), 0o755);
  chmodSync(join(dir, '.bashrc'), 0o644);
  chmodSync(join(dir, 'bin'), 0o755);
  chmodSync(dir, 0o755);
  const canDropRoot = process.getuid!() === 0 && spawnSync('setpriv', ['--version']).status === 0;

  it.skipIf(!canDropRoot)('cannot fake the hostname or root: markers carry the run’s nonce, text before the probe is ignored', () => {
    const probe = createDetectProbe();
    // As nobody, through bash then `sh -c`, the way DetectionService sends it.
    const r = spawnSync('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', 'bash', '-c', shellCommand(['sh', '-c', probe.script]).text], {
      env: { PATH: '/usr/bin:/bin', HOME: dir, SSH_CLIENT: '198.51.100.1 40000 22' },
      encoding: 'utf8',
      maxBuffer: 4 * DETECT_PROBE_MAX_OUTPUT_BYTES,
      timeout: 30_000,
    });
    expect(r.stdout).toContain('EVILHOST');
    const result = parseDetection(r.stdout, undefined, { nonce: probe.nonce });
    expect(result.facts.hostname).toBe(readFileSync('/proc/sys/kernel/hostname', 'utf8').trim());
    expect(result.facts.isRoot).toBe(false);
    // The recorded format read without the nonce is still not fooled by what came before begin.
    const recorded = createDetectProbe('');
    const old = spawnSync('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', 'bash', '-c', shellCommand(['sh', '-c', recorded.script]).text], {
      env: { PATH: '/usr/bin:/bin', HOME: dir, SSH_CLIENT: '198.51.100.1 40000 22' },
      encoding: 'utf8',
      maxBuffer: 4 * DETECT_PROBE_MAX_OUTPUT_BYTES,
      timeout: 30_000,
    });
    expect(parseDetection(old.stdout).facts.hostname).not.toBe('EVILHOST');
  });

  it('refuses a nonce that is not hex', () => {
    expect(() => createDetectProbe("'; reboot; '")).toThrow(/hex/);
  });
});
