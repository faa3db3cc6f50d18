// Serve mode's gate: no token → 401, foreign Origin or Host → 403, for pages and WebSocket
// upgrades alike; the token in the URL is traded for an HttpOnly cookie; no path escapes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createCore, type Core } from '../core/app-core.ts';
import { startServeServer, type ServeHandle } from './serve-server.ts';

let core: Core;
let server: ServeHandle;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-renderer-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Switchyard</title>');
  core = await createCore({ dataDir: ':memory:', transport: 'websocket' });
  server = await startServeServer({ core, rendererDir: dir });
});
afterAll(async () => {
  await server.close();
  await core.close();
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.origin}${path}`, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function upgrade(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${server.origin.replace('http', 'ws')}/api`, { headers });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode!));
    socket.once('error', () => {});
  });
}

const cookie = () => `switchyard_token=${server.token}`;

describe('serve mode', () => {
  it('binds to loopback and prints a URL carrying the token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
  });

  it('refuses pages without the token (401) or with a wrong one', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
    expect((await get('/', { Cookie: 'switchyard_token=wrong' })).status).toBe(401);
  });

  it('trades the URL token for an HttpOnly SameSite cookie and serves the page with a strict CSP', async () => {
    const first = await get(`/?token=${server.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    expect(String(first.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const page = await get('/', { Cookie: cookie() });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.headers['content-security-policy']).not.toMatch(/unsafe-eval|https?:/);
  });

  it('refuses other Origins and Hosts (403)', async () => {
    expect((await get('/', { Cookie: cookie(), Origin: 'http://evil.invalid' })).status).toBe(403);
    expect((await get('/', { Cookie: cookie(), Host: 'evil.invalid' })).status).toBe(403);
  });

  it('does not let a path escape the renderer folder', async () => {
    for (const path of ['/../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/assets/..%2f..%2f..%2fetc/hostname.txt']) {
      const res = await get(path, { Cookie: cookie() });
      // Either refused or the app shell (client-side route fallback), never the file.
      expect(res.status === 404 || res.body.includes('<title>Switchyard</title>')).toBe(true);
      expect(res.body).not.toMatch(/root:/);
    }
    expect((await get('/missing.js', { Cookie: cookie() })).status).toBe(404);
  });

  it('gates WebSocket upgrades the same way', async () => {
    expect(await upgrade({ Origin: server.origin })).toBe(401);
    expect(await upgrade({ Cookie: cookie() })).toBe(403);
    expect(await upgrade({ Cookie: cookie(), Origin: 'http://evil.invalid' })).toBe(403);
    expect(await upgrade({ Cookie: cookie(), Origin: server.origin })).toBe(101);
  });
});
