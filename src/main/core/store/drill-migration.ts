// The schema of failover drill reports (src/main/core/drill/drill-store.ts): one row per drill,
// the report as JSON, gone with its router.
export const drillMigration = `
  CREATE TABLE drill_reports (
    id TEXT PRIMARY KEY,
    router_id TEXT NOT NULL REFERENCES routers(id) ON DELETE CASCADE,
    created_ms INTEGER NOT NULL,
    report TEXT NOT NULL
  );
  CREATE INDEX drill_reports_router ON drill_reports(router_id, created_ms);
`;
