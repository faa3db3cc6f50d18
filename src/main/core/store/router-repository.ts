// Persistence of routers: connection profile, pinned host key, SNMP settings (no secrets —
// those live in the SecretStore under the router's id), and what detection found.
import { randomUUID } from 'node:crypto';
import type { Router, SnmpSettings } from '../../../shared/api/routers-schemas.ts';
import { SwitchyardError } from '../../../shared/errors.ts';
import type { PlatformId } from '../../../shared/model.ts';
import type { Database } from './database.ts';

interface RouterRow {
  id: string;
  site_id: string;
  name: string;
  host: string;
  port: number;
  username: string;
  auth_kind: Router['authKind'];
  key_path: string | null;
  jump_router_id: string | null;
  host_key_type: string | null;
  host_key_fingerprint: string | null;
  host_key_pinned_ms: number | null;
  snmp: string | null;
  platform: PlatformId | null;
  facts: string | null;
  detected_ms: number | null;
  notes: string;
  created_ms: number;
  updated_ms: number;
}

/** A router as stored; whether it has a secret is the SecretStore's to say. */
export type RouterRecord = Omit<Router, 'hasSecret'>;

export interface RouterFields {
  siteId: string;
  name: string;
  host: string;
  port: number;
  username: string;
  authKind: Router['authKind'];
  keyPath: string | null;
  jumpRouterId: string | null;
  snmp: SnmpSettings | null;
  notes: string;
}

export class RouterRepository {
  readonly #db: Database;
  readonly #nowMs: () => number;

  constructor(db: Database, nowMs: () => number = Date.now) {
    this.#db = db;
    this.#nowMs = nowMs;
  }

  list(siteId?: string): RouterRecord[] {
    const rows = (
      siteId ? this.#db.prepare('SELECT * FROM routers WHERE site_id = ? ORDER BY name COLLATE NOCASE').all(siteId) : this.#db.prepare('SELECT * FROM routers ORDER BY name COLLATE NOCASE').all()
    ) as unknown as RouterRow[];
    return rows.map((row) => this.#toRouter(row));
  }

  find(id: string): RouterRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM routers WHERE id = ?').get(id) as unknown as RouterRow | undefined;
    return row ? this.#toRouter(row) : undefined;
  }

  get(id: string): RouterRecord {
    const router = this.find(id);
    if (!router) throw new SwitchyardError('not-found', `There is no router with id ${id}. It may have been removed.`);
    return router;
  }

  /** What insert checks before it writes (the site, a free name, the jump host); throws what insert would. */
  checkInsert(fields: RouterFields): void {
    this.#assertSite(fields.siteId);
    this.#assertNameFree(fields.siteId, fields.name, null);
    if (fields.jumpRouterId) this.get(fields.jumpRouterId);
  }

  insert(fields: RouterFields, id: string = randomUUID()): RouterRecord {
    this.checkInsert(fields);
    const now = this.#nowMs();
    this.#db
      .prepare(
        `INSERT INTO routers (id, site_id, name, host, port, username, auth_kind, key_path, jump_router_id, snmp, notes, created_ms, updated_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, fields.siteId, fields.name, fields.host, fields.port, fields.username, fields.authKind, fields.keyPath, fields.jumpRouterId, fields.snmp ? JSON.stringify(fields.snmp) : null, fields.notes, now, now);
    return this.get(id);
  }

  update(id: string, fields: Partial<Omit<RouterFields, 'siteId'>>): RouterRecord {
    const current = this.get(id);
    if (fields.name !== undefined) this.#assertNameFree(current.siteId, fields.name, id);
    if (fields.jumpRouterId) {
      if (fields.jumpRouterId === id) throw new SwitchyardError('invalid-input', 'A router cannot be its own jump host.');
      this.get(fields.jumpRouterId);
    }
    const next = { ...current, ...fields };
    // A new address or port is another machine as far as trust goes: the pinned key is dropped.
    const keepHostKey = next.host === current.host && next.port === current.port;
    this.#db
      .prepare(
        `UPDATE routers SET name = ?, host = ?, port = ?, username = ?, auth_kind = ?, key_path = ?, jump_router_id = ?, snmp = ?, notes = ?, updated_ms = ?,
           host_key_type = CASE WHEN ? THEN host_key_type END, host_key_fingerprint = CASE WHEN ? THEN host_key_fingerprint END,
           host_key_pinned_ms = CASE WHEN ? THEN host_key_pinned_ms END
         WHERE id = ?`,
      )
      .run(next.name, next.host, next.port, next.username, next.authKind, next.keyPath, next.jumpRouterId, next.snmp ? JSON.stringify(next.snmp) : null, next.notes, this.#nowMs(), +keepHostKey, +keepHostKey, +keepHostKey, id);
    return this.get(id);
  }

  pinHostKey(id: string, type: string, fingerprint: string): RouterRecord {
    this.get(id);
    this.#db.prepare('UPDATE routers SET host_key_type = ?, host_key_fingerprint = ?, host_key_pinned_ms = ?, updated_ms = ? WHERE id = ?').run(type, fingerprint, this.#nowMs(), this.#nowMs(), id);
    return this.get(id);
  }

  setDetection(id: string, platform: PlatformId, facts: Record<string, unknown>): RouterRecord {
    this.#db.prepare('UPDATE routers SET platform = ?, facts = ?, detected_ms = ?, updated_ms = ? WHERE id = ?').run(platform, JSON.stringify(facts), this.#nowMs(), this.#nowMs(), id);
    return this.get(id);
  }

  remove(id: string): boolean {
    return Number(this.#db.prepare('DELETE FROM routers WHERE id = ?').run(id).changes) > 0;
  }

  #assertSite(siteId: string): void {
    if (!this.#db.prepare('SELECT 1 FROM sites WHERE id = ?').get(siteId)) {
      throw new SwitchyardError('not-found', `There is no site with id ${siteId}. Add the site first.`);
    }
  }

  #assertNameFree(siteId: string, name: string, exceptId: string | null): void {
    const row = this.#db.prepare('SELECT id FROM routers WHERE site_id = ? AND name = ? COLLATE NOCASE').get(siteId, name) as { id: string } | undefined;
    if (row && row.id !== exceptId) throw new SwitchyardError('conflict', `This site already has a router named "${name}". Choose another name.`);
  }

  #toRouter(row: RouterRow): RouterRecord {
    return {
      id: row.id,
      siteId: row.site_id,
      name: row.name,
      host: row.host,
      port: row.port,
      username: row.username,
      authKind: row.auth_kind,
      keyPath: row.key_path,
      jumpRouterId: row.jump_router_id,
      hostKey: row.host_key_fingerprint && row.host_key_type ? { type: row.host_key_type, fingerprint: row.host_key_fingerprint, pinnedMs: row.host_key_pinned_ms ?? 0 } : null,
      snmp: row.snmp ? (JSON.parse(row.snmp) as SnmpSettings) : null,
      platform: row.platform,
      facts: row.facts ? (JSON.parse(row.facts) as Record<string, unknown>) : null,
      detectedMs: row.detected_ms,
      notes: row.notes,
      createdMs: row.created_ms,
      updatedMs: row.updated_ms,
    };
  }
}
