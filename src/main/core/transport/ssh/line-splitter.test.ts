// Line splitting must not depend on where the network cut the chunks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, stripAnsi } from './line-splitter.ts';

function split(chunks: readonly Buffer[]): string[] {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  for (const c of chunks) s.push(c);
  s.end();
  return lines;
}

describe('LineSplitter', () => {
  it('strips \\r, colour codes and keeps unicode intact', () => {
    const input = Buffer.from('\x1b[1;32m64 bytes\x1b[0m from 192.0.2.1: seq=1 time=1.2 ms\r\n日本 🔥\r\nprogress 10%\rprogress 100%\r\nlast');
    expect(split([input])).toEqual(['64 bytes from 192.0.2.1: seq=1 time=1.2 ms', '日本 🔥', 'progress 100%', 'last']);
    expect(stripAnsi('\x1b]0;title\x07ok')).toBe('ok');
  });

  it('gives the same lines however the bytes are chunked', () => {
    const text = 'a\r\nbé\n\n日本語 line\r\n\x1b[31mred\x1b[0m\nend';
    const bytes = Buffer.from(text);
    const expected = split([bytes]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }), (cuts) => {
        const sorted = [0, ...cuts.sort((x, y) => x - y), bytes.length];
        const chunks = sorted.slice(1).map((end, i) => bytes.subarray(sorted[i]!, end));
        expect(split(chunks)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('cuts a line that never ends', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), 10);
    s.push('x'.repeat(25));
    expect(lines).toEqual(['x'.repeat(10), 'x'.repeat(10)]);
    s.end();
    expect(lines[2]).toBe('xxxxx');
  });
});
