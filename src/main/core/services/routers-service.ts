// Routers in the inventory: add, edit, remove, export and import. Secrets are written to the
// SecretStore under the router's id and never returned. Adding writes the router, its pinned key
// and its secrets in one transaction; an edit undoes its earlier steps when a later one fails, so
// nothing is saved half-way.
import { randomUUID } from 'node:crypto';
import type { InventoryFile } from '../../../shared/api/inventory-schemas.ts';
import type { AuthInput, Router, SnmpInput, SnmpSettings } from '../../../shared/api/routers-schemas.ts';
import { newRouterSchema, routerInputSchema, routerPatchSchema } from '../../../shared/api/routers-schemas.ts';
import { SwitchyardError } from '../../../shared/errors.ts';
import type { EventHub } from '../api/event-hub.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { inTransaction, type Database } from '../store/database.ts';
import { InventoryImporter } from '../store/inventory-import.ts';
import type { RouterFields, RouterRecord, RouterRepository } from '../store/router-repository.ts';
import type { SiteRepository } from '../store/site-repository.ts';
import type { z } from 'zod';

export type RouterInputParsed = z.output<typeof routerInputSchema>;
export type RouterPatchParsed = z.output<typeof routerPatchSchema>;
export type NewRouterParsed = z.output<typeof newRouterSchema>;

/** What the transport needs to log in; only ever handed to the SSH layer. */
export type SshCredential = { kind: 'password' | 'keyboard-interactive'; password: string } | { kind: 'key'; keyPath: string; passphrase?: string } | { kind: 'agent' };
export type SnmpCredential = { version: '2c'; community: string } | { version: '3'; authKey: string; privKey: string };

export const secretRefs = {
  prefix: (routerId: string) => `router/${routerId}/`,
  ssh: (routerId: string) => `router/${routerId}/ssh`,
  snmp: (routerId: string) => `router/${routerId}/snmp`,
};

export class RoutersService {
  readonly #db: Database;
  readonly #routers: RouterRepository;
  readonly #sites: SiteRepository;
  readonly #secrets: SecretStore;
  readonly #events: EventHub;
  readonly #importer: InventoryImporter;

  constructor(deps: { db: Database; routers: RouterRepository; sites: SiteRepository; secrets: SecretStore; events: EventHub }) {
    this.#db = deps.db;
    this.#routers = deps.routers;
    this.#sites = deps.sites;
    this.#secrets = deps.secrets;
    this.#events = deps.events;
    this.#importer = new InventoryImporter(deps.db);
  }

  async list(siteId?: string): Promise<Router[]> {
    // One look at which secrets exist, not one read and decryption per router: every window asks
    // for the whole list after each inventory change, and 4,000 routers held the core for it.
    const stored = await this.#secrets.storedRefs();
    return this.#routers.list(siteId).map((r) => withSecretFlag(r, stored.has(secretRefs.ssh(r.id))));
  }

  async get(id: string): Promise<Router> {
    return this.#withSecretFlag(this.#routers.get(id));
  }

  record(id: string): RouterRecord {
    return this.#routers.get(id);
  }

