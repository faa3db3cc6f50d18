// A SecretBox turns a secret into ciphertext and back. The AES-256-GCM box is used with a key
// from the OS keyring or derived from a passphrase; Electron supplies its own safeStorage box.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { SwitchyardError } from '../../../shared/errors.ts';

export interface SecretBox {
  /** Names the key's origin; stored with the data so a later start knows what to ask for. */
  readonly id: 'keyring' | 'passphrase' | 'electron-safe-storage';
  encrypt(plain: string): Promise<Buffer>;
  decrypt(cipher: Buffer): Promise<string>;
}

const ivBytes = 12;
const tagBytes = 16;

export function aesGcmBox(id: SecretBox['id'], key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
  return {
    id,
    async encrypt(plain) {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    async decrypt(blob) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, ivBytes));
        decipher.setAuthTag(blob.subarray(ivBytes, ivBytes + tagBytes));
        return Buffer.concat([decipher.update(blob.subarray(ivBytes + tagBytes)), decipher.final()]).toString('utf8');
      } catch {
        throw new SwitchyardError('secret-store-locked', 'The stored secrets cannot be decrypted with this key: the passphrase or keyring entry is not the one they were saved with.');
      }
    },
  };
}

/** scrypt with parameters that cost ~50 ms here: slow for guessing, quick for one unlock. */
export function keyFromPassphrase(passphrase: string, salt: Buffer): Buffer {
  if (passphrase.length < 8) {
    throw new SwitchyardError('invalid-input', 'The passphrase that protects saved router passwords must have at least 8 characters.');
  }
  return scryptSync(passphrase.normalize('NFC'), salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
}
