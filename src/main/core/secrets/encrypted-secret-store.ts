// Secrets encrypted at rest in the app's database, with a key that never sits next to them
// (it comes from the OS keyring, a passphrase, or Electron's safeStorage). A verifier row
// tells a wrong key apart from missing data before anything is overwritten.
import type { SecretStorageKind } from '../app-core.ts';
import { SwitchyardError } from '../../../shared/errors.ts';
import type { Database } from '../store/database.ts';
import type { SecretBox } from './secret-box.ts';
import type { SecretStore } from './secret-store.ts';

const verifierRef = '__verifier__';
const verifierText = 'switchyard-secret-store-v1';

export class EncryptedSecretStore implements SecretStore {
  readonly kind: SecretStorageKind;
  readonly #db: Database;
  readonly #box: SecretBox;

  private constructor(db: Database, box: SecretBox, kind: SecretStorageKind) {
    this.#db = db;
    this.#box = box;
    this.kind = kind;
  }

  /** Opens the store, checking the key against what earlier runs wrote. */
  static async open(db: Database, box: SecretBox, kind: SecretStorageKind): Promise<EncryptedSecretStore> {
    const store = new EncryptedSecretStore(db, box, kind);
    const row = db.prepare('SELECT ciphertext, box FROM secrets WHERE ref = ?').get(verifierRef) as { ciphertext: Uint8Array; box: string } | undefined;
    if (!row) {
      await store.put(verifierRef, verifierText);
    } else if (row.box !== box.id) {
      throw new SwitchyardError('secret-store-locked', `The saved secrets were protected by the ${row.box} key, but this start offers the ${box.id} key. Start Switchyard the way it was set up, or remove and re-enter the router passwords.`);
    } else if ((await box.decrypt(Buffer.from(row.ciphertext))) !== verifierText) {
      throw new SwitchyardError('secret-store-locked', 'The key does not open the saved secrets.');
    }
    return store;
  }

  async put(ref: string, secret: string): Promise<void> {
    (await this.stage(ref, secret))();
  }

  async stage(ref: string, secret: string): Promise<() => void> {
    const cipher = await this.#box.encrypt(secret);
    return () => {
      this.#db.prepare('INSERT INTO secrets (ref, ciphertext, box) VALUES (?, ?, ?) ON CONFLICT(ref) DO UPDATE SET ciphertext = excluded.ciphertext, box = excluded.box').run(ref, cipher, this.#box.id);
    };
  }

  async get(ref: string): Promise<string | undefined> {
    const row = this.#db.prepare('SELECT ciphertext FROM secrets WHERE ref = ?').get(ref) as { ciphertext: Uint8Array } | undefined;
    return row ? this.#box.decrypt(Buffer.from(row.ciphertext)) : undefined;
  }

  async storedRefs(): Promise<ReadonlySet<string>> {
    const rows = this.#db.prepare('SELECT ref FROM secrets').all() as Array<{ ref: string }>;
    return new Set(rows.map((r) => r.ref));
  }

  async delete(ref: string): Promise<void> {
    this.#db.prepare('DELETE FROM secrets WHERE ref = ?').run(ref);
  }

  async deletePrefix(prefix: string): Promise<void> {
    this.#db.prepare("DELETE FROM secrets WHERE substr(ref, 1, length(?)) = ?").run(prefix, prefix);
  }
}