  /**
   * Adds a router with its secrets and, when given, the host key the user trusted, all in one
   * transaction: a crash or a failure at any point leaves either all of it or nothing. (The
   * secrets are encrypted before the transaction starts: encryption may be asynchronous.)
   */
  async create(input: NewRouterParsed): Promise<Router> {
    const id = randomUUID();
    const writeSecrets = await this.#stageSecrets(id, input.auth, input.snmp);
    inTransaction(this.#db, () => {
      this.#routers.insert(routerFields(input), id);
      if (input.hostKey) this.#routers.pinHostKey(id, input.hostKey.keyType, input.hostKey.fingerprint);
      for (const write of writeSecrets) write();
    });
    return this.#changed(await this.get(id));
  }

  /**
   * A router not saved yet, as the connection layer needs it: checked as adding it would check
   * it (its site, a free name, its jump host), with the trusted key as its pin and the
   * credential as entered. Nothing is written.
   */
  draft(input: NewRouterParsed): { record: RouterRecord; credential: SshCredential } {
    this.#routers.checkInsert(routerFields(input));
    const nowMs = Date.now();
    const record: RouterRecord = {
      id: `new-${randomUUID()}`,
      ...routerFields(input),
      hostKey: input.hostKey ? { type: input.hostKey.keyType, fingerprint: input.hostKey.fingerprint, pinnedMs: nowMs } : null,
      platform: null,
      facts: null,
      detectedMs: null,
      createdMs: nowMs,
      updatedMs: nowMs,
    };
    // The login as entered has the shape the SSH layer takes.
    return { record, credential: input.auth };
  }

  async update(id: string, patch: RouterPatchParsed): Promise<Router> {
    this.#routers.get(id);
    const previousSsh = patch.auth ? await this.#secrets.get(secretRefs.ssh(id)) : undefined;
    const previousSnmp = patch.snmp !== undefined ? await this.#secrets.get(secretRefs.snmp(id)) : undefined;
    if (patch.auth) await this.#writeSecrets(id, patch.auth, undefined);
    if (patch.snmp) await this.#writeSecrets(id, undefined, patch.snmp);
    try {
      this.#routers.update(id, {
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.host !== undefined && { host: patch.host }),
        ...(patch.port !== undefined && { port: patch.port }),
        ...(patch.username !== undefined && { username: patch.username }),
        ...(patch.auth && { authKind: patch.auth.kind, keyPath: patch.auth.kind === 'key' ? patch.auth.keyPath : null }),
        ...(patch.jumpRouterId !== undefined && { jumpRouterId: patch.jumpRouterId }),
        ...(patch.snmp !== undefined && { snmp: patch.snmp ? snmpSettings(patch.snmp) : null }),
        ...(patch.notes !== undefined && { notes: patch.notes }),
      });
    } catch (error) {
      await this.#restoreSecret(secretRefs.ssh(id), patch.auth ? previousSsh : undefined, !!patch.auth);
      await this.#restoreSecret(secretRefs.snmp(id), previousSnmp, patch.snmp !== undefined);
      throw error;
    }
    if (patch.snmp === null) await this.#secrets.delete(secretRefs.snmp(id));
    if (patch.auth && (patch.auth.kind === 'agent' || (patch.auth.kind === 'key' && !patch.auth.passphrase))) await this.#secrets.delete(secretRefs.ssh(id));
    return this.#changed(await this.get(id));
  }

  async remove(id: string): Promise<boolean> {
    const removed = this.#routers.remove(id);
    await this.#secrets.deletePrefix(secretRefs.prefix(id));
    if (removed) this.#changed(null);
    return removed;
  }

  /** Removes a site with its routers and their secrets. */
  async removeSite(siteId: string): Promise<boolean> {
    const ids = this.#routers.list(siteId).map((r) => r.id);
    const removed = this.#sites.remove(siteId);
    for (const id of ids) await this.#secrets.deletePrefix(secretRefs.prefix(id));
    return removed;
  }

  pinHostKey(id: string, type: string, fingerprint: string): RouterRecord {
    return this.#changed(this.#routers.pinHostKey(id, type, fingerprint));
  }

  setDetection(id: string, platform: Router['platform'] & string, facts: Record<string, unknown>): RouterRecord {
    return this.#changed(this.#routers.setDetection(id, platform, facts));
  }

  async sshCredential(record: RouterRecord): Promise<SshCredential> {
    const secret = await this.#secrets.get(secretRefs.ssh(record.id));
    switch (record.authKind) {
      case 'agent':
        return { kind: 'agent' };
      case 'key':
        return secret ? { kind: 'key', keyPath: record.keyPath ?? '', passphrase: secret } : { kind: 'key', keyPath: record.keyPath ?? '' };
      case 'password':
      case 'keyboard-interactive':
        if (!secret) throw new SwitchyardError('auth-failed', `No password is saved for ${record.name} (it was kept in memory, or the inventory was imported). Edit the router and enter it again.`);
        return { kind: record.authKind, password: secret };
    }
  }

  async snmpCredential(record: RouterRecord): Promise<(SnmpSettings & SnmpCredential) | null> {
    if (!record.snmp) return null;
    const secret = await this.#secrets.get(secretRefs.snmp(record.id));
    if (!secret) return null;
    return { ...record.snmp, ...(JSON.parse(secret) as SnmpCredential) } as SnmpSettings & SnmpCredential;
  }

  exportInventory(nowMs = Date.now()): InventoryFile {
    const routers = this.#routers.list();
    const byId = new Map(routers.map((r) => [r.id, r]));
    const sites = this.#sites.list();
    const siteName = new Map(sites.map((s) => [s.id, s.name]));
    return {
      format: 'switchyard-inventory',
      version: 1,
      exportedMs: nowMs,
      sites: sites.map((site) => ({
        name: site.name,
        notes: site.notes,
        routers: routers
          .filter((r) => r.siteId === site.id)
          .map((r) => {
            const jump = r.jumpRouterId ? byId.get(r.jumpRouterId) : undefined;
            return {
              name: r.name,
              host: r.host,
              port: r.port,
              username: r.username,
              authKind: r.authKind,
              keyPath: r.keyPath,
              jumpRouter: jump ? { site: siteName.get(jump.siteId) ?? '', router: jump.name } : null,
              hostKey: r.hostKey,
              snmp: r.snmp,
              notes: r.notes,
            };
          }),
      })),
    };
  }

  /**
   * All or nothing, in time linear in the file, and without holding the core: other clients are
   * answered while it is planned and staged (store/inventory-import.ts). It used to list every
   * router of the site for each one added, and 4,000 routers held every client for 10 s.
   */
  async importInventory(file: InventoryFile): Promise<{ sites: number; routers: number }> {
    const result = await this.#importer.import(file);
    this.#changed(null);
    return result;
  }

  /** The secret writes for a new router, encrypted now, to run inside its transaction. */
  async #stageSecrets(id: string, auth: AuthInput, snmp: SnmpInput | undefined): Promise<Array<() => void>> {
    const writes: Array<() => void> = [];
    const ssh = sshSecretOf(auth);
    if (ssh !== undefined) writes.push(await this.#secrets.stage(secretRefs.ssh(id), ssh));
    if (snmp) writes.push(await this.#secrets.stage(secretRefs.snmp(id), snmpSecretOf(snmp)));
    return writes;
  }

  async #writeSecrets(id: string, auth: AuthInput | undefined, snmp: SnmpInput | undefined): Promise<void> {
    const ssh = auth && sshSecretOf(auth);
    if (ssh !== undefined) await this.#secrets.put(secretRefs.ssh(id), ssh);
    if (snmp) await this.#secrets.put(secretRefs.snmp(id), snmpSecretOf(snmp));
  }

  async #restoreSecret(ref: string, previous: string | undefined, changed: boolean): Promise<void> {
    if (!changed) return;
    if (previous === undefined) await this.#secrets.delete(ref);
    else await this.#secrets.put(ref, previous);
  }

  async #withSecretFlag(record: RouterRecord): Promise<Router> {
    return withSecretFlag(record, needsSecret(record) && (await this.#secrets.get(secretRefs.ssh(record.id))) !== undefined);
  }

  #changed<T>(value: T): T {
    this.#events.emit('onDidChangeSites', { atMs: Date.now() });
    return value;
  }
}

