// Every window asks for the whole router list after each inventory change (an import, an add, a
// removal). With 4,000 routers that list held the core: a decryption of each saved password just
// to say whether one is saved, and one zod check of the whole answer. Here: the list says which
// routers have a saved secret without decrypting any (counted on a real AES-GCM box over a real
// database), and another client is answered while 4,000 routers are listed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contract } from '../../../shared/api/contract.ts';
import { syntheticInventory } from '../../../../test/contract/synthetic-inventory.ts';
import { yieldingResponseChecks } from '../api/yielding-validation.ts';
import { createCore, type Core } from '../app-core.ts';
import { EncryptedSecretStore } from '../secrets/encrypted-secret-store.ts';
import { aesGcmBox, type SecretBox } from '../secrets/secret-box.ts';

let dataDir: string;
let core: Core;
let decryptions = 0;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sy-routers-list-'));
  const box = aesGcmBox('passphrase', Buffer.alloc(32, 3));
  const counting: SecretBox = { ...box, decrypt: (ciphertext) => (decryptions++, box.decrypt(ciphertext)) };
  core = await createCore({ dataDir, transport: 'direct', openSecrets: (db) => EncryptedSecretStore.open(db, counting, 'passphrase-encrypted') });
});
afterEach(async () => {
  await core.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const call = async <T>(method: string, params: unknown): Promise<T> => {
  const envelope = await core.dispatcher.dispatch(method, params);
  if (!envelope.ok) throw new Error(`${method}: ${envelope.error.message}`);
  return envelope.result as T;
};

describe('the router list', () => {
  it('says which routers have a saved password without decrypting any', async () => {
    const { id: siteId } = await call<{ id: string }>('sites.create', { name: 'Bakery' });
    for (let i = 0; i < 5; i++) await call('routers.create', { siteId, name: `with-${i}`, host: `192.0.2.${i + 1}`, username: 'root', auth: { kind: 'password', password: `secret ${i}` } });
    await call('inventory.import', { file: syntheticInventory(1, 3, { tag: 'Imported' }) });
    await call('routers.create', { siteId, name: 'by-agent', host: '192.0.2.99', username: 'root', auth: { kind: 'agent' } });
    decryptions = 0;
    const { routers } = await call<{ routers: Array<{ name: string; hasSecret: boolean }> }>('routers.list', {});
    expect(decryptions).toBe(0);
    expect(Object.fromEntries(routers.map((r) => [r.name, r.hasSecret]))).toEqual({
      'with-0': true, 'with-1': true, 'with-2': true, 'with-3': true, 'with-4': true,
      'router-0': false, 'router-1': false, 'router-2': false,
      'by-agent': true,
    });
  });

  it('answers another client while 4,000 routers are listed, and gives what the schema gives', { timeout: 300_000 }, async () => {
    await call('inventory.import', { file: syntheticInventory(4, 1000) });
    const settled: string[] = [];
    const listed = core.dispatcher.dispatch('routers.list', {}).finally(() => settled.push('list'));
    const other = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => core.dispatcher.dispatch('app.info', {}))
      .finally(() => settled.push('other client'));
    const [list, info] = await Promise.all([listed, other]);
    expect(info.ok).toBe(true);
    expect(settled).toEqual(['other client', 'list']);
    expect(list.ok && (list.result as { routers: unknown[] }).routers).toHaveLength(4000);
    expect(list.ok && list.result).toEqual(contract['routers.list'].response.parse(list.ok && list.result));
  });

  it('answers another client while 4,000 routers are exported, and gives what the schema gives', { timeout: 300_000 }, async () => {
    await call('inventory.import', { file: syntheticInventory(4, 1000, { jumpHosts: true }) });
    const settled: string[] = [];
    const exported = core.dispatcher.dispatch('inventory.export', {}).finally(() => settled.push('export'));
    const other = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => core.dispatcher.dispatch('app.info', {}))
      .finally(() => settled.push('other client'));
    const [file, info] = await Promise.all([exported, other]);
    expect(info.ok).toBe(true);
    expect(settled).toEqual(['other client', 'export']);
    expect(file.ok && (file.result as { sites: Array<{ routers: unknown[] }> }).sites.map((s) => s.routers.length)).toEqual([1000, 1000, 1000, 1000]);
    expect(file.ok && file.result).toEqual(contract['inventory.export'].response.parse(file.ok && file.result));
  });

  it('refuses an answer the schema refuses, naming the router', async () => {
    const good = { ...(await call<{ routers: unknown[] }>('inventory.import', { file: syntheticInventory(1, 1) }).then(() => call<{ routers: Array<Record<string, unknown>> }>('routers.list', {}))).routers[0] };
    const bad = { routers: [good, { ...good, port: 'x' }] };
    expect(() => contract['routers.list'].response.parse(bad)).toThrow();
    await expect(yieldingResponseChecks['routers.list']!(bad)).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ['routers', 1, 'port'] })] });
  });
});
