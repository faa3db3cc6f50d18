// Serve mode: the built renderer and the contract over WebSocket on one loopback port, for
// tests and headless boxes. Every request needs the random token printed at start (as a
// query parameter once, then an HttpOnly cookie); foreign Origins and Hosts are refused so a
// web page in the user's browser cannot drive the core (DNS rebinding, cross-site WebSocket).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer } from 'ws';
import type { Core } from '../core/app-core.ts';
import { contentSecurityPolicy } from '../../shared/csp.ts';
import { attachWebSocket } from './ws-adapter.ts';

export interface ServeOptions {
  core: Core;
  rendererDir: string;
  host?: string;
  port?: number;
  token?: string;
}

export interface ServeHandle {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly port: number;
  close(): Promise<void>;
}

const cookieName = 'switchyard_token';
/** Hard cap per WebSocket frame; frames between 1 MiB and this get a typed error instead. */
const maxFrameBytes = 8 * 1024 * 1024;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export async function startServeServer(options: ServeOptions): Promise<ServeHandle> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererDir = resolve(options.rendererDir);
  let origin = '';
  let allowedHosts = new Set<string>();

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes });
  wss.on('connection', (socket) => attachWebSocket(socket, options.core));

  const server = createServer((req, res) => {
    const refusal = checkRequest(req, token, origin, allowedHosts);
    if (refusal) return refuse(res, refusal);
    const url = new URL(req.url ?? '/', origin);
    if (url.searchParams.has('token')) {
      // Trade the token in the URL for a cookie and drop it from the address bar and history.
      url.searchParams.delete('token');
      res.writeHead(303, {
        Location: url.pathname + url.search,
        'Set-Cookie': `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        'Cache-Control': 'no-store',
      });
      return res.end();
    }
    serveStatic(res, rendererDir, url.pathname, origin);
  });

  server.on('upgrade', (req, socket, head) => {
    const refusal = checkRequest(req, token, origin, allowedHosts, { requireOrigin: true });
    if (refusal || new URL(req.url ?? '/', origin).pathname !== '/api') {
      const status = refusal ?? 404;
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found'}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  origin = `http://${urlHost}:${port}`;
  allowedHosts = new Set([`${urlHost}:${port}`, ...(isLoopback(host) ? [`localhost:${port}`, `127.0.0.1:${port}`] : [])]);

  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    port,
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

function checkRequest(req: IncomingMessage, token: string, origin: string, allowedHosts: Set<string>, opts: { requireOrigin?: boolean } = {}): 401 | 403 | null {
  if (!allowedHosts.has(req.headers.host ?? '')) return 403;
  const requestOrigin = req.headers.origin;
  if (requestOrigin !== undefined ? requestOrigin !== origin : opts.requireOrigin) return 403;
  const url = new URL(req.url ?? '/', origin);
  const offered = url.searchParams.get('token') ?? readCookie(req.headers.cookie, cookieName);
  return offered !== null && sameSecret(offered, token) ? null : 401;
}

function serveStatic(res: ServerResponse, rendererDir: string, pathname: string, origin: string): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return refuse(res, 400);
  }
  const relative = normalize(decoded === '/' ? '/index.html' : decoded);
  const file = join(rendererDir, relative);
  if (!file.startsWith(rendererDir + sep)) return refuse(res, 404);
  let target = file;
  if (!isFile(target)) {
    // Client-side routes fall back to the app shell; missing assets stay 404.
    if (extname(relative)) return refuse(res, 404);
    target = join(rendererDir, 'index.html');
    if (!isFile(target)) return refuse(res, 500, 'The renderer is not built. Run `npm run build:renderer`.');
  }
  res.writeHead(200, {
    'Content-Type': contentTypes[extname(target)] ?? 'application/octet-stream',
    'Content-Security-Policy': contentSecurityPolicy({ connectSrc: [origin.replace(/^http/, 'ws')] }),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });
  createReadStream(target).pipe(res);
}

function refuse(res: ServerResponse, status: number, message?: string): void {
  const text = message ?? (status === 401 ? 'Unauthorized: open the URL printed by `npm run serve`, which carries the token.' : status === 403 ? 'Forbidden.' : 'Not found.');
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
