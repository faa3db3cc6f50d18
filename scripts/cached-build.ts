// Builds the renderer (or the whole Electron app) only when its inputs changed since the last
// build: `npm run serve`, `npm run demo`, the browser tests and the ui benchmark start in a
// second or two instead of spending 20–50 s on a build that would produce the same files.
//
// "Changed" is a SHA-256 over the inputs' contents (and paths), not their mtimes: a checkout,
// rebase or `touch` that leaves the content alone does not rebuild, and an edit that keeps the
// mtime (a restored file) still does. The hash is written next to the output only after a
// build succeeded, so a failed or interrupted build is redone on the next start.
//
//   node scripts/cached-build.ts renderer|electron [--force]
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

export type BuildTarget = 'renderer' | 'electron';

interface TargetSpec {
  /** Directories (recursively) and files whose contents decide the output. */
  readonly inputs: readonly string[];
  /** Present after a complete build. */
  readonly outputs: readonly string[];
  readonly stamp: string;
  readonly command: readonly string[];
  readonly what: string;
}

const sharedInputs = ['src/shared', 'vite.renderer.config.ts', 'postcss.config.js', 'package-lock.json', 'tsconfig.json', 'tsconfig.base.json'];

const targets: Readonly<Record<BuildTarget, TargetSpec>> = {
  // The renderer imports only src/renderer and src/shared (the lint zones enforce it).
  renderer: {
    inputs: ['src/renderer', 'tsconfig.web.json', ...sharedInputs],
    outputs: ['out/renderer/index.html'],
    stamp: 'out/.renderer-inputs.sha256',
    command: ['node_modules/vite/bin/vite.js', 'build', '--config', 'vite.renderer.config.ts'],
    what: 'the renderer',
  },
  electron: {
    inputs: ['src/main', 'src/preload', 'src/renderer', 'electron.vite.config.ts', 'tsconfig.node.json', 'tsconfig.web.json', ...sharedInputs],
    outputs: ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'],
    stamp: 'out/.electron-inputs.sha256',
    command: ['node_modules/electron-vite/bin/electron-vite.js', 'build'],
    what: 'the Electron app (main, preload, renderer)',
  },
};

/** Tests are not built into the app: editing one must not cost a rebuild. */
const isTestFile = (path: string) => /\.test(-util)?\.tsx?$/.test(path);

function listFiles(rootDir: string, path: string): string[] {
  const full = join(rootDir, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(rootDir, join(e.parentPath, e.name)));
}

/** SHA-256 over every input file's path and content, in a fixed order. */
export function inputsHash(target: BuildTarget, rootDir = root): string {
  const files = targets[target].inputs
    .flatMap((input) => listFiles(rootDir, input))
    .filter((f) => !isTestFile(f))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(file);
    hash.update('\0');
    hash.update(readFileSync(join(rootDir, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export interface BuildOutcome {
  readonly built: boolean;
  readonly hash: string;
  readonly ms: number;
}

/** Why `target` must be built in `rootDir`, or null when its output matches its inputs. */
export function buildReason(target: BuildTarget, rootDir = root): { hash: string; reason: string | null } {
  const spec = targets[target];
  const hash = inputsHash(target, rootDir);
  const stampFile = join(rootDir, spec.stamp);
  const previous = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
  if (!spec.outputs.every((o) => existsSync(join(rootDir, o)))) return { hash, reason: 'no complete build in out/' };
  if (!previous) return { hash, reason: 'no record of the last build' };
  if (previous !== hash) return { hash, reason: 'its sources changed since the last build' };
  return { hash, reason: null };
}

/** Records that `target`'s output in `rootDir` was built from inputs with `hash`. */
export function recordBuild(target: BuildTarget, hash: string, rootDir = root): void {
  writeFileSync(join(rootDir, targets[target].stamp), `${hash}\n`);
}

/**
 * Builds `target` unless its output exists and was built from inputs with the same hash.
 * `log` hears what it does (skipping, or building and how long it took).
 */
export async function ensureBuilt(target: BuildTarget, options: { force?: boolean; log?: (line: string) => void } = {}): Promise<BuildOutcome> {
  const spec = targets[target];
  const log = options.log ?? ((line: string) => console.log(line));
  const started = Date.now();
  // One build at a time in out/ (say serve and the demo start together): the second waits and
  // then finds the first one's build current.
  const release = await acquireBuildLock(log);
  try {
    return await buildUnlessCurrent(target, spec, started, options.force ?? false, log);
  } finally {
    release();
  }
}

async function buildUnlessCurrent(target: BuildTarget, spec: TargetSpec, started: number, force: boolean, log: (line: string) => void): Promise<BuildOutcome> {
  const { hash, reason } = buildReason(target);
  if (!force && reason === null) {
    log(`${capitalise(spec.what)}: unchanged since the last build (inputs ${hash.slice(0, 12)}), not rebuilding.`);
    return { built: false, hash, ms: Date.now() - started };
  }
  const why = force ? 'asked to' : reason;
  log(`Building ${spec.what} (${why}); this takes 20–60 s on a busy machine…`);
  await run(spec.command);
  // electron-vite's renderer build is the same config: its renderer is as good as our own.
  if (target === 'electron') recordBuild('renderer', inputsHash('renderer'));
  recordBuild(target, hash);
  const ms = Date.now() - started;
  log(`Built ${spec.what} in ${(ms / 1000).toFixed(1)} s.`);
  return { built: true, hash, ms };
}

const lockFile = join(root, 'out/.build.lock');

async function acquireBuildLock(log: (line: string) => void): Promise<() => void> {
  mkdirSync(join(root, 'out'), { recursive: true });
  let told = false;
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((existsSync(lockFile) ? readFileSync(lockFile, 'utf8') : '').trim());
      // No pid yet: another start is writing it this instant (or died doing so long ago).
      const stale = holder ? !processAlive(holder) : Date.now() - (statSync(lockFile, { throwIfNoEntry: false })?.mtimeMs ?? 0) > 10_000;
      if (stale) {
        // Left by a build that was killed: take it over.
        rmSync(lockFile, { force: true });
        continue;
      }
      if (!told) log(`Waiting for another build in out/ (process ${holder}) to finish…`);
      told = true;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function run(command: readonly string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    // Warnings and errors reach the terminal; the build's progress lines do not.
    const child = spawn(process.execPath, command, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolvePromise() : reject(new Error(`the build (${command.join(' ')}) failed: ${signal ?? `exit ${code}`}`))));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const [target, ...rest] = process.argv.slice(2);
  if (target !== 'renderer' && target !== 'electron') {
    console.error('Usage: node scripts/cached-build.ts renderer|electron [--force]');
    process.exit(2);
  }
  try {
    await ensureBuilt(target, { force: rest.includes('--force') });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
