// Prints an HTML document to PDF with headless Chromium (serve mode and the CLI). The desktop
// app passes its own printer (webContents.printToPDF) instead; core only sees the PdfPrinter type.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SwitchyardError } from '../../../shared/errors.ts';
import type { PdfPrinter } from './drill-service.ts';

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The printer, or undefined when no Chromium is installed (export then says so). */
export function chromiumPdfPrinter(executable = process.env.SWITCHYARD_CHROMIUM ?? candidates.find((c) => existsSync(c))): PdfPrinter | undefined {
  if (!executable) return undefined;
  return async (html) => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-pdf-'));
    try {
      const page = join(dir, 'report.html');
      const pdf = join(dir, 'report.pdf');
      writeFileSync(page, html, { mode: 0o600 });
      // The report has no script and no remote resource; the sandbox is off only because CI runs as root.
      const args = ['--headless', '--disable-gpu', '--no-sandbox', '--no-first-run', `--user-data-dir=${join(dir, 'profile')}`, '--no-pdf-header-footer', `--print-to-pdf=${pdf}`, pathToFileURL(page).href];
      await new Promise<void>((resolve, reject) => {
        execFile(executable, args, { timeout: 60_000 }, (error, _stdout, stderr) => {
          if (error && !existsSync(pdf)) reject(new SwitchyardError('command-failed', `Chromium could not print the report: ${String(stderr).trim().split('\n').pop() ?? error.message}`));
          else resolve();
        });
      });
      return readFileSync(pdf);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
