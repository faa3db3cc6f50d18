// The Failover drill tab per router: past reports from the router's history, the running
// drill's progress (onDidDrillProgress), the opened report and its exports.
import { create } from 'zustand';
import type { DrillProgress, DrillReport, DrillSummary, drillExportFormats } from '../../shared/api/drill-schemas.ts';
import type { ApiError } from '../../shared/errors.ts';
import { api } from '../api/api.ts';
import { toApiError } from './failover-store.ts';
import { downloadFile } from '../download-file.ts';

export type DrillExportFormat = (typeof drillExportFormats)[number];

export interface RouterDrills {
  load: 'idle' | 'loading' | 'ready' | 'error';
  reports: readonly DrillSummary[];
  /** The running drill's latest progress, null when none runs. */
  running: Pick<DrillProgress, 'drillId' | 'phase' | 'trial' | 'trials' | 'message'> | null;
  error: ApiError | null;
  opened: DrillReport | null;
  exporting: DrillExportFormat | null;
}

export const emptyRouterDrills: RouterDrills = { load: 'idle', reports: [], running: null, error: null, opened: null, exporting: null };

interface DrillState {
  routers: Readonly<Record<string, RouterDrills>>;
  /** The tab mounted: load and follow progress; the returned function stops following. */
  open(routerId: string): () => void;
  start(routerId: string, trials: number): Promise<void>;
  openReport(routerId: string, reportId: string): Promise<void>;
  closeReport(routerId: string): void;
  exportReport(routerId: string, format: DrillExportFormat): Promise<void>;
}

export const useDrillStore = create<DrillState>()((set, get) => {
  const current = (routerId: string) => get().routers[routerId] ?? emptyRouterDrills;
  const patch = (routerId: string, change: Partial<RouterDrills>) => set((s) => ({ routers: { ...s.routers, [routerId]: { ...(s.routers[routerId] ?? emptyRouterDrills), ...change } } }));

  async function refresh(routerId: string): Promise<void> {
    try {
      const state = await api.call('drill.list', { routerId });
      patch(routerId, { load: 'ready', reports: state.reports, running: state.running });
    } catch (error) {
      patch(routerId, { load: 'error', error: toApiError(error) });
    }
  }

  return {
    routers: {},
    open(routerId) {
      if (current(routerId).load === 'idle') patch(routerId, { load: 'loading' });
      void refresh(routerId);
      return api.on('onDidDrillProgress', (p) => {
        if (p.routerId !== routerId) return;
        if (p.phase === 'done' || p.phase === 'failed') {
          patch(routerId, { running: null, ...(p.error && { error: { code: p.error.code as ApiError['code'], message: p.error.message } }) });
          void refresh(routerId).then(() => (p.reportId ? get().openReport(routerId, p.reportId) : undefined));
        } else {
          patch(routerId, { running: { drillId: p.drillId, phase: p.phase, trial: p.trial, trials: p.trials, message: p.message } });
        }
      });
    },
    async start(routerId, trials) {
      patch(routerId, { error: null });
      try {
        const { drillId } = await api.call('drill.start', { routerId, trials });
        if (!current(routerId).running) patch(routerId, { running: { drillId, phase: 'preparing', trial: 0, trials, message: 'Checking the router.' } });
      } catch (error) {
        patch(routerId, { error: toApiError(error) });
      }
    },
    async openReport(routerId, reportId) {
      try {
        patch(routerId, { opened: await api.call('drill.get', { id: reportId }) });
      } catch (error) {
        patch(routerId, { error: toApiError(error) });
      }
    },
    closeReport(routerId) {
      patch(routerId, { opened: null });
    },
    async exportReport(routerId, format) {
      const report = current(routerId).opened;
      if (!report) return;
      patch(routerId, { exporting: format, error: null });
      try {
        const file = await api.call('drill.export', { id: report.id, format });
        downloadFile(file.fileName, file.encoding === 'base64' ? Uint8Array.from(atob(file.content), (c) => c.charCodeAt(0)) : file.content, file.mimeType);
      } catch (error) {
        patch(routerId, { error: toApiError(error) });
      } finally {
        patch(routerId, { exporting: null });
      }
    },
  };
});
