// The sites cache: loaded from the core, refreshed when the core says sites changed.
import { create } from 'zustand';
import type { Site, SiteInput } from '../../shared/api/sites-schemas.ts';
import { api, errorMessage } from '../api/api.ts';

interface SitesState {
  sites: readonly Site[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  load(): Promise<void>;
  create(input: SiteInput): Promise<Site>;
  remove(id: string): Promise<void>;
  watch(): () => void;
}

export const useSitesStore = create<SitesState>()((set, get) => ({
  sites: [],
  status: 'idle',
  error: null,
  async load() {
    if (get().status === 'idle') set({ status: 'loading' });
    try {
      const { sites } = await api.call('sites.list');
      set({ sites, status: 'ready', error: null });
    } catch (error) {
      set({ status: 'error', error: errorMessage(error) });
    }
  },
  async create(input) {
    const site = await api.call('sites.create', input);
    await get().load();
    return site;
  },
  async remove(id) {
    await api.call('sites.remove', { id });
    await get().load();
  },
  watch() {
    return api.on('onDidChangeSites', () => void get().load());
  },
}));
