// Persistence of sites. Names are unique regardless of case, so a technician never ends up
// with two "Bakery" sites.
import { randomUUID } from 'node:crypto';
import type { Site } from '../../../shared/api/sites-schemas.ts';
import { SwitchyardError } from '../../../shared/errors.ts';
import type { Database } from './database.ts';

interface SiteRow {
  id: string;
  name: string;
  notes: string;
  created_ms: number;
  updated_ms: number;
  router_count: number;
}

export class SiteRepository {
  readonly #db: Database;
  readonly #nowMs: () => number;

  constructor(db: Database, nowMs: () => number = Date.now) {
    this.#db = db;
    this.#nowMs = nowMs;
  }

  list(): Site[] {
    const rows = this.#db.prepare(`${selectSites} ORDER BY s.name COLLATE NOCASE`).all() as unknown as SiteRow[];
    return rows.map(toSite);
  }

  get(id: string): Site {
    const row = this.#db.prepare(`${selectSites} WHERE s.id = ?`).get(id) as unknown as SiteRow | undefined;
    if (!row) throw new SwitchyardError('not-found', `There is no site with id ${id}. It may have been removed.`);
    return toSite(row);
  }

  create(input: { name: string; notes: string }): Site {
    const id = randomUUID();
    const now = this.#nowMs();
    this.#assertNameFree(input.name, null);
    this.#db.prepare('INSERT INTO sites (id, name, notes, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?)').run(id, input.name, input.notes, now, now);
    return this.get(id);
  }

  update(id: string, patch: { name?: string | undefined; notes?: string | undefined }): Site {
    const current = this.get(id);
    const name = patch.name ?? current.name;
    if (patch.name !== undefined) this.#assertNameFree(name, id);
    this.#db.prepare('UPDATE sites SET name = ?, notes = ?, updated_ms = ? WHERE id = ?').run(name, patch.notes ?? current.notes, this.#nowMs(), id);
    return this.get(id);
  }

  remove(id: string): boolean {
    return Number(this.#db.prepare('DELETE FROM sites WHERE id = ?').run(id).changes) > 0;
  }

  #assertNameFree(name: string, exceptId: string | null): void {
    const row = this.#db.prepare('SELECT id FROM sites WHERE name = ? COLLATE NOCASE').get(name) as { id: string } | undefined;
    if (row && row.id !== exceptId) {
      throw new SwitchyardError('conflict', `A site named "${name}" already exists. Choose another name.`);
    }
  }
}

const selectSites = `SELECT s.id, s.name, s.notes, s.created_ms, s.updated_ms, (SELECT COUNT(*) FROM routers r WHERE r.site_id = s.id) AS router_count FROM sites s`;

function toSite(row: SiteRow): Site {
  return { id: row.id, name: row.name, notes: row.notes, routerCount: row.router_count, createdMs: row.created_ms, updatedMs: row.updated_ms };
}
