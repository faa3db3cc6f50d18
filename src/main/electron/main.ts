// Electron entry: the only place that loads electron at run time. It wires Electron's
// capabilities (window, IPC, protocol, paths) to the plain-Node core and does nothing else.
import { app, BrowserWindow, ipcMain, protocol, safeStorage, session } from 'electron';
import { join } from 'node:path';
import { createCore } from '../core/app-core.ts';
import { consoleLogger } from '../core/logger.ts';
import { installProcessGuard } from '../core/process-guard.ts';
import { EncryptedSecretStore } from '../core/secrets/encrypted-secret-store.ts';
import { registerAppProtocol } from './app-protocol.ts';
import { electronPdfPrinter } from './electron-pdf-printer.ts';
import { desktopNotifier } from './desktop-notifier.ts';
import { hardenSession, hardenWebContents } from './harden.ts';
import { registerIpc } from './ipc-adapter.ts';
import { safeStorageBox } from './safe-storage-box.ts';
import { appOrigin, appScheme, mainWindowOptions } from './window-options.ts';

protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) app.quit();

// Installed before anything runs, so no router's misbehaviour can take the window down with it.
installProcessGuard(consoleLogger('main'));

app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

void app.whenReady().then(async () => {
  const log = consoleLogger('main');
  const { box, kind } = safeStorageBox(safeStorage);
  const dataDir = process.env.SWITCHYARD_DATA_DIR ?? app.getPath('userData');
  // Packaged: electron-builder copies resources/agent next to the app (extraResources).
  const agentScriptPath = app.isPackaged ? join(process.resourcesPath, 'agent', 'switchyard-agent') : join(app.getAppPath(), 'resources/agent/switchyard-agent');
  // The notifier is needed before the window exists; a click on it focuses the window once there.
  const shown: { window: BrowserWindow | null } = { window: null };
  const notify = desktopNotifier(() => shown.window);
  const core = await createCore({ dataDir, transport: 'electron', log, agentScriptPath, notify, openSecrets: (db) => EncryptedSecretStore.open(db, box, kind), printPdf: electronPdfPrinter((options) => new BrowserWindow(options)) });
  hardenSession(session.defaultSession);
  registerAppProtocol(protocol, appScheme, join(import.meta.dirname, '../renderer'));

  const window = new BrowserWindow(mainWindowOptions(join(import.meta.dirname, '../preload/index.cjs')));
  shown.window = window;
  registerIpc(ipcMain, core, (channel, ...args) => {
    if (!window.isDestroyed()) window.webContents.send(channel, ...args);
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${appOrigin}/index.html`);

  app.on('second-instance', () => window.focus());
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => void core.close());
});
