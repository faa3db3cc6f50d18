// Opens the app's database in its data folder, and turns the two ways that can go wrong before
// any work starts into a plain message: a folder that cannot be created fails at once (Node's
// recursive mkdir spins forever on some of them, e.g. under /proc), and a damaged database file
// is moved aside, kept, and replaced by a fresh one, with a warning that says where it went.
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SwitchyardError } from '../../../shared/errors.ts';
import type { Logger } from '../logger.ts';
import { openDatabase, type Database } from './database.ts';

export const databaseFileName = 'switchyard.db';

export function openStore(dataDir: string, log: Logger, now: () => Date = () => new Date()): Database {
  if (dataDir === ':memory:') return openDatabase(':memory:');
  ensureDataDir(dataDir);
  const path = join(dataDir, databaseFileName);
  try {
    return openDatabase(path);
  } catch (error) {
    if (!isDamagedDatabase(error)) throw error;
    const aside = moveAside(path, now());
    log.warn(
      `The database ${path} could not be read (${(error as Error).message}); it was moved aside to ${aside} and kept, and Switchyard started a fresh, empty one. ` +
        'To get your sites and routers back, restore that file from a backup, or import an inventory export (switchyard inventory import FILE).',
    );
    return openDatabase(path);
  }
}

/** Creates the data folder one level at a time, so an impossible path fails at once and says why. */
export function ensureDataDir(dataDir: string): void {
  const target = resolve(dataDir);
  const missing: string[] = [];
  for (let dir = target; !existsSync(dir); dir = dirname(dir)) {
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  const existing = missing.length === 0 ? target : dirname(missing[0]!);
  if (!statSync(existing).isDirectory()) throw dataDirError(dataDir, `${existing} is a file, not a folder`);
  for (const dir of missing) {
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (error) {
      throw dataDirError(dataDir, (error as Error).message);
    }
  }
}

function dataDirError(dataDir: string, why: string): SwitchyardError {
  return new SwitchyardError(
    'invalid-input',
    `Cannot create the data folder ${dataDir} (${why}). Choose a folder you can write to with --data-dir DIR or SWITCHYARD_DATA_DIR.`,
  );
}

/** SQLite's own verdicts on a file that is not (or no longer) a readable database. */
function isDamagedDatabase(error: unknown): boolean {
  const code = (error as { errcode?: unknown }).errcode;
  // SQLITE_CORRUPT (11) and SQLITE_NOTADB (26), with their extended codes.
  return typeof code === 'number' && ((code & 0xff) === 11 || (code & 0xff) === 26);
}

/** Renames the file and its WAL companions to `….damaged-<time>`; nothing is deleted. */
function moveAside(path: string, at: Date): string {
  const aside = `${path}.damaged-${at.toISOString().replace(/[:.]/g, '-')}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
  }
  return aside;
}
