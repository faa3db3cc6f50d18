// The contract over WebSocket (serve mode): same-origin `/api`, authenticated by the cookie
// the server set when the tokened URL was opened. Reconnects after a drop; calls made while
// disconnected fail fast with a typed error instead of hanging.
import type { PreloadBridge } from '../../shared/api/method-names.ts';
import type { ApiError } from '../../shared/errors.ts';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
}

const callTimeoutMs = 60_000;

export function createWsBridge(url = defaultUrl()): PreloadBridge & { ready: Promise<void> } {
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let socket: WebSocket;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const connect = (attempt: number) => {
    socket = new WebSocket(url);
    socket.onopen = () => markReady();
    socket.onmessage = (message) => {
      const frame = JSON.parse(String(message.data)) as { id?: number; ok?: boolean; result?: unknown; error?: ApiError; event?: string; payload?: unknown };
      if (frame.event !== undefined) {
        for (const listener of listeners.get(frame.event) ?? []) listener(frame.payload);
        return;
      }
      const call = pending.get(frame.id ?? -1);
      if (!call) return;
      pending.delete(frame.id!);
      clearTimeout(call.timer);
      call.resolve(frame.ok ? { ok: true, result: frame.result } : { ok: false, error: frame.error });
    };
    socket.onclose = () => {
      for (const [id, call] of pending) {
        clearTimeout(call.timer);
        call.resolve(lost());
        pending.delete(id);
      }
      setTimeout(() => connect(attempt + 1), Math.min(5000, 250 * 2 ** attempt));
    };
  };
  connect(0);

  return {
    ready,
    async call(method, params) {
      await ready;
      if (socket.readyState !== WebSocket.OPEN) return lost();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve({ ok: false, error: { code: 'timeout', message: `${method} got no answer within ${callTimeoutMs / 1000} s.` } });
        }, callTimeoutMs);
        pending.set(id, { resolve, reject, timer });
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  };
}

function lost() {
  return { ok: false, error: { code: 'connection-lost', message: 'The connection to the Switchyard core was lost. It reconnects by itself; try again in a moment.' } };
}

function defaultUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`;
}
