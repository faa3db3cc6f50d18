// Starts serve mode in-process and Debian's Chromium headless (never a downloaded browser),
// and records every console error and CSP violation the page produces.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createCore, type Core } from '../../src/main/core/app-core.ts';
import { startServeServer, type ServeHandle } from '../../src/main/server/serve-server.ts';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags stack.md lists: nothing may reach for the network from this machine. */
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export interface BrowserSession {
  core: Core;
  server: ServeHandle;
  browser: Browser;
  page: Page;
  /** Console errors and CSP violations seen so far. */
  problems: string[];
  close(): Promise<void>;
}

export async function openBrowserSession(options: { dataDir?: string; viewport?: { width: number; height: number }; trackTargets?: readonly string[] } = {}): Promise<BrowserSession> {
  const rendererDir = resolve(import.meta.dirname, '../../out/renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) throw new Error('The renderer is not built: run `npm run build:renderer` first (npm run test:e2e does).');
  if (!existsSync(chromiumPath)) throw new Error(`No Chromium at ${chromiumPath}: apt-get install chromium (npm run setup does).`);

  const tempDir = mkdtempSync(join(tmpdir(), 'sy-e2e-'));
  const core = await createCore({ dataDir: options.dataDir ?? join(tempDir, 'data'), transport: 'websocket', ...(options.trackTargets && { trackTargets: options.trackTargets }) });
  const server = await startServeServer({ core, rendererDir });
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
  const context = await browser.newContext({ userAgent: undefined, ...(options.viewport && { viewport: options.viewport }) });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content.Security.Policy/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // Runs in the page (as source text: this file is typed for Node, not the DOM).
  await page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));" });
  await page.goto(server.url);

  return {
    core,
    server,
    browser,
    page,
    problems,
    async close() {
      await browser.close();
      await server.close();
      await core.close();
      rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
