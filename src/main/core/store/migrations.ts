// Schema migrations, applied in order; entry N brings the schema from version N to N+1.
// Never edit a released entry: add a new one.
import { drillMigration } from './drill-migration.ts';
import { historyMigration } from './history-migration.ts';

export const migrations: readonly string[] = [
  `CREATE TABLE sites (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL UNIQUE COLLATE NOCASE,
     notes TEXT NOT NULL DEFAULT '',
     created_ms INTEGER NOT NULL,
     updated_ms INTEGER NOT NULL
   );`,
  `CREATE TABLE settings (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL
   );
   CREATE TABLE secrets (
     ref TEXT PRIMARY KEY,
     ciphertext BLOB NOT NULL,
     box TEXT NOT NULL
   );
   CREATE TABLE routers (
     id TEXT PRIMARY KEY,
     site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
     name TEXT NOT NULL,
     host TEXT NOT NULL,
     port INTEGER NOT NULL,
     username TEXT NOT NULL,
     auth_kind TEXT NOT NULL,
     key_path TEXT,
     jump_router_id TEXT REFERENCES routers(id) ON DELETE SET NULL,
     host_key_type TEXT,
     host_key_fingerprint TEXT,
     host_key_pinned_ms INTEGER,
     snmp TEXT,
     platform TEXT,
     facts TEXT,
     detected_ms INTEGER,
     notes TEXT NOT NULL DEFAULT '',
     created_ms INTEGER NOT NULL,
     updated_ms INTEGER NOT NULL,
     UNIQUE (site_id, name)
   );
   CREATE INDEX routers_site ON routers(site_id);`,
  historyMigration,
  drillMigration,
];
