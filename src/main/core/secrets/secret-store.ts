// Where router passwords, key passphrases and SNMP keys live. The core only sees this
// interface; which box encrypts them (Electron safeStorage, the OS keyring, a passphrase, or
// nothing but memory) is decided by the process that starts the core.
import type { SecretStorageKind } from '../app-core.ts';

export interface SecretStore {
  readonly kind: SecretStorageKind;
  put(ref: string, secret: string): Promise<void>;
  /**
   * Encrypts now and returns the write itself, synchronous, so that a caller can run it inside
   * the database transaction that writes the record the secret belongs to (all or nothing).
   */
  stage(ref: string, secret: string): Promise<() => void>;
  get(ref: string): Promise<string | undefined>;
  /** Every ref that has a secret, none decrypted: whether a secret is saved, for a whole list at once. */
  storedRefs(): Promise<ReadonlySet<string>>;
  delete(ref: string): Promise<void>;
  /** Every ref starting with `prefix` (one router's secrets), for removal. */
  deletePrefix(prefix: string): Promise<void>;
}

/** Kept only while the process runs: nothing ever reaches the disk. */
export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory' as const;
  readonly #secrets = new Map<string, string>();

  async put(ref: string, secret: string): Promise<void> {
    this.#secrets.set(ref, secret);
  }
  async stage(ref: string, secret: string): Promise<() => void> {
    return () => this.#secrets.set(ref, secret);
  }
  async get(ref: string): Promise<string | undefined> {
    return this.#secrets.get(ref);
  }
  async storedRefs(): Promise<ReadonlySet<string>> {
    return new Set(this.#secrets.keys());
  }
  async delete(ref: string): Promise<void> {
    this.#secrets.delete(ref);
  }
  async deletePrefix(prefix: string): Promise<void> {
    for (const ref of [...this.#secrets.keys()]) if (ref.startsWith(prefix)) this.#secrets.delete(ref);
  }
}
