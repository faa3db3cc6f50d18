// Property test: any string quoted by quoteArg reaches a real POSIX shell byte-identical
// (dash as /bin/sh, and BusyBox ash as on OpenWrt), plus the builder's composition rules.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShellCommand, quoteArg, sh, shellCommand, ShellQuoteError, type ShellCommand } from './shell-quote.ts';

const shells: readonly (readonly [string, readonly string[]])[] = [
  ['/bin/sh', ['/bin/sh']],
  ['busybox ash', ['/usr/bin/busybox', 'sh']],
];

function runShell(shell: readonly string[], cmd: ShellCommand): Buffer {
  const [bin, ...pre] = shell;
  const r = spawnSync(bin!, [...pre, '-c', cmd.text], { maxBuffer: 64 * 1024 * 1024, env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' } });
  if (r.status !== 0) throw new Error(`shell exited ${r.status}: ${r.stderr.toString()}`);
  return r.stdout;
}

const nasties: readonly string[] = [
  '', ' ', '  two  spaces ', "'", "''", "'\\''", '"', '\\', '\\\\', '$(id)', '`id`', '$HOME', '${IFS}', '$1', '$@', '$*', '$$',
  '\n', 'a\nb', '\r\n', '\t', '*', '?', '[a-z]', '~', '~root', '-n', '-e', '--', '-', '!', '!!', '#', '# comment', ';', '&', '&&',
  '|', '<', '>', '>/tmp/x', '(', ')', '{', '}', '{a,b}', '=', 'a=b', '%s', '%%', '\\x41', '\\n', '\u007f', '\u0001', '\u001b[31m',
  'é', 'e\u0301', '日本語', '🔥', '👩‍👩‍👧', '\u202e', '\u00a0', '\ufeff', '\u2028', 'it\'s "quoted" $(and) `more`',
];

// Any code point except NUL (refused by design) and lone surrogates (fast-check never makes those here).
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom(...`'"\\$\`!*?[]{}()<>|&;#~= \t\n\r%-`.split('')), maxLength: 30 }),
  fc.constantFrom(...nasties),
).filter((s) => !s.includes('\0'));

describe('quoteArg', () => {
  it('leaves plain words alone and quotes everything else', () => {
    expect(quoteArg('eth0')).toBe('eth0');
    expect(quoteArg('192.0.2.1')).toBe('192.0.2.1');
    expect(quoteArg('-I')).toBe('-I');
    expect(quoteArg('')).toBe("''");
    expect(quoteArg('a b')).toBe("'a b'");
    expect(quoteArg("it's")).toBe("'it'\\''s'");
    expect(quoteArg('~')).toBe("'~'");
    expect(quoteArg('a=b')).toBe("'a=b'");
  });

  it('refuses NUL bytes and unpaired surrogates', () => {
    expect(() => quoteArg('a\0b')).toThrow(ShellQuoteError);
    expect(() => quoteArg('\ud800')).toThrow(/surrogate/);
    expect(() => quoteArg(5 as unknown as string)).toThrow(ShellQuoteError);
  });

  for (const [name, shell] of shells) {
    const available = existsSync(shell[0]!);
    it.skipIf(!available)(`every arbitrary string arrives byte-identical through ${name} -c`, () => {
      let total = 0;
      fc.assert(
        fc.property(fc.array(anyString, { minLength: 20, maxLength: 60 }), (args) => {
          total += args.length;
          // printf repeats its format per argument: one NUL-terminated record per string.
          const out = runShell(shell, shellCommand(['printf', '%s\\0', ...args]));
          const expected = Buffer.concat(args.map((a) => Buffer.concat([Buffer.from(a, 'utf8'), Buffer.from([0])])));
          expect(out.equals(expected)).toBe(true);
        }),
        { numRuns: 100 },
      );
      expect(total).toBeGreaterThan(2000);
    });

    it.skipIf(!available)(`hand-picked nasties arrive intact one by one through ${name}`, () => {
      for (const s of nasties) {
        expect(runShell(shell, shellCommand(['printf', '%s', s])).toString('utf8')).toBe(s);
      }
    });

    it.skipIf(!available)(`composition keeps its meaning in ${name}`, () => {
      const echo = (s: string): ShellCommand => shellCommand(['printf', '%s\\n', s]);
      const fail = shellCommand(['false']);
      expect(runShell(shell, sh.and(echo('a;b'), echo('$(c)'))).toString()).toBe('a;b\n$(c)\n');
      expect(runShell(shell, sh.seq(sh.and(fail, echo('no')), echo('yes'))).toString()).toBe('yes\n');
      expect(runShell(shell, sh.or(fail, echo('|x|'))).toString()).toBe('|x|\n');
      expect(runShell(shell, sh.pipe(echo("a'b\nc"), shellCommand(['tr', 'a-z', 'A-Z']))).toString()).toBe("A'B\nC\n");
      expect(runShell(shell, sh.seq(sh.redirect(shellCommand(['ls', '/nonexistent path']), { stderr: 'stdout' }), shellCommand(['true']))).toString()).toMatch(/nonexistent path/);
      expect(runShell(shell, sh.seq(sh.env({ X: "$(id) 'q'" }, shellCommand(['printenv', 'X'])), shellCommand(['printf', '[%s]', '${X-unset}']))).toString())
        .toBe("$(id) 'q'\n[${X-unset}]");
      const dev = 'eth0; reboot';
      const script = sh.script`grep -F -- ${dev} /dev/null || printf %s ${['a b', 'c']}`;
      expect(script.text).toBe("grep -F -- 'eth0; reboot' /dev/null || printf %s 'a b' c");
      expect(runShell(shell, script).toString()).toBe('a bc');
    });
  }

  it('refuses raw strings where a built command is expected', () => {
    expect(() => sh.and('rm -rf /' as unknown as ShellCommand)).toThrow(ShellQuoteError);
    expect(() => sh.env({ 'A B': 'x' }, shellCommand(['true']))).toThrow(ShellQuoteError);
    expect(isShellCommand({ text: 'x', program: 'x' })).toBe(false);
    expect(isShellCommand(shellCommand(['x']))).toBe(true);
    expect(() => shellCommand([])).toThrow(ShellQuoteError);
  });
});
