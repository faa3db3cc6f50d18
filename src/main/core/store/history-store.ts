// Monitoring history in SQLite: raw 1 s samples, 1 min roll-ups and link events; windowed
// queries downsampled in SQL to at most maxPoints per series (keeping minima and maxima),
// retention pruning, and CSV export. Gaps stay gaps: null columns, and no rows where nothing ran.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { LinkEvent } from '../../../shared/model.ts';
import { maxHistoryPoints, type HistoryPoint, type HistoryQueryResult, type MonitorSample } from '../../../shared/api/monitor-schemas.ts';
import { historyMigration } from './history-migration.ts';

/** A 1-minute roll-up: the minute's statistics over all its probes, plus throughput spread. */
export interface MinuteRollup extends MonitorSample {
  readonly rxMinBps: number | null;
  readonly rxMaxBps: number | null;
  readonly txMinBps: number | null;
  readonly txMaxBps: number | null;
}

export interface HistoryRetention {
  readonly samplesMs: number;
  readonly minutesMs: number;
  readonly eventsMs: number;
}

export const defaultRetention: HistoryRetention = {
  samplesMs: 48 * 3600_000,
  minutesMs: 90 * 86_400_000,
  eventsMs: 365 * 86_400_000,
};

export interface HistoryQuery {
  readonly routerId: string;
  readonly wans?: readonly string[];
  readonly fromMs: number;
  readonly toMs: number;
  readonly maxPoints?: number;
  /** Also answer the raw seconds of the points from the one holding this time on (`rawTail`). */
  readonly rawTailFromMs?: number;
}

export interface PruneResult {
  readonly samples: number;
  readonly minutes: number;
  readonly events: number;
}

const sampleColumns = [
  'router_id', 'wan', 'at_ms', 'latency_ms', 'latency_min_ms', 'latency_max_ms', 'latency_p95_ms',
  'jitter_ms', 'jitter_masd_ms', 'loss_pct', 'rx_bps', 'tx_bps', 'sent', 'received',
] as const;
const minuteColumns = [...sampleColumns, 'rx_min_bps', 'rx_max_bps', 'tx_min_bps', 'tx_max_bps'] as const;

/**
 * Creates the history tables in a database that does not have them (bench, tools, tests before
 * the migration is wired). Once migrations.ts carries historyMigration this does nothing.
 */
export function ensureHistorySchema(db: DatabaseSync): void {
  const row = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'history_samples'").get() as { n: number };
  if (row.n === 0) db.exec(historyMigration);
}

/** Point width from which the minute roll-ups answer instead of the raw seconds. */
const minuteSourceStepMs = 10_000;

type Row = Record<string, number | string | null>;

export class HistoryStore {
  readonly #db: DatabaseSync;
  readonly #retention: HistoryRetention;
  readonly #insertSample: StatementSync;
  readonly #insertMinute: StatementSync;
  readonly #insertSeries: StatementSync;
  readonly #insertEvent: StatementSync;
  readonly #insertEventOnce: StatementSync;
  readonly #knownSeries = new Set<string>();

