// Drill reports in the router's history: one row per drill, the whole report as validated
// JSON. Removing a router removes its reports (foreign key, ON DELETE CASCADE).
import { drillReportSchema, type DrillReport, type DrillSummary } from '../../../shared/api/drill-schemas.ts';
import { SwitchyardError } from '../../../shared/errors.ts';
import type { Database } from '../store/database.ts';

export class DrillStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  add(report: DrillReport): void {
    const valid = drillReportSchema.parse(report);
    this.#db.prepare('INSERT INTO drill_reports (id, router_id, created_ms, report) VALUES (?, ?, ?, ?)').run(valid.id, valid.routerId, valid.createdMs, JSON.stringify(valid));
  }

  get(id: string): DrillReport {
    const row = this.#db.prepare('SELECT report FROM drill_reports WHERE id = ?').get(id) as { report: string } | undefined;
    if (!row) throw new SwitchyardError('not-found', 'There is no such drill report. It may have been removed with its router.');
    return drillReportSchema.parse(JSON.parse(row.report));
  }

  list(routerId: string): DrillSummary[] {
    const rows = this.#db.prepare('SELECT report FROM drill_reports WHERE router_id = ? ORDER BY created_ms DESC').all(routerId) as Array<{ report: string }>;
    return rows.map((r) => {
      const report = drillReportSchema.parse(JSON.parse(r.report));
      return { id: report.id, routerId: report.routerId, createdMs: report.createdMs, trials: report.trials.length, verdict: report.verdict };
    });
  }
}
