// The sandboxed preload: a proxy that turns each API call into one invoke over an allowlist.
// Adding an API method never touches this file. Built as CommonJS (sandboxed preloads must be).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { eventNames, ipcChannels, methodNames, type PreloadBridge } from '../shared/api/method-names.ts';

const methods = new Set<string>(methodNames);
const events = new Set<string>(eventNames);

const bridge: PreloadBridge = {
  call(method, params) {
    if (!methods.has(method)) return Promise.resolve({ ok: false, error: { code: 'unknown-method', message: `There is no API method named ${String(method)}.` } });
    return ipcRenderer.invoke(ipcChannels.call, method, params);
  },
  on(event, listener) {
    if (!events.has(event)) throw new Error(`There is no event named ${String(event)}.`);
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(ipcChannels.event, handler);
    return () => void ipcRenderer.off(ipcChannels.event, handler);
  },
};

contextBridge.exposeInMainWorld('switchyard', bridge);
