// The Troubleshoot panel per router: the last per-uplink report, whether a run is going, and
// the error of the last run. A run is read-only on the router, so it may be repeated freely.
import { create } from 'zustand';
import type { TroubleshootReport } from '../../shared/api/troubleshoot-schemas.ts';
import type { ApiError } from '../../shared/errors.ts';
import { api } from '../api/api.ts';
import { toApiError } from './failover-store.ts';

export interface RouterTroubleshooting {
  running: boolean;
  report: TroubleshootReport | null;
  error: ApiError | null;
}

export const emptyTroubleshooting: RouterTroubleshooting = { running: false, report: null, error: null };

export interface TroubleshootOptions {
  readonly uplink?: string;
  readonly target?: string;
}

interface TroubleshootState {
  routers: Readonly<Record<string, RouterTroubleshooting>>;
  run(routerId: string, options?: TroubleshootOptions): Promise<void>;
}

export const useTroubleshootStore = create<TroubleshootState>()((set, get) => {
  const patch = (routerId: string, change: Partial<RouterTroubleshooting>) =>
    set((s) => ({ routers: { ...s.routers, [routerId]: { ...(s.routers[routerId] ?? emptyTroubleshooting), ...change } } }));
  return {
    routers: {},
    async run(routerId, options = {}) {
      if (get().routers[routerId]?.running) return;
      patch(routerId, { running: true, error: null });
      try {
        const fresh = await api.call('troubleshoot.run', { routerId, ...(options.uplink && { uplink: options.uplink }), ...(options.target && { target: options.target }) });
        // One uplink re-checked replaces only its own card.
        const previous = get().routers[routerId]?.report;
        const report =
          options.uplink && previous
            ? { ...fresh, target: previous.target === fresh.target ? fresh.target : null, uplinks: previous.uplinks.map((u) => fresh.uplinks.find((f) => f.name === u.name) ?? u) }
            : fresh;
        patch(routerId, { running: false, report });
      } catch (error) {
        patch(routerId, { running: false, error: toApiError(error) });
      }
    },
  };
});
