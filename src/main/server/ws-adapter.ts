// Carries the contract over one WebSocket: request frames in, result frames and events out.
// Bad frames get a typed error on the same socket; nothing a client sends can crash the core.
import type { WebSocket } from 'ws';
import type { EventName } from '../../shared/api/contract.ts';
import type { Core } from '../core/app-core.ts';
import { decodeRequestFrame } from '../core/api/wire.ts';

export function attachWebSocket(socket: WebSocket, core: Core): void {
  const send = (frame: unknown) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };
  const unsubscribe = core.events.onAny((event: EventName, payload: unknown) => send({ event, payload }));
  socket.on('close', unsubscribe);
  // On a protocol error (a frame over maxPayload: 1009) ws has already started closing with the
  // right code; terminating here would cut the socket before that close frame is sent (the
  // client would see 1006). ws ends the socket itself once the frame is out, or after its timeout.
  socket.on('error', () => {
    if (socket.readyState !== socket.CLOSING && socket.readyState !== socket.CLOSED) socket.terminate();
  });

  socket.on('message', (data, isBinary) => {
    const raw = isBinary ? null : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (raw === null) {
      send({ id: null, ok: false, error: { code: 'bad-request', message: 'Binary frames are not accepted; send JSON text.' } });
      return;
    }
    const decoded = decodeRequestFrame(raw);
    if (decoded.kind === 'invalid') {
      send({ id: decoded.id, ok: false, error: decoded.error });
      return;
    }
    const { id, method, params } = decoded.frame;
    void core.dispatcher.dispatch(method, params).then((envelope) => send({ id, ...envelope }));
  });
}
