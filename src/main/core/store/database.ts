// Opens the app's SQLite database (node:sqlite, built into Node 24 and Electron 45's main
// process) and brings its schema up to date. Every write path uses transactions so the app's
// data is never half-written.
import { DatabaseSync } from 'node:sqlite';
import { migrations } from './migrations.ts';

export type Database = DatabaseSync;

export function openDatabase(path: string): Database {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA foreign_keys = ON');
  if (path !== ':memory:') {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
  }
  migrate(db);
  return db;
}

/** Runs `work` inside one transaction; any throw rolls everything back. */
export function inTransaction<T>(db: Database, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

function migrate(db: Database): void {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number };
  const current = row.user_version;
  if (current > migrations.length) {
    throw new Error(
      `This database was written by a newer Switchyard (schema ${current}; this version knows ${migrations.length}). Update Switchyard to open it.`,
    );
  }
  for (let version = current; version < migrations.length; version++) {
    inTransaction(db, () => {
      db.exec(migrations[version]!);
      // A local SQLite pragma, not a shell command: it cannot take a bound parameter, and the
      // value is an integer this loop computes.
      db.exec(`PRAGMA user_version = ${version + 1}`);
    });
  }
}
