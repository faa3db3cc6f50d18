// The renderer's only way to the main side: typed by the shared contract, over the Electron
// preload when present, else WebSocket (serve mode). Stores call this; components never do.
import type { EventName, EventPayload, MethodName, RequestOf, ResponseOf, ResultEnvelope } from '../../shared/api/contract.ts';
import type { PreloadBridge } from '../../shared/api/method-names.ts';
import type { ApiError } from '../../shared/errors.ts';
import { createWsBridge } from './ws-client.ts';

declare global {
  interface Window {
    switchyard?: PreloadBridge;
  }
}

/** A failed call, carrying the contract error; the UI branches on `code`, never on text. */
export class ApiCallError extends Error {
  readonly error: ApiError;
  constructor(error: ApiError) {
    super(error.message);
    this.name = 'ApiCallError';
    this.error = error;
  }
}

let bridge: PreloadBridge | undefined;
function getBridge(): PreloadBridge {
  bridge ??= window.switchyard ?? createWsBridge();
  return bridge;
}

export const api = {
  async call<M extends MethodName>(method: M, ...params: {} extends RequestOf<M> ? [RequestOf<M>?] : [RequestOf<M>]): Promise<ResponseOf<M>> {
    const envelope = (await getBridge().call(method, params[0] ?? {})) as ResultEnvelope;
    if (!envelope.ok) throw new ApiCallError(envelope.error);
    return envelope.result as ResponseOf<M>;
  },
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return getBridge().on(event, listener as (payload: unknown) => void);
  },
};

export function errorMessage(error: unknown): string {
  return error instanceof ApiCallError ? error.error.message : error instanceof Error ? error.message : String(error);
}
