// Serve mode's gate: no token → 401, foreign Origin or Host → 403, for pages and WebSocket
// upgrades alike; the token in the URL is traded once for a separate session secret in an
// HttpOnly cookie; localhost and 127.0.0.1 work alike; oversized frames close with 1009.
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
let sessionCookie = '';

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-renderer-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Switchyard</title>');
  core = await createCore({ dataDir: ':memory:', transport: 'websocket' });
  server = await startServeServer({ core, rendererDir: dir });
  sessionCookie = await tradeToken(server);
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

function upgrade(headers: Record<string, string>, path = '/api', base = server.origin): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${base.replace('http', 'ws')}${path}`, { headers });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode!));
    socket.once('error', () => {});
  });
}

/** Opens the tokened URL the way a browser does and returns the session cookie it got. */
async function tradeToken(target: ServeHandle): Promise<string> {
  const res = await new Promise<{ status: number; setCookie: string }>((resolve, reject) => {
    const req = request(target.url, (r) => {
      r.resume();
      r.on('end', () => resolve({ status: r.statusCode!, setCookie: String(r.headers['set-cookie'] ?? '') }));
    });
    req.on('error', reject);
    req.end();
  });
  if (res.status !== 303) throw new Error(`trading the token gave HTTP ${res.status}`);
  return res.setCookie.split(';')[0]!;
}

const cookie = () => sessionCookie;

describe('serve mode', () => {
  it('binds to loopback and prints a URL carrying the token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
  });

  it('refuses pages without the token (401) or with a wrong one', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
    expect((await get('/', { Cookie: 'switchyard_session=wrong' })).status).toBe(401);
  });

  it('trades the URL token for an HttpOnly SameSite session cookie that is not the token, and serves the page with a strict CSP', async () => {
    expect(cookie()).toMatch(/^switchyard_session=[\w-]{43}$/);
    expect(cookie()).not.toContain(server.token);
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

  it('opens with the token once: a second trade is refused and the token is no cookie', async () => {
    const again = await get(`/?token=${server.token}`);
    expect(again.status).toBe(401);
    expect(again.body).toMatch(/already used/);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect((await get('/', { Cookie: `switchyard_session=${server.token}` })).status).toBe(401);
    expect((await get('/', { Cookie: `switchyard_token=${server.token}` })).status).toBe(401);
    // The browser that holds the session may reload the tokened URL: it just loses the token.
    const reload = await get(`/?token=${server.token}`, { Cookie: cookie() });
    expect(reload.status).toBe(303);
    expect(reload.headers['set-cookie']).toBeUndefined();
  });

  it('never opens a WebSocket with the token in the URL', async () => {
    expect(await upgrade({ Origin: server.origin }, `/api?token=${server.token}`)).toBe(401);
    expect(await upgrade({ Origin: server.origin, Cookie: `switchyard_token=${server.token}` })).toBe(401);
  });

  it('works the same when opened as localhost: page, CSP and WebSocket', async () => {
    const local = `http://localhost:${server.port}`;
    const page = await get('/', { Cookie: cookie(), Host: `localhost:${server.port}`, Origin: local });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain(`ws://localhost:${server.port}`);
    expect(await upgrade({ Cookie: cookie(), Origin: local }, '/api', local)).toBe(101);
    // A page of one name may not talk to the other.
    expect(await upgrade({ Cookie: cookie(), Origin: server.origin }, '/api', local)).toBe(403);
  });

  it('closes a connection sending a frame over 8 MiB with 1009 in a clean closing handshake, every time', async () => {
    for (let trial = 0; trial < 5; trial++) {
      const outcome = await new Promise<{ code: number; error: string | null }>((resolve, reject) => {
        let error: string | null = null;
        const socket = new WebSocket(`${server.origin.replace('http', 'ws')}/api`, { headers: { Cookie: cookie(), Origin: server.origin } });
        socket.once('open', () => socket.send('x'.repeat(9 * 1024 * 1024)));
        socket.once('close', (code) => resolve({ code, error }));
        // A socket cut before the close handshake shows up here (ECONNRESET, EPIPE): the
        // client may or may not have read the close frame by then (1006 on a busy machine).
        socket.once('error', (e) => (error = e.message));
        socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      });
      expect(outcome).toEqual({ code: 1009, error: null });
    }
  });

  it('gates WebSocket upgrades the same way', async () => {
    expect(await upgrade({ Origin: server.origin })).toBe(401);
    expect(await upgrade({ Cookie: cookie() })).toBe(403);
    expect(await upgrade({ Cookie: cookie(), Origin: 'http://evil.invalid' })).toBe(403);
    expect(await upgrade({ Cookie: cookie(), Origin: server.origin })).toBe(101);
  });
});
