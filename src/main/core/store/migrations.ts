// Schema migrations, applied in order; entry N brings the schema from version N to N+1.
// Never edit a released entry: add a new one.
export const migrations: readonly string[] = [
  `CREATE TABLE sites (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL UNIQUE COLLATE NOCASE,
     notes TEXT NOT NULL DEFAULT '',
     created_ms INTEGER NOT NULL,
     updated_ms INTEGER NOT NULL
   );`,
];
