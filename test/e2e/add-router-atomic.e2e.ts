// "Save and connect" in the add-router dialog writes nothing until the connection worked: with
// a router that accepts TCP and never answers SSH, the dialog waits on "Connecting to the
// router…" while the database holds no router and no password; the app is then closed in the
// middle (as a crash or a quit would), and started again on the same data, it shows no router.
// No lab needed: the silent router is a TCP listener on loopback. Screenshot: test-results/add-router/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core/app-core.ts';
import { databaseFileName } from '../../src/main/core/store/open-store.ts';
import { waitUntil } from '../lab/wait-until.ts';
import { openBrowserSession, type BrowserSession } from './browser-session.ts';
import { addSite, fillRouterConnection } from './ui-steps.ts';

const shots = resolve(import.meta.dirname, '../../test-results/add-router');

describe('adding a router that never answers, and closing the app meanwhile', () => {
  let workDir: string;
  let server: Server;
  let port: number;
  const accepted: Socket[] = [];
  let session: BrowserSession | undefined;

  /** What a crash right now would leave: the database file as another process reads it. */
  const onDisk = () => {
    const db = new DatabaseSync(join(workDir, 'data', databaseFileName), { readOnly: true });
    try {
      return {
        routers: (db.prepare('SELECT name FROM routers').all() as Array<{ name: string }>).map((r) => r.name),
        secrets: (db.prepare("SELECT ref FROM secrets WHERE ref LIKE 'router/%'").all() as Array<{ ref: string }>).map((s) => s.ref),
      };
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'sy-e2e-add-atomic-'));
    server = createServer((socket) => void accepted.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    session = await openBrowserSession({ dataDir: join(workDir, 'data') });
  });
  afterAll(async () => {
    for (const socket of accepted.splice(0)) socket.destroy();
    await session?.close().catch(() => undefined);
    await new Promise((resolve) => server.close(resolve));
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('holds no router while "Save and connect" waits, and none after the app is closed in the middle', async () => {
    const { page } = session!;
    await addSite(page, 'Corner Bakery');
    await page.getByTestId('routers-empty').waitFor();
    await fillRouterConnection(page, { ssh: { host: '127.0.0.1', port, user: 'root', password: 'hunter2-not-kept' } }, 'Back office');
    await page.getByText('Connecting to the router…').waitFor({ timeout: 30_000 });
    await waitUntil(() => accepted.length, (n) => n > 0, { what: 'the dialog’s connection test to reach the silent router' });
    expect(onDisk()).toEqual({ routers: [], secrets: [] });
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'connecting-nothing-saved.png') });
    expect(session!.problems).toEqual([]);

    // The app goes away while the dialog still waits.
    const closing = session!;
    session = undefined;
    await closing.close();
    expect(onDisk()).toEqual({ routers: [], secrets: [] });
    const again = await createCore({ dataDir: join(workDir, 'data'), transport: 'direct', knownHostsFiles: [] });
    try {
      expect(await again.dispatcher.dispatch('routers.list', {})).toEqual({ ok: true, result: { routers: [] } });
    } finally {
      await again.close();
    }
  });
});
