// Carries the contract over Electron IPC: one invoke channel for calls (sender frame checked,
// size checked, then the shared dispatcher) and one push channel for events.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { maxRequestBytes, type ResultEnvelope } from '../../shared/api/contract.ts';
import { ipcChannels } from '../../shared/api/method-names.ts';
import type { Core } from '../core/app-core.ts';
import { isTrustedSenderUrl } from './window-options.ts';

export function registerIpc(ipcMain: Pick<IpcMain, 'handle'>, core: Core, send: (channel: string, ...args: unknown[]) => void): () => void {
  ipcMain.handle(ipcChannels.call, async (event: Pick<IpcMainInvokeEvent, 'senderFrame'>, method: unknown, params: unknown): Promise<ResultEnvelope> => {
    if (!isTrustedSenderUrl(event.senderFrame?.url)) {
      return { ok: false, error: { code: 'unauthorized', message: 'Calls are accepted only from the Switchyard window.' } };
    }
    const bytes = Buffer.byteLength(JSON.stringify(params ?? null) ?? '');
    if (bytes > maxRequestBytes) {
      return { ok: false, error: { code: 'bad-request', message: `The request is ${bytes} bytes; the limit is ${maxRequestBytes} bytes (1 MiB).` } };
    }
    return core.dispatcher.dispatch(method, params);
  });
  return core.events.onAny((event, payload) => send(ipcChannels.event, event, payload));
}
