// Chooses where serve mode and the CLI keep secrets: the OS keyring when there is one, else a
// passphrase (SWITCHYARD_PASSPHRASE), else memory only — and says which, so the UI can warn.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger.ts';
import type { Database } from '../store/database.ts';
import { EncryptedSecretStore } from './encrypted-secret-store.ts';
import { aesGcmBox, keyFromPassphrase } from './secret-box.ts';
import { keyFromKeyring } from './keyring-key.ts';
import { MemorySecretStore, type SecretStore } from './secret-store.ts';

export interface SecretStoreChoice {
  passphrase?: string | undefined;
  /** Off in tests and on headless boxes where a keyring prompt would hang. */
  useKeyring: boolean;
}

export async function openNodeSecretStore(db: Database, choice: SecretStoreChoice, log: Logger): Promise<SecretStore> {
  if (choice.passphrase) {
    return EncryptedSecretStore.open(db, aesGcmBox('passphrase', keyFromPassphrase(choice.passphrase, passphraseSalt(db))), 'passphrase-encrypted');
  }
  if (choice.useKeyring) {
    const key = await keyFromKeyring();
    if (key) return EncryptedSecretStore.open(db, aesGcmBox('keyring', key), 'os-encrypted');
  }
  log.warn('no OS keyring and no SWITCHYARD_PASSPHRASE: router passwords are kept in memory only and must be entered again after a restart');
  return new MemorySecretStore();
}

function passphraseSalt(db: Database): Buffer {
  const row = db.prepare("SELECT value FROM settings WHERE key = 'passphrase-salt'").get() as { value: string } | undefined;
  if (row) return Buffer.from(row.value, 'base64');
  const salt = randomBytes(16);
  db.prepare("INSERT INTO settings (key, value) VALUES ('passphrase-salt', ?)").run(salt.toString('base64'));
  return salt;
}
