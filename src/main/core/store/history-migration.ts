// The schema of monitoring history, to append as ONE new entry to `migrations` in
// migrations.ts: raw 1 s samples (48 h), 1 min roll-ups (90 days), link events (a year).
// Keyed by (router, uplink, time) without rowid, so a window of one series is one range scan.
export const historyMigration = `
  CREATE TABLE history_samples (
    router_id TEXT NOT NULL,
    wan TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    latency_ms REAL,
    latency_min_ms REAL,
    latency_max_ms REAL,
    latency_p95_ms REAL,
    jitter_ms REAL,
    jitter_masd_ms REAL,
    loss_pct REAL,
    rx_bps REAL,
    tx_bps REAL,
    sent INTEGER NOT NULL,
    received INTEGER NOT NULL,
    PRIMARY KEY (router_id, wan, at_ms)
  ) WITHOUT ROWID;
  CREATE TABLE history_minutes (
    router_id TEXT NOT NULL,
    wan TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    latency_ms REAL,
    latency_min_ms REAL,
    latency_max_ms REAL,
    latency_p95_ms REAL,
    jitter_ms REAL,
    jitter_masd_ms REAL,
    loss_pct REAL,
    rx_bps REAL,
    rx_min_bps REAL,
    rx_max_bps REAL,
    tx_bps REAL,
    tx_min_bps REAL,
    tx_max_bps REAL,
    sent INTEGER NOT NULL,
    received INTEGER NOT NULL,
    PRIMARY KEY (router_id, wan, at_ms)
  ) WITHOUT ROWID;
  CREATE TABLE history_series (
    router_id TEXT NOT NULL,
    wan TEXT NOT NULL,
    PRIMARY KEY (router_id, wan)
  ) WITHOUT ROWID;
  CREATE TABLE history_events (
    id TEXT PRIMARY KEY,
    router_id TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    kind TEXT NOT NULL,
    wan TEXT,
    from_value TEXT,
    to_value TEXT,
    message TEXT NOT NULL
  );
  CREATE INDEX history_events_router_at ON history_events(router_id, at_ms);
  CREATE INDEX history_events_at ON history_events(at_ms);
`;