function routerFields(input: RouterInputParsed): RouterFields {
  return {
    siteId: input.siteId,
    name: input.name,
    host: input.host,
    port: input.port,
    username: input.username,
    authKind: input.auth.kind,
    keyPath: input.auth.kind === 'key' ? input.auth.keyPath : null,
    jumpRouterId: input.jumpRouterId ?? null,
    snmp: input.snmp ? snmpSettings(input.snmp) : null,
    notes: input.notes,
  };
}

/** What the SecretStore keeps for a login: the password or the key's passphrase; nothing for an agent or a key without one. */
function sshSecretOf(auth: AuthInput): string | undefined {
  if (auth.kind === 'password' || auth.kind === 'keyboard-interactive') return auth.password;
  if (auth.kind === 'key' && auth.passphrase) return auth.passphrase;
  return undefined;
}

function snmpSecretOf(snmp: SnmpInput): string {
  const credential: SnmpCredential = snmp.version === '2c' ? { version: '2c', community: snmp.community } : { version: '3', authKey: snmp.authKey, privKey: snmp.privKey };
  return JSON.stringify(credential);
}

function snmpSettings(input: SnmpInput): SnmpSettings {
  return input.version === '2c'
    ? { version: '2c', port: input.port }
    : { version: '3', port: input.port, user: input.user, authProtocol: input.authProtocol, privProtocol: input.privProtocol };
}

/** A password or passphrase is asked for at login: without one saved the user must enter it. */
function needsSecret(record: RouterRecord): boolean {
  return record.authKind === 'password' || record.authKind === 'keyboard-interactive';
}

function withSecretFlag(record: RouterRecord, secretSaved: boolean): Router {
  return { ...record, hasSecret: needsSecret(record) ? secretSaved : true };
}