  constructor(db: DatabaseSync, retention: Partial<HistoryRetention> = {}) {
    this.#db = db;
    this.#retention = { ...defaultRetention, ...retention };
    const insert = (table: string, cols: readonly string[]) =>
      db.prepare(`INSERT OR REPLACE INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
    this.#insertSample = insert('history_samples', sampleColumns);
    this.#insertMinute = insert('history_minutes', minuteColumns);
    this.#insertSeries = db.prepare('INSERT OR IGNORE INTO history_series (router_id, wan) VALUES (?, ?)');
    this.#insertEvent = db.prepare(
      'INSERT OR REPLACE INTO history_events (id, router_id, at_ms, kind, wan, from_value, to_value, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#insertEventOnce = db.prepare(
      'INSERT OR IGNORE INTO history_events (id, router_id, at_ms, kind, wan, from_value, to_value, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  get retention(): HistoryRetention {
    return this.#retention;
  }

  /** Writes a second's samples of every uplink in one transaction (one fsync per second at most). */
  addSamples(samples: readonly MonitorSample[], minutes: readonly MinuteRollup[] = []): void {
    if (samples.length === 0 && minutes.length === 0) return;
    this.#transaction(() => {
      for (const s of samples) {
        this.#series(s.routerId, s.wan);
        this.#insertSample.run(...sampleValues(s));
      }
      for (const m of minutes) {
        this.#series(m.routerId, m.wan);
        this.#insertMinute.run(...sampleValues(m), m.rxMinBps, m.rxMaxBps, m.txMinBps, m.txMaxBps);
      }
    });
  }

  addEvents(events: readonly LinkEvent[]): void {
    if (events.length === 0) return;
    this.#transaction(() => {
      for (const e of events) {
        this.#insertEvent.run(e.id, e.routerId, Math.round(e.atMs), e.kind, e.wan ?? null, e.from ?? null, e.to ?? null, e.message);
      }
    });
  }

  /**
   * Stores events that are not stored yet (same id: already there, left as it was) and returns
   * the new ones. The backfill of a router's own log reads overlapping windows: no duplicates.
   */
  addNewEvents(events: readonly LinkEvent[]): LinkEvent[] {
    const added: LinkEvent[] = [];
    if (events.length === 0) return added;
    this.#transaction(() => {
      for (const e of events) {
        const r = this.#insertEventOnce.run(e.id, e.routerId, Math.round(e.atMs), e.kind, e.wan ?? null, e.from ?? null, e.to ?? null, e.message);
        if (Number(r.changes) > 0) added.push(e);
      }
    });
    return added;
  }

  deleteEvents(ids: readonly string[]): void {
    if (ids.length === 0) return;
    const del = this.#db.prepare('DELETE FROM history_events WHERE id = ?');
    this.#transaction(() => {
      for (const id of ids) del.run(id);
    });
  }

  /** The time of a router's latest event whose id starts with `idPrefix`, or null. */
  lastEventAtMs(routerId: string, idPrefix: string): number | null {
    const row = this.#db.prepare("SELECT MAX(at_ms) AS at FROM history_events WHERE router_id = ? AND substr(id, 1, length(?)) = ?").get(routerId, idPrefix, idPrefix) as { at: number | null } | undefined;
    return row?.at ?? null;
  }

  /** Uplinks with any history for this router. */
  wans(routerId: string): string[] {
    const rows = this.#db.prepare('SELECT wan FROM history_series WHERE router_id = ? ORDER BY wan').all(routerId) as { wan: string }[];
    return rows.map((r) => r.wan);
  }

  /**
   * Points for a window, at most maxPoints per series. Windows whose points would span 10 s or
   * more (over 5.5 h) read the minute roll-ups, plus raw seconds for the minutes not rolled up
   * yet; shorter ones read the seconds. Aggregating raw seconds in SQL costs ~1 ms per 1,000 rows
   * (a day of 4 uplinks: ~370 ms measured), the roll-ups ~10 ms: that decides the 10 s line. Each point carries the mean
   * and the extremes of its bucket, so a spike or a dip never disappears when zoomed out.
   */
  query(q: HistoryQuery, nowMs = Date.now()): HistoryQueryResult {
    const maxPoints = Math.max(2, Math.min(q.maxPoints ?? maxHistoryPoints, maxHistoryPoints));
    const windowMs = q.toMs - q.fromMs;
    if (!(windowMs > 0)) throw new RangeError('toMs must be after fromMs');
    const idealStepMs = Math.ceil(windowMs / (maxPoints - 1));
    const rawAvailable = q.fromMs >= nowMs - this.#retention.samplesMs;
    const useMinutes = idealStepMs >= minuteSourceStepMs || !rawAvailable;
    const unitMs = useMinutes ? 60_000 : 1000;
    const stepMs = Math.max(unitMs, Math.ceil(idealStepMs / unitMs) * unitMs);
    const wans = q.wans ?? this.wans(q.routerId);
    const series = wans.map((wan) => {
      let points: HistoryPoint[];
      if (!useMinutes) {
        points = this.#aggregate('history_samples', q.routerId, wan, q.fromMs, q.toMs, stepMs);
      } else {
        points = this.#aggregate('history_minutes', q.routerId, wan, q.fromMs, q.toMs, stepMs);
        // The minutes not rolled up yet (the current one, or a monitor that stopped mid-minute)
        // still have their seconds: fill the tail from them so "now" is never missing.
        const lastMinute = this.#db
          .prepare('SELECT max(at_ms) AS m FROM history_minutes WHERE router_id = ? AND wan = ? AND at_ms >= ? AND at_ms < ?')
          .get(q.routerId, wan, q.fromMs, q.toMs) as { m: number | null };
        const tailFrom = Math.max(q.fromMs, lastMinute.m === null ? q.fromMs : lastMinute.m + 60_000, nowMs - this.#retention.samplesMs);
        if (tailFrom < q.toMs) {
          const tail = this.#aggregate('history_samples', q.routerId, wan, tailFrom, q.toMs, stepMs);
          points = mergeBuckets(points, tail);
        }
      }
      return { wan, points };
    });
    const result = { routerId: q.routerId, fromMs: q.fromMs, toMs: q.toMs, resolution: useMinutes ? 'minute' : 'second', stepMs, series } as const;
    if (q.rawTailFromMs === undefined) return result;
    // Read in the same synchronous call as the points: no second is stored in between, so each
    // stored second is in the tail or before it, and a live view counts every second once.
    const tailFromMs = Math.floor(q.rawTailFromMs / stepMs) * stepMs;
    const readFromMs = Math.max(tailFromMs, q.fromMs);
    const tail = wans.map((wan) => ({ wan, points: this.#aggregate('history_samples', q.routerId, wan, readFromMs, q.toMs, 1000) }));
    return { ...result, rawTail: { fromMs: tailFromMs, series: tail } };
  }

  #aggregate(table: 'history_samples' | 'history_minutes', routerId: string, wan: string, fromMs: number, toMs: number, stepMs: number): HistoryPoint[] {
    const minutes = table === 'history_minutes';
    const rxMin = minutes ? 'min(rx_min_bps)' : 'min(rx_bps)';
    const rxMax = minutes ? 'max(rx_max_bps)' : 'max(rx_bps)';
    const txMin = minutes ? 'min(tx_min_bps)' : 'min(tx_bps)';
    const txMax = minutes ? 'max(tx_max_bps)' : 'max(tx_bps)';
    // Loss over a bucket is weighted by probes (a second with 2 probes counts twice); the p95 of
    // a bucket is not knowable from p95s, so the worst one is shown rather than an average.
    const sql = `SELECT (at_ms / ${stepMs}) * ${stepMs} AS b,
        avg(latency_ms) AS lat, min(latency_min_ms) AS latMin, max(latency_max_ms) AS latMax,
        max(latency_p95_ms) AS p95, avg(jitter_ms) AS jit,
        CASE WHEN sum(sent) > 0 THEN 100.0 * (sum(sent) - sum(received)) / sum(sent) END AS loss,
        max(loss_pct) AS lossMax,
        avg(rx_bps) AS rx, ${rxMin} AS rxMin, ${rxMax} AS rxMax,
        avg(tx_bps) AS tx, ${txMin} AS txMin, ${txMax} AS txMax,
        sum(sent) AS sent, sum(received) AS recv
      FROM ${table} WHERE router_id = ? AND wan = ? AND at_ms >= ? AND at_ms < ?
      GROUP BY b ORDER BY b`;
    const stmt = this.#db.prepare(sql);
    stmt.setReturnArrays(true);
    const rows = stmt.all(routerId, wan, Math.floor(fromMs), Math.ceil(toMs)) as unknown as (number | null)[][];
    return rows.map((r) => ({
      atMs: r[0] as number,
      latencyMs: r[1] ?? null,
      latencyMinMs: r[2] ?? null,
      latencyMaxMs: r[3] ?? null,
      latencyP95Ms: r[4] ?? null,
      jitterMs: r[5] ?? null,
      lossPct: r[6] ?? null,
      lossMaxPct: r[7] ?? null,
      rxBps: r[8] ?? null,
      rxMinBps: r[9] ?? null,
      rxMaxBps: r[10] ?? null,
      txBps: r[11] ?? null,
      txMinBps: r[12] ?? null,
      txMaxBps: r[13] ?? null,
      sent: (r[14] as number | null) ?? 0,
      received: (r[15] as number | null) ?? 0,
    }));
  }

  events(routerId: string, fromMs: number, toMs: number, limit = 1000): LinkEvent[] {
    const rows = this.#db
      .prepare('SELECT * FROM history_events WHERE router_id = ? AND at_ms >= ? AND at_ms < ? ORDER BY at_ms, id LIMIT ?')
      .all(routerId, Math.floor(fromMs), Math.ceil(toMs), limit) as Row[];
    return rows.map(eventOf);
  }

  /** Deletes what is past its retention; series by series, so every delete is a range scan. */
  prune(nowMs = Date.now()): PruneResult {
    const series = this.#db.prepare('SELECT router_id, wan FROM history_series').all() as { router_id: string; wan: string }[];
    const delSamples = this.#db.prepare('DELETE FROM history_samples WHERE router_id = ? AND wan = ? AND at_ms < ?');
    const delMinutes = this.#db.prepare('DELETE FROM history_minutes WHERE router_id = ? AND wan = ? AND at_ms < ?');
    let samples = 0;
    let minutes = 0;
    let events = 0;
    this.#transaction(() => {
      for (const s of series) {
        samples += Number(delSamples.run(s.router_id, s.wan, nowMs - this.#retention.samplesMs).changes);
        minutes += Number(delMinutes.run(s.router_id, s.wan, nowMs - this.#retention.minutesMs).changes);
      }
      events = Number(this.#db.prepare('DELETE FROM history_events WHERE at_ms < ?').run(nowMs - this.#retention.eventsMs).changes);
    });
    return { samples, minutes, events };
  }

  /** Forgets a router's history (after it is removed from the inventory). */
  deleteRouter(routerId: string): void {
    this.#transaction(() => {
      for (const table of ['history_samples', 'history_minutes', 'history_series', 'history_events']) {
        this.#db.prepare(`DELETE FROM ${table} WHERE router_id = ?`).run(routerId);
      }
    });
    for (const key of [...this.#knownSeries]) if (key.startsWith(`${routerId}\u0000`)) this.#knownSeries.delete(key);
  }

  /**
   * CSV of samples, roll-ups or events in a window, oldest first, written in chunks. Returns the
   * rows written and whether maxRows cut it short. Empty cells are gaps.
   */
  exportCsv(
    what: 'samples' | 'minutes' | 'events',
    q: { readonly routerId: string; readonly fromMs: number; readonly toMs: number; readonly maxRows?: number },
    write: (chunk: string) => void,
  ): { rows: number; truncated: boolean } {
    const maxRows = q.maxRows ?? Number.MAX_SAFE_INTEGER;
    const cols: readonly string[] =
      what === 'events'
        ? ['at_ms', 'id', 'router_id', 'kind', 'wan', 'from_value', 'to_value', 'message']
        : what === 'minutes'
          ? minuteColumns
          : sampleColumns;
    const table = what === 'events' ? 'history_events' : what === 'minutes' ? 'history_minutes' : 'history_samples';
    const order = what === 'events' ? 'at_ms, id' : 'at_ms, wan';
    const stmt = this.#db.prepare(`SELECT ${cols.join(', ')} FROM ${table} WHERE router_id = ? AND at_ms >= ? AND at_ms < ? ORDER BY ${order} LIMIT ?`);
    stmt.setReturnArrays(true);
    write(`${['at_iso', ...cols].join(',')}\n`);
    let rows = 0;
    let buffer = '';
    for (const r of stmt.iterate(q.routerId, Math.floor(q.fromMs), Math.ceil(q.toMs), maxRows + 1) as Iterable<unknown[]>) {
      if (rows === maxRows) return flush(true);
      rows++;
      buffer += `${new Date(Number(r[0 + (what === 'events' ? 0 : 2)])).toISOString()},${r.map(csvCell).join(',')}\n`;
      if (buffer.length > 64 * 1024) {
        write(buffer);
        buffer = '';
      }
    }
    return flush(false);
    function flush(truncated: boolean): { rows: number; truncated: boolean } {
      if (buffer) write(buffer);
      return { rows, truncated };
    }
  }

  #series(routerId: string, wan: string): void {
    const key = `${routerId}\u0000${wan}`;
    if (this.#knownSeries.has(key)) return;
    this.#insertSeries.run(routerId, wan);
    this.#knownSeries.add(key);
  }

  #transaction(work: () => void): void {
    // Nested use (a caller's own transaction) just joins it.
    if (this.#db.isTransaction) return work();
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      work();
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }
}

function sampleValues(s: MonitorSample): (string | number | null)[] {
  return [
    s.routerId, s.wan, Math.round(s.atMs), s.latencyMs, s.latencyMinMs, s.latencyMaxMs, s.latencyP95Ms,
    s.jitterMs, s.jitterMasdMs, s.lossPct, s.rxBps, s.txBps, s.sent, s.received,
  ];
}

function eventOf(r: Row): LinkEvent {
  return {
    id: String(r.id),
    routerId: String(r.router_id),
    atMs: Number(r.at_ms),
    kind: r.kind as LinkEvent['kind'],
    ...(r.wan === null ? {} : { wan: String(r.wan) }),
    ...(r.from_value === null ? {} : { from: String(r.from_value) }),
    ...(r.to_value === null ? {} : { to: String(r.to_value) }),
    message: String(r.message),
  };
}

/** Raw-tail buckets replace minute buckets at the same time (a partial minute is newer data). */
function mergeBuckets(a: HistoryPoint[], b: HistoryPoint[]): HistoryPoint[] {
  if (b.length === 0) return a;
  const byTime = new Map<number, HistoryPoint>();
  for (const p of a) byTime.set(p.atMs, p);
  for (const p of b) {
    const prev = byTime.get(p.atMs);
    byTime.set(p.atMs, prev ? combine(prev, p) : p);
  }
  return [...byTime.values()].sort((x, y) => x.atMs - y.atMs);
}

/**
 * One bucket from its rolled-up minutes (x) and its seconds not rolled up yet (y). Each mean is
 * weighted by how much it stands for, or a minute and a few seconds would count the same: latency
 * and jitter by the replies behind them, throughput by the probes sent (a steady rate, so time;
 * at least 1 when nothing probed).
 */
function combine(x: HistoryPoint, y: HistoryPoint): HistoryPoint {
  const minOf = (u: number | null, v: number | null) => (u === null ? v : v === null ? u : Math.min(u, v));
  const maxOf = (u: number | null, v: number | null) => (u === null ? v : v === null ? u : Math.max(u, v));
  const meanOf = (u: number | null, uWeight: number, v: number | null, vWeight: number) =>
    u === null ? v : v === null ? u : uWeight + vWeight > 0 ? (u * uWeight + v * vWeight) / (uWeight + vWeight) : (u + v) / 2;
  const sent = x.sent + y.sent;
  const received = x.received + y.received;
  const [xTime, yTime] = [Math.max(1, x.sent), Math.max(1, y.sent)];
  return {
    atMs: x.atMs,
    latencyMs: meanOf(x.latencyMs, x.received, y.latencyMs, y.received),
    latencyMinMs: minOf(x.latencyMinMs, y.latencyMinMs),
    latencyMaxMs: maxOf(x.latencyMaxMs, y.latencyMaxMs),
    latencyP95Ms: maxOf(x.latencyP95Ms, y.latencyP95Ms),
    jitterMs: meanOf(x.jitterMs, x.received, y.jitterMs, y.received),
    lossPct: sent > 0 ? (100 * (sent - received)) / sent : null,
    lossMaxPct: maxOf(x.lossMaxPct, y.lossMaxPct),
    rxBps: meanOf(x.rxBps, xTime, y.rxBps, yTime),
    rxMinBps: minOf(x.rxMinBps, y.rxMinBps),
    rxMaxBps: maxOf(x.rxMaxBps, y.rxMaxBps),
    txBps: meanOf(x.txBps, xTime, y.txBps, yTime),
    txMinBps: minOf(x.txMinBps, y.txMinBps),
    txMaxBps: maxOf(x.txMaxBps, y.txMaxBps),
    sent,
    received,
  };
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  // Formula-looking text (a router-supplied message) is quoted and prefixed so spreadsheets show it as text.
  const safe = /^[=+\-@]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replaceAll('"', '""')}"` : safe;
}
