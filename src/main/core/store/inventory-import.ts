// Importing an inventory file without freezing the core (issue 17 item 13). The core is one event
// loop shared by every client, so the import is planned (names checked, ids made, jump hosts
// resolved) and staged in a TEMP table in chunks, with the event loop free between them to answer
// others. Then one short transaction checks again what may have changed meanwhile and copies the
// staged rows in inside SQLite. All or nothing: until that transaction commits no client sees any
// of it, and any failure, at any step, leaves the store as it was.
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { InventoryFile } from '../../../shared/api/inventory-schemas.ts';
import { SwitchyardError } from '../../../shared/errors.ts';
import { inTransaction, type Database } from './database.ts';

/** Routers planned or staged per turn of the event loop: 1–3 ms of work each on a 2-core machine (250 held it 10–35 ms under load). */
export const importChunkRouters = 100;

/** Private to this connection (TEMP) and used by one import at a time (imports queue). */
const stageTable = 'temp.switchyard_import_routers';
const routerColumns =
  'id, site_id, name, host, port, username, auth_kind, key_path, jump_router_id, snmp, notes, host_key_type, host_key_fingerprint, host_key_pinned_ms, created_ms, updated_ms';

type FileRouter = InventoryFile['sites'][number]['routers'][number];
interface PlannedRouter {
  id: string;
  siteId: string;
  siteName: string;
  router: FileRouter;
  jumpRouterId: string | null;
}

