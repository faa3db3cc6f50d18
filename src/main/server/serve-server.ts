// Serve mode: the built renderer and the contract over WebSocket on one loopback port, for
// tests and headless boxes. The random token printed at start opens the app once: it is traded
// for a separate session secret in an HttpOnly cookie and is worthless afterwards (a token
// copied from a terminal scrollback or shell history cannot open a second session). Every
// request needs that cookie; foreign Origins and Hosts are refused so a web page in the user's
// browser cannot drive the core (DNS rebinding, cross-site WebSocket).
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

const cookieName = 'switchyard_session';
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
  const gate = createSessionGate(token);

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes });
  wss.on('connection', (socket) => attachWebSocket(socket, options.core));

  const server = createServer((req, res) => {
    const hostRefusal = checkHostAndOrigin(req, allowedHosts);
    if (hostRefusal) return refuse(res, hostRefusal);
    const requestHost = req.headers.host!;
    const url = new URL(req.url ?? '/', `http://${requestHost}`);
    const hasSession = gate.hasSession(readCookie(req.headers.cookie, cookieName));
    if (url.searchParams.has('token')) {
      // Trade the token in the URL, once, for a session cookie and drop it from the address bar
      // and history. A browser that already holds a session just loses the token from the URL.
      const session = hasSession ? null : gate.trade(url.searchParams.get('token')!);
      if (!hasSession && session === null) return refuse(res, 401, tokenRefusal(gate.tokenSpent()));
      url.searchParams.delete('token');
      res.writeHead(303, {
        Location: url.pathname + url.search,
        ...(session !== null ? { 'Set-Cookie': `${cookieName}=${session}; HttpOnly; SameSite=Strict; Path=/` } : {}),
        'Cache-Control': 'no-store',
      });
      return res.end();
    }
    if (!hasSession) return refuse(res, 401, tokenRefusal(gate.tokenSpent()));
    serveStatic(res, rendererDir, url.pathname, requestHost);
  });

  server.on('upgrade', (req, socket, head) => {
    // Only the session cookie opens the API: a token in the URL is never accepted here.
    const refusal = checkHostAndOrigin(req, allowedHosts, { requireOrigin: true }) ?? (gate.hasSession(readCookie(req.headers.cookie, cookieName)) ? null : 401);
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

interface SessionGate {
  /** The session secret for a correct, unspent token; null otherwise. Spends the token. */
  trade(offered: string): string | null;
  hasSession(offered: string | null): boolean;
  tokenSpent(): boolean;
}

function createSessionGate(token: string): SessionGate {
  let spent = false;
  const sessions: string[] = [];
  return {
    trade(offered) {
      if (spent || !sameSecret(offered, token)) return null;
      spent = true;
      const session = randomBytes(32).toString('base64url');
      sessions.push(session);
      return session;
    },
    hasSession: (offered) => offered !== null && sessions.some((session) => sameSecret(offered, session)),
    tokenSpent: () => spent,
  };
}

function tokenRefusal(spent: boolean): string {
  return spent
    ? 'Unauthorized: the token of this server was already used to open it, and it opens one browser only. Use the browser that opened it, or restart `npm run serve` for a new token.'
    : 'Unauthorized: open the URL printed by `npm run serve`, which carries the token.';
}

/**
 * The Host must be this server under one of its names (127.0.0.1 or localhost on loopback), and
 * the Origin, when sent, the same name: a page opened via localhost talks to localhost.
 */
function checkHostAndOrigin(req: IncomingMessage, allowedHosts: Set<string>, opts: { requireOrigin?: boolean } = {}): 403 | null {
  const requestHost = req.headers.host ?? '';
  if (!allowedHosts.has(requestHost)) return 403;
  const requestOrigin = req.headers.origin;
  if (requestOrigin !== undefined ? requestOrigin !== `http://${requestHost}` : opts.requireOrigin) return 403;
  return null;
}

function serveStatic(res: ServerResponse, rendererDir: string, pathname: string, requestHost: string): void {
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
    'Content-Security-Policy': contentSecurityPolicy({ connectSrc: [`ws://${requestHost}`] }),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });
  createReadStream(target).pipe(res);
}

function refuse(res: ServerResponse, status: number, message?: string): void {
  const text = message ?? (status === 403 ? 'Forbidden.' : 'Not found.');
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
