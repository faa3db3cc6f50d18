// ssh2 loaded on first use, not when the app starts: its ~40 modules took ~0.5 s of every
// `npm run serve` and demo start on a busy 2-core machine, before any router is contacted.
// It is CommonJS, so a plain require loads it synchronously where it is first needed.
import { createRequire } from 'node:module';
import type ssh2 from 'ssh2';

type Ssh2 = typeof ssh2;

let loaded: Ssh2 | undefined;

export function ssh2Module(): Ssh2 {
  loaded ??= createRequire(import.meta.url)('ssh2') as Ssh2;
  return loaded;
}
