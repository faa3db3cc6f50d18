// The sites cache: loaded from the core, refreshed when the core says sites changed; also the
// inventory as a whole (export and import), since an import is mostly new sites.
import { create } from 'zustand';
import type { RequestOf, ResponseOf } from '../../shared/api/contract.ts';
import type { InventoryFile } from '../../shared/api/inventory-schemas.ts';
import type { Site, SiteInput } from '../../shared/api/sites-schemas.ts';
import { api, errorMessage } from '../api/api.ts';

interface SitesState {
  sites: readonly Site[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  load(): Promise<void>;
  create(input: SiteInput): Promise<Site>;
  update(id: string, patch: RequestOf<'sites.update'>['patch']): Promise<Site>;
  remove(id: string): Promise<void>;
  exportInventory(): Promise<InventoryFile>;
  importInventory(file: InventoryFile): Promise<ResponseOf<'inventory.import'>>;
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
  async update(id, patch) {
    const site = await api.call('sites.update', { id, patch });
    await get().load();
    return site;
  },
  async remove(id) {
    await api.call('sites.remove', { id });
    await get().load();
  },
  exportInventory() {
    return api.call('inventory.export');
  },
  async importInventory(file) {
    const counts = await api.call('inventory.import', { file });
    await get().load();
    return counts;
  },
  watch() {
    return api.on('onDidChangeSites', () => void get().load());
  },
}));