export class InventoryImporter {
  readonly #db: Database;
  readonly #nowMs: () => number;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(db: Database, nowMs: () => number = Date.now) {
    this.#db = db;
    this.#nowMs = nowMs;
  }

  /** Imports imports one after another: each plans against what the previous one committed. */
  import(file: InventoryFile): Promise<{ sites: number; routers: number }> {
    const run = this.#queue.then(() => this.#import(file));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #import(file: InventoryFile): Promise<{ sites: number; routers: number }> {
    const db = this.#db;
    const key = (siteName: string, routerName: string) => `${siteName.toLowerCase()}\u0000${routerName.toLowerCase()}`;

    // Sites: an existing one by name (any case), else a new id, created in the final transaction.
    const existingSites = siteIdsByName(db);
    const siteIds = new Map<string, string>();
    const newSites: Array<{ id: string; name: string; notes: string }> = [];
    for (const site of file.sites) {
      const name = site.name.toLowerCase();
      if (siteIds.has(name)) continue;
      const id = existingSites.get(name) ?? randomUUID();
      if (!existingSites.has(name)) newSites.push({ id, name: site.name, notes: site.notes });
      siteIds.set(name, id);
    }

    const taken = routerNamesTaken(db);
    const planned: PlannedRouter[] = [];
    const idByKey = new Map<string, string>();
    for (const site of file.sites) {
      const siteId = siteIds.get(site.name.toLowerCase())!;
      for (const router of site.routers) {
        const nameKey = `${siteId}\u0000${router.name.toLowerCase()}`;
        // Checked here rather than left to the UNIQUE constraint, to name the site and say that
        // the whole import was refused, not just this router.
        if (taken.has(nameKey)) throw routerClash(router.name, site.name);
        taken.add(nameKey);
        const id = randomUUID();
        idByKey.set(key(site.name, router.name), id);
        planned.push({ id, siteId, siteName: site.name, router, jumpRouterId: null });
        if (planned.length % importChunkRouters === 0) await nextTurn();
      }
    }
    for (const p of planned) {
      const jump = p.router.jumpRouter;
      if (!jump) continue;
      const jumpId = idByKey.get(key(jump.site, jump.router));
      if (!jumpId) throw new SwitchyardError('invalid-input', `Router "${p.router.name}" uses jump host "${jump.router}" at "${jump.site}", which is not in the file — nothing was imported.`);
      if (jumpId === p.id) throw new SwitchyardError('invalid-input', `Router "${p.router.name}" at "${p.siteName}" names itself as its jump host — nothing was imported.`);
      p.jumpRouterId = jumpId;
    }

    const nowMs = this.#nowMs();
    db.exec(`DROP TABLE IF EXISTS ${stageTable}`);
    db.exec(`CREATE TABLE ${stageTable} AS SELECT ${routerColumns} FROM main.routers WHERE 0`);
    try {
      const stage = db.prepare(`INSERT INTO ${stageTable} (${routerColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      for (let from = 0; from < planned.length; from += importChunkRouters) {
        // A plain BEGIN: only the TEMP table is written, so the app's database is not locked.
        // Nothing else runs inside it: the chunk is synchronous.
        db.exec('BEGIN');
        try {
          for (const { id, siteId, router: r, jumpRouterId } of planned.slice(from, from + importChunkRouters)) {
            const hostKey = r.hostKey;
            stage.run(id, siteId, r.name, r.host, r.port, r.username, r.authKind, r.keyPath, jumpRouterId, r.snmp ? JSON.stringify(r.snmp) : null, r.notes, hostKey?.type ?? null, hostKey?.fingerprint ?? null, hostKey ? nowMs : null, nowMs, nowMs);
          }
          db.exec('COMMIT');
        } catch (error) {
          db.exec('ROLLBACK');
          throw error;
        }
        await nextTurn();
      }

      inTransaction(db, () => {
        // Other clients had the event loop while this was staged: check what they may have changed.
        const sitesNow = siteIdsByName(db);
        const siteIdsNow = new Set(sitesNow.values());
        for (const site of newSites) {
          if (sitesNow.has(site.name.toLowerCase())) throw changedMeanwhile(`a site named "${site.name}" was added`);
        }
        for (const site of file.sites) {
          const id = siteIds.get(site.name.toLowerCase())!;
          if (existingSites.has(site.name.toLowerCase()) && !siteIdsNow.has(id)) throw changedMeanwhile(`the site "${site.name}" was removed`);
        }
        const takenNow = routerNamesTaken(db);
        for (const p of planned) {
          if (takenNow.has(`${p.siteId}\u0000${p.router.name.toLowerCase()}`)) throw routerClash(p.router.name, p.siteName);
        }
        const addSite = db.prepare('INSERT INTO sites (id, name, notes, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?)');
        for (const site of newSites) addSite.run(site.id, site.name, site.notes, nowMs, nowMs);
        // A jump host may come later in the file than the routers that use it: check at COMMIT.
        db.exec('PRAGMA defer_foreign_keys = ON');
        db.exec(`INSERT INTO main.routers (${routerColumns}) SELECT ${routerColumns} FROM ${stageTable} ORDER BY rowid`);
      });
    } finally {
      db.exec(`DROP TABLE IF EXISTS ${stageTable}`);
    }
    return { sites: file.sites.length, routers: planned.length };
  }
}

function siteIdsByName(db: Database): Map<string, string> {
  const rows = db.prepare('SELECT id, name FROM sites').all() as Array<{ id: string; name: string }>;
  return new Map(rows.map((s) => [s.name.toLowerCase(), s.id] as const));
}

/** `siteId NUL lower-case name` of every router stored. */
function routerNamesTaken(db: Database): Set<string> {
  const rows = db.prepare('SELECT site_id, name FROM routers').all() as Array<{ site_id: string; name: string }>;
  return new Set(rows.map((r) => `${r.site_id}\u0000${r.name.toLowerCase()}`));
}

function routerClash(router: string, site: string): SwitchyardError {
  return new SwitchyardError('conflict', `A router named "${router}" already exists at site "${site}" — nothing was imported.`, { site, router });
}

function changedMeanwhile(what: string): SwitchyardError {
  return new SwitchyardError('conflict', `While the file was being imported, ${what} by another window or command — nothing was imported. Import the file again.`);
}
