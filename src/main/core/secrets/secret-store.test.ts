// Secrets at rest: ciphertext only in the database, a wrong key refused before anything is
// overwritten, and memory-only when there is no key.
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../logger.ts';
import { openDatabase } from '../store/database.ts';
import { EncryptedSecretStore } from './encrypted-secret-store.ts';
import { openNodeSecretStore } from './open-secret-store.ts';
import { aesGcmBox, keyFromPassphrase } from './secret-box.ts';

const password = 'correct horse battery staple';

describe('EncryptedSecretStore', () => {
  it('keeps only ciphertext in the database and reads it back', async () => {
    const db = openDatabase(':memory:');
    const store = await openNodeSecretStore(db, { passphrase: 'a long passphrase', useKeyring: false }, memoryLogger());
    expect(store.kind).toBe('passphrase-encrypted');
    await store.put('router/1/ssh', password);
    expect(await store.get('router/1/ssh')).toBe(password);
    const rows = db.prepare('SELECT ciphertext FROM secrets').all() as Array<{ ciphertext: Uint8Array }>;
    for (const row of rows) expect(Buffer.from(row.ciphertext).toString('latin1')).not.toContain('horse');
  });

  it('refuses a wrong passphrase with secret-store-locked, leaving the data untouched', async () => {
    const db = openDatabase(':memory:');
    const first = await openNodeSecretStore(db, { passphrase: 'the right passphrase', useKeyring: false }, memoryLogger());
    await first.put('router/1/ssh', password);
    await expect(openNodeSecretStore(db, { passphrase: 'the wrong passphrase', useKeyring: false }, memoryLogger())).rejects.toMatchObject({ code: 'secret-store-locked' });
    const again = await openNodeSecretStore(db, { passphrase: 'the right passphrase', useKeyring: false }, memoryLogger());
    expect(await again.get('router/1/ssh')).toBe(password);
  });

  it('refuses a key from another source than the one that wrote the secrets', async () => {
    const db = openDatabase(':memory:');
    await EncryptedSecretStore.open(db, aesGcmBox('keyring', Buffer.alloc(32, 1)), 'os-encrypted');
    await expect(EncryptedSecretStore.open(db, aesGcmBox('passphrase', Buffer.alloc(32, 1)), 'passphrase-encrypted')).rejects.toThrow(/keyring key/);
  });

  it('deletes one router’s secrets by prefix', async () => {
    const db = openDatabase(':memory:');
    const store = await EncryptedSecretStore.open(db, aesGcmBox('keyring', Buffer.alloc(32, 7)), 'os-encrypted');
    await store.put('router/a/ssh', 'x');
    await store.put('router/a/snmp', 'y');
    await store.put('router/ab/ssh', 'z');
    await store.deletePrefix('router/a/');
    expect([await store.get('router/a/ssh'), await store.get('router/a/snmp'), await store.get('router/ab/ssh')]).toEqual([undefined, undefined, 'z']);
  });

  it('refuses a passphrase under 8 characters', () => {
    expect(() => keyFromPassphrase('short', Buffer.alloc(16))).toThrow(/at least 8/);
  });

  it('falls back to memory with a warning when there is no keyring and no passphrase', async () => {
    const log = memoryLogger();
    const store = await openNodeSecretStore(openDatabase(':memory:'), { useKeyring: false }, log);
    expect(store.kind).toBe('memory');
    expect(log.lines.join('\n')).toMatch(/memory only/);
  });
});
