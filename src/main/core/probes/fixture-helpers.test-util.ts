// Reads recorded probe output from __fixtures__ for the tests beside it (never at runtime).
import { existsSync, readFileSync } from 'node:fs';
import { parseProbeLine } from './ping-line-parser.ts';
import type { ProbeLine } from './ping-line-parser.ts';

export function fixtureText(file: string): string {
  return readFileSync(new URL(`./__fixtures__/${file}`, import.meta.url), 'utf8');
}

/** stdout lines of `<name>.txt`, then stderr lines of `<name>.stderr.txt` when it exists. */
export function fixtureLines(name: string): { stdout: string[]; stderr: string[] } {
  const split = (t: string) => (t === '' ? [] : t.split('\n').slice(0, t.endsWith('\n') ? -1 : undefined));
  const errFile = new URL(`./__fixtures__/${name}.stderr.txt`, import.meta.url);
  return { stdout: split(fixtureText(`${name}.txt`)), stderr: existsSync(errFile) ? split(readFileSync(errFile, 'utf8')) : [] };
}

export function parseFixture(name: string): ProbeLine[] {
  const { stdout, stderr } = fixtureLines(name);
  return [...stdout, ...stderr].map(parseProbeLine);
}
