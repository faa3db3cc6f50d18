// The desktop PDF printer's wiring (Electron cannot run on these machines; the serve-mode
// printer is checked as a rendered image in test/e2e/drill.e2e.ts): a hidden sandboxed window
// with JavaScript off prints exactly the report, and neither the window nor the report's temp
// file outlives the print, also when printing fails.
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronPdfPrinter, printWindowOptions, type PrintWindow } from './electron-pdf-printer.ts';

function fakeWindow(print: () => Promise<Buffer>) {
  const seen = { options: null as unknown, loaded: '', html: '', destroyed: false };
  const open = (options: unknown): PrintWindow => {
    seen.options = options;
    return {
      loadFile: async (path) => {
        seen.loaded = path;
        seen.html = readFileSync(path, 'utf8');
      },
      webContents: { printToPDF: print },
      destroy: () => {
        seen.destroyed = true;
      },
    };
  };
  return { seen, open };
}

describe('the Electron PDF printer', () => {
  it('prints the report in a hidden sandboxed window without JavaScript, then removes both', async () => {
    const { seen, open } = fakeWindow(async () => Buffer.from('%PDF-1.4'));
    const pdf = await electronPdfPrinter(open)('<html><body>Card payments stay up</body></html>');
    expect(pdf.toString()).toBe('%PDF-1.4');
    expect(seen.options).toEqual(printWindowOptions);
    expect(printWindowOptions).toMatchObject({ show: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false } });
    expect(seen.html).toBe('<html><body>Card payments stay up</body></html>');
    expect(seen.destroyed).toBe(true);
    expect(existsSync(dirname(seen.loaded))).toBe(false);
  });

  it('cleans up when printing fails, and passes the failure on', async () => {
    const { seen, open } = fakeWindow(async () => {
      throw new Error('printing failed');
    });
    await expect(electronPdfPrinter(open)('<html></html>')).rejects.toThrow('printing failed');
    expect(seen.destroyed).toBe(true);
    expect(existsSync(dirname(seen.loaded))).toBe(false);
  });
});
