// The Events tab per router: the link events of a chosen period (last hour, day or week) with
// live additions while the tab is open, filters by kind and uplink, and the CSV export.
import { create } from 'zustand';
import type { ApiError } from '../../shared/errors.ts';
import { withoutEchoes } from '../../shared/event-echoes.ts';
import type { LinkEvent } from '../../shared/model.ts';
import { api } from '../api/api.ts';
import { downloadFile } from '../download-file.ts';
import type { LinkEventKind } from '../components/events/event-kind.ts';
import { toApiError } from './failover-store.ts';

export const eventRanges = {
  hour: { label: 'Last hour', ms: 3_600_000 },
  day: { label: 'Last day', ms: 86_400_000 },
  week: { label: 'Last week', ms: 7 * 86_400_000 },
} as const;
export type EventRange = keyof typeof eventRanges;

/** history.events answers oldest first up to this many; more than that is said on screen. */
export const eventsLimit = 10_000;

export interface RouterEvents {
  range: EventRange;
  load: 'idle' | 'loading' | 'ready' | 'error';
  error: ApiError | null;
  /** Newest first. */
  events: readonly LinkEvent[];
  /** The answer hit eventsLimit: older events of the period are all there, the newest may not be. */
  truncated: boolean;
  /** Shown kinds; empty means every kind. */
  kinds: readonly LinkEventKind[];
  /** Shown uplink; null means all (router-wide events always show). */
  wan: string | null;
  exporting: boolean;
  exportError: ApiError | null;
  exported: { rows: number; truncated: boolean; fileName: string } | null;
}

export const emptyRouterEvents: RouterEvents = {
  range: 'day',
  load: 'idle',
  error: null,
  events: [],
  truncated: false,
  kinds: [],
  wan: null,
  exporting: false,
  exportError: null,
  exported: null,
};

interface EventsState {
  routers: Readonly<Record<string, RouterEvents>>;
  /** The tab mounted: load and follow live events; the returned function stops following. */
  open(routerId: string): () => void;
  load(routerId: string): Promise<void>;
  setRange(routerId: string, range: EventRange): Promise<void>;
  setKinds(routerId: string, kinds: readonly LinkEventKind[]): void;
  setWan(routerId: string, wan: string | null): void;
  exportCsv(routerId: string, routerName?: string): Promise<void>;
  clearExportError(routerId: string): void;
}

export function filteredEvents(state: RouterEvents): readonly LinkEvent[] {
  if (state.kinds.length === 0 && state.wan === null) return state.events;
  return state.events.filter((e) => (state.kinds.length === 0 || state.kinds.includes(e.kind)) && (state.wan === null || !e.wan || e.wan === state.wan));
}

/** Uplinks named by any event of the period, for the uplink filter. */
export function eventWans(state: RouterEvents): string[] {
  return [...new Set(state.events.flatMap((e) => (e.wan ? [e.wan] : [])))].sort();
}

export const useEventsStore = create<EventsState>()((set, get) => {
  const current = (routerId: string): RouterEvents => get().routers[routerId] ?? emptyRouterEvents;
  const patch = (routerId: string, change: Partial<RouterEvents> | ((state: RouterEvents) => Partial<RouterEvents>)) =>
    set((s) => {
      const before = s.routers[routerId] ?? emptyRouterEvents;
      return { routers: { ...s.routers, [routerId]: { ...before, ...(typeof change === 'function' ? change(before) : change) } } };
    });
  const generations = new Map<string, number>();

  return {
    routers: {},

    open(routerId) {
      const off = api.on('onDidLinkEvent', (event) => {
        if (event.routerId !== routerId || current(routerId).load !== 'ready') return;
        // A router event may report an act already listed as Switchyard's record: one entry (event-echoes.ts).
        patch(routerId, (state) => (state.events.some((e) => e.id === event.id) ? {} : { events: withoutEchoes([event, ...state.events].sort((a, b) => b.atMs - a.atMs)) }));
      });
      void get().load(routerId);
      return off;
    },

    async load(routerId) {
      const generation = (generations.get(routerId) ?? 0) + 1;
      generations.set(routerId, generation);
      const { range } = current(routerId);
      const toMs = Date.now() + 1000;
      patch(routerId, { load: 'loading', error: null });
      try {
        const { events } = await api.call('history.events', { routerId, fromMs: Math.max(0, toMs - eventRanges[range].ms), toMs, limit: eventsLimit });
        if (generations.get(routerId) !== generation) return;
        patch(routerId, { load: 'ready', events: withoutEchoes([...events].sort((a, b) => b.atMs - a.atMs)), truncated: events.length >= eventsLimit });
      } catch (error) {
        if (generations.get(routerId) !== generation) return;
        patch(routerId, { load: 'error', error: toApiError(error) });
      }
    },

    async setRange(routerId, range) {
      patch(routerId, { range });
      await get().load(routerId);
    },

    setKinds(routerId, kinds) {
      patch(routerId, { kinds: [...kinds] });
    },

    setWan(routerId, wan) {
      patch(routerId, { wan });
    },

    async exportCsv(routerId, routerName) {
      const { range } = current(routerId);
      const toMs = Date.now() + 1000;
      patch(routerId, { exporting: true, exportError: null, exported: null });
      try {
        const result = await api.call('history.export', { routerId, what: 'events', fromMs: Math.max(0, toMs - eventRanges[range].ms), toMs });
        const fileName = `switchyard-events-${safeName(routerName ?? routerId)}-${new Date(toMs).toISOString().slice(0, 16).replace(':', '')}.csv`;
        downloadFile(fileName, result.csv, 'text/csv');
        patch(routerId, { exporting: false, exported: { rows: result.rows, truncated: result.truncated, fileName } });
      } catch (error) {
        patch(routerId, { exporting: false, exportError: toApiError(error) });
      }
    },

    clearExportError(routerId) {
      patch(routerId, { exportError: null });
    },
  };
});

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'router';
}

export function useRouterEvents(routerId: string): RouterEvents {
  return useEventsStore((s) => s.routers[routerId] ?? emptyRouterEvents);
}
