// Electron's safeStorage as the core's SecretBox (OS keychain, DPAPI, or libsecret/kwallet).
// On Linux without a keyring Electron falls back to 'basic_text', which is effectively plain
// text: the store reports that so the UI can warn.
import type { SafeStorage } from 'electron';
import type { SecretStorageKind } from '../core/app-core.ts';
import type { SecretBox } from '../core/secrets/secret-box.ts';

export function safeStorageBox(safeStorage: SafeStorage): { box: SecretBox; kind: SecretStorageKind } {
  const plain = process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
  return {
    kind: plain ? 'plain-text' : 'os-encrypted',
    box: {
      id: 'electron-safe-storage',
      encrypt: async (text) => safeStorage.encryptString(text),
      decrypt: async (cipher) => safeStorage.decryptString(cipher),
    },
  };
}
