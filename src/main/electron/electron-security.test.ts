// Guards the desktop window's hardening: fails if a webPreference, a handler or a fuse is
// loosened. Electron itself cannot run here, so these read our own settings and hooks.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { hardenSession, hardenWebContents } from './harden.ts';
import { isTrustedSenderUrl, mainWindowOptions } from './window-options.ts';

describe('the main window', () => {
  const prefs = mainWindowOptions('/preload.cjs').webPreferences!;

  it('is sandboxed and isolated, with no node in the page', () => {
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('additionalArguments');
  });

  it('trusts calls only from the app:// origin', () => {
    expect(isTrustedSenderUrl('app://switchyard/index.html')).toBe(true);
    for (const url of ['file:///index.html', 'http://127.0.0.1/', 'app://evil/index.html', 'https://switchyard/', '', undefined, 'not a url']) {
      expect(isTrustedSenderUrl(url)).toBe(false);
    }
  });
});

describe('web contents hardening', () => {
  it('denies window.open, foreign navigation, redirects and webviews', () => {
    const handlers = new Map<string, (...args: unknown[]) => void>();
    let openHandler: (() => { action: string }) | undefined;
    hardenWebContents({
      setWindowOpenHandler: (fn: () => { action: string }) => (openHandler = fn),
      on: (name: string, fn: (...args: unknown[]) => void) => handlers.set(name, fn),
    } as never);
    expect(openHandler?.()).toEqual({ action: 'deny' });
    for (const [name, url] of [['will-navigate', 'https://example.invalid/'], ['will-redirect', 'file:///etc/passwd']] as const) {
      const event = { preventDefault: vi.fn() };
      handlers.get(name)!(event, url);
      expect(event.preventDefault).toHaveBeenCalled();
    }
    const inApp = { preventDefault: vi.fn() };
    handlers.get('will-navigate')!(inApp, 'app://switchyard/index.html');
    expect(inApp.preventDefault).not.toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    handlers.get('will-attach-webview')!(webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('denies every permission request and check', () => {
    let request: ((c: unknown, p: string, cb: (granted: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    hardenSession({ setPermissionRequestHandler: (fn: never) => (request = fn), setPermissionCheckHandler: (fn: never) => (check = fn) } as never);
    const callback = vi.fn();
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) request!(null, permission, callback);
    expect(callback.mock.calls.every(([granted]) => granted === false)).toBe(true);
    expect(check!()).toBe(false);
  });
});

describe('electron-builder fuses', () => {
  const yml = readFileSync(new URL('../../../electron-builder.yml', import.meta.url), 'utf8');
  const fuses = Object.fromEntries(
    [...yml.slice(yml.indexOf('electronFuses:')).matchAll(/^ {2}(\w+): (true|false)$/gm)].map(([, key, value]) => [key, value === 'true']),
  );

  it('turn off every way to run the app as something else', () => {
    expect(fuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('names the product and the four targets', () => {
    expect(yml).toMatch(/^productName: Switchyard$/m);
    for (const target of ['AppImage', 'deb', 'nsis', 'dmg']) expect(yml).toContain(target);
  });
});
