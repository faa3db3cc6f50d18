// Prints a drill report to PDF with Electron's own Chromium (webContents.printToPDF), so the
// desktop app needs no separate browser. The report is written to a private temp file (a data:
// URL would cap its size) and loaded in a hidden, sandboxed window with JavaScript off: the
// report has no script, and a page that cannot run code cannot do anything else either.
import type { BrowserWindowConstructorOptions } from 'electron';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PdfPrinter } from '../core/drill/drill-service.ts';

/** The part of a BrowserWindow the printer uses. */
export interface PrintWindow {
  loadFile(path: string): Promise<void>;
  readonly webContents: { printToPDF(options: { printBackground: boolean; pageSize: 'A4' }): Promise<Buffer> };
  destroy(): void;
}

export const printWindowOptions: BrowserWindowConstructorOptions = {
  show: false,
  webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, webSecurity: true, spellcheck: false },
};

/** `openWindow` is `(o) => new BrowserWindow(o)` in main.ts; tests pass their own. */
export function electronPdfPrinter(openWindow: (options: BrowserWindowConstructorOptions) => PrintWindow): PdfPrinter {
  return async (html) => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-pdf-'));
    let window: PrintWindow | null = null;
    try {
      const page = join(dir, 'report.html');
      writeFileSync(page, html, { mode: 0o600 });
      window = openWindow(printWindowOptions);
      await window.loadFile(page);
      return await window.webContents.printToPDF({ printBackground: true, pageSize: 'A4' });
    } finally {
      window?.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
