// The routers cache, per site, refreshed when the core says the inventory changed.
import { create } from 'zustand';
import type { RequestOf, ResponseOf } from '../../shared/api/contract.ts';
import type { NewRouter, Router } from '../../shared/api/routers-schemas.ts';
import { api, errorMessage } from '../api/api.ts';

interface RoutersState {
  routers: readonly Router[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  load(): Promise<void>;
  create(input: NewRouter): Promise<Router>;
  update(id: string, patch: RequestOf<'routers.update'>['patch']): Promise<Router>;
  remove(id: string): Promise<void>;
  /** Host entries of the user's ~/.ssh/config, as candidates for a new router. */
  sshConfigHosts(): Promise<ResponseOf<'routers.sshConfigHosts'>['hosts']>;
  watch(): () => void;
}

export const useRoutersStore = create<RoutersState>()((set, get) => ({
  routers: [],
  status: 'idle',
  error: null,
  async load() {
    if (get().status === 'idle') set({ status: 'loading' });
    try {
      const { routers } = await api.call('routers.list', {});
      set({ routers, status: 'ready', error: null });
    } catch (error) {
      set({ status: 'error', error: errorMessage(error) });
    }
  },
  async create(input) {
    const router = await api.call('routers.create', input);
    await get().load();
    return router;
  },
  async update(id, patch) {
    const router = await api.call('routers.update', { id, patch });
    await get().load();
    return router;
  },
  async remove(id) {
    await api.call('routers.remove', { id });
    await get().load();
  },
  async sshConfigHosts() {
    return (await api.call('routers.sshConfigHosts')).hosts;
  },
  watch() {
    return api.on('onDidChangeSites', () => void get().load());
  },
}));
