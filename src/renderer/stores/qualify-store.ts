// Target qualification per router (issue 14 item 4): the last test of the draft's targets from
// the router, and the one-click fixes, applied to the draft through the failover store.
import { create } from 'zustand';
import type { QualifyResult, TargetFix } from '../../shared/api/qualify-schemas.ts';
import type { ApiError } from '../../shared/errors.ts';
import { applyPreset, planPreset } from '../../shared/failover-presets.ts';
import type { FailoverPolicy, PlatformId } from '../../shared/model.ts';
import { applyTargetFix } from '../../shared/target-fix.ts';
import { api } from '../api/api.ts';
import { toApiError, useFailoverStore } from './failover-store.ts';

export interface RouterQualify {
  running: boolean;
  result: QualifyResult | null;
  error: ApiError | null;
  /** Findings already fixed in the draft since the last test (by index). */
  fixed: readonly number[];
}

const empty: RouterQualify = { running: false, result: null, error: null, fixed: [] };

interface QualifyState {
  routers: Readonly<Record<string, RouterQualify>>;
  run(routerId: string, policy: FailoverPolicy, candidates: readonly string[]): Promise<void>;
  fix(routerId: string, platform: PlatformId, index: number, fix: TargetFix): void;
}

/** Puts each uplink's tracking of `next` into the draft (the failover store's own edit path). */
export function setDraftTracking(routerId: string, next: FailoverPolicy): void {
  const { updateTracking } = useFailoverStore.getState();
  for (const w of next.wans) updateTracking(routerId, w.name, { ...w.tracking });
}

export const useQualifyStore = create<QualifyState>()((set, get) => {
  const patch = (routerId: string, change: Partial<RouterQualify>) => set((s) => ({ routers: { ...s.routers, [routerId]: { ...(s.routers[routerId] ?? empty), ...change } } }));
  return {
    routers: {},
    async run(routerId, policy, candidates) {
      patch(routerId, { running: true, error: null });
      try {
        const result = await api.call('failover.qualifyTargets', { routerId, policy, candidates: [...candidates] });
        patch(routerId, { running: false, result, fixed: [] });
      } catch (error) {
        patch(routerId, { running: false, error: toApiError(error) });
      }
    },
    fix(routerId, platform, index, fix) {
      const draft = useFailoverStore.getState().routers[routerId]?.draft;
      if (!draft) return;
      const next = fix.kind === 'use-preset' ? applyPreset(draft, planPreset(platform, fix.preset, draft.wans)) : applyTargetFix(draft, fix);
      setDraftTracking(routerId, next);
      patch(routerId, { fixed: [...(get().routers[routerId]?.fixed ?? []), index] });
    },
  };
});
