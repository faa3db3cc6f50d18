// WAN failover per router: the snapshot read from the router, the draft being edited (nothing
// reaches the router before Apply), its validation, live status polling, and safe apply as a
// state machine: plan → apply (revert timer armed on the router) → confirm or revert.
import { create } from 'zustand';
import type { ResponseOf } from '../../shared/api/contract.ts';
import type { ErrorCode, ApiError } from '../../shared/errors.ts';
import type { ApplyPlan, RouterStatus, TargetSuggestion } from '../../shared/failover-schemas.ts';
import type { Dampening, FailoverPolicy, RouterRuleChoice, Tracking, Wan } from '../../shared/model.ts';
import { api, ApiCallError } from '../api/api.ts';
import { defaultDampening, policyDampening } from '../../shared/failover-defaults.ts';
import { initialPolicy } from '../../shared/initial-policy.ts';
import { validatePolicy, type PolicyIssues } from '../components/failover/policy-issues.ts';

export type FailoverSnapshot = ResponseOf<'failover.get'>;
export type Verification = ResponseOf<'failover.apply'>['verification'];

/** The safe-apply state machine; `kind` says where the user is. */
export type ApplyPhase =
  | { kind: 'idle' }
  | { kind: 'planning' }
  | { kind: 'planned'; plan: ApplyPlan }
  | { kind: 'applying'; plan: ApplyPlan; startedAtMs: number; revertInSec: number }
  | { kind: 'pending-confirm'; revertAtMs: number | null; verification: Verification | null; busy: 'confirming' | 'reverting' | null; error: ApiError | null }
  /** The router stopped answering mid-way; it reverts by itself at `revertAtMs` unless confirmed. */
  | { kind: 'connection-lost'; during: 'applying' | 'confirming' | 'reverting'; revertAtMs: number; error: ApiError; busy: 'confirming' | 'reverting' | null }
  | { kind: 'confirmed'; verification: Verification | null }
  | { kind: 'reverted'; by: 'user' | 'timer' }
  /** Remove finished: what it put back, as the plan the user agreed to said. */
  | { kind: 'removed'; restored: readonly string[] }
  | { kind: 'error'; during: 'planning' | 'applying'; error: ApiError };

export interface RouterFailover {
  load: 'idle' | 'loading' | 'ready' | 'error';
  loadError: ApiError | null;
  snapshot: FailoverSnapshot | null;
  /** The latest status poll (or the snapshot's status until the first poll). */
  status: RouterStatus | null;
  statusError: ApiError | null;
  draft: FailoverPolicy | null;
  issues: PolicyIssues;
  phase: ApplyPhase;
  revertInSec: number;
  /** A manual failover in flight ('auto' for back to automatic), and its failure. */
  forcing: string | null;
  /** Traffic moves (by hand, or the router moved it) and the router is being read again: the route metrics on screen are from before. */
  metricsStale: boolean;
  forceError: ApiError | null;
  /** "Fill in suggested targets": running, what the router found per uplink, or why it failed. */
  suggesting: boolean;
  suggestions: readonly TargetSuggestion[] | null;
  suggestError: ApiError | null;
}

export const emptyRouterFailover: RouterFailover = {
  load: 'idle',
  loadError: null,
  snapshot: null,
  status: null,
  statusError: null,
  draft: null,
  issues: {},
  phase: { kind: 'idle' },
  revertInSec: 60,
  forcing: null,
  metricsStale: false,
  forceError: null,
  suggesting: false,
  suggestions: null,
  suggestError: null,
};

/** The codes that mean "the router may have cut us off", not "the router said no". */
const lostCodes: readonly ErrorCode[] = ['connection-lost', 'timeout', 'host-unreachable', 'connection-refused'];
export function isConnectionLoss(error: ApiError): boolean {
  return lostCodes.includes(error.code);
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiCallError) return error.error;
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** The screen follows the router within a second while a router is open. */
export const statusPollMs = 1_000;

interface FailoverState {
  routers: Readonly<Record<string, RouterFailover>>;
  open(routerId: string): Promise<void>;
  reload(routerId: string): Promise<void>;
  pollStatus(routerId: string): Promise<void>;
  /** Polls `failover.status` every second until the returned function is called. */
  startPolling(routerId: string): () => void;
  enable(routerId: string): void;
  discard(routerId: string): void;
  setMode(routerId: string, mode: FailoverPolicy['mode']): void;
  setForcedRefreshStreams(routerId: string, on: boolean): void;
  /** Off is spelled as absent, as the router reports it, so turning it on and off again leaves no change. */
  setStayOnBackup(routerId: string, on: boolean): void;
  setDampening(routerId: string, dampening: Dampening): void;
  updateWan(routerId: string, wanName: string, patch: Partial<Omit<Wan, 'name' | 'tracking' | 'priority'>>): void;
  updateTracking(routerId: string, wanName: string, patch: Partial<Tracking>): void;
  resetWan(routerId: string, wanName: string): void;
  /** Moves the uplink at `from` to `to` (list indexes); priority is list order. */
  reorder(routerId: string, from: number, to: number): void;
  addWan(routerId: string, candidateName: string): void;
  removeWan(routerId: string, wanName: string): void;
  /** Asks the router which targets answer from where it is, and fills the uplinks that have none. */
  suggestTargets(routerId: string): Promise<void>;
  setRevertInSec(routerId: string, sec: number): void;
  plan(routerId: string): Promise<void>;
  /** What to do with one of the router's rules ahead of Switchyard's (the plan lists them); plans again at once. */
  setRouterRule(routerId: string, rule: string, choice: RouterRuleChoice): void;
  apply(routerId: string): Promise<void>;
  confirm(routerId: string): Promise<void>;
  rollback(routerId: string): Promise<void>;
  /** Back to idle after a result, or out of a plan the user does not want. */
  dismiss(routerId: string): void;
  force(routerId: string, wan: string): Promise<void>;
  clearForceError(routerId: string): void;
  /** `basedOn`: the remove plan the user agreed to (failover.planRemove). */
  remove(routerId: string, opts?: { readonly basedOn?: string; readonly restoreAdminEdits?: boolean; readonly restored?: readonly string[] }): Promise<void>;
}

function sortedByPriority(policy: FailoverPolicy): FailoverPolicy {
  return { ...policy, wans: [...policy.wans].sort((a, b) => a.priority - b.priority).map((w, i) => ({ ...w, priority: i + 1 })) };
}

/** JSON with sorted keys: an edit undone by hand can leave the keys in another order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/**
 * The policy as the router would run it: a dampening equal to the default is the same as none
 * (drivers read the default back as absent, while Enable's draft names it).
 */
function effective(policy: FailoverPolicy): FailoverPolicy {
  const { dampening, ...rest } = policy;
  return canonical(policyDampening(policy)) === canonical(defaultDampening) ? rest : { ...rest, dampening };
}

/** True when the draft would change something on the router. */
export function isDirty(state: RouterFailover): boolean {
  if (!state.draft) return false;
  const applied = state.snapshot?.policy;
  return !applied || canonical(effective(sortedByPriority(applied))) !== canonical(effective(state.draft));
}

/** Apply may start: a valid, changed draft, and no other apply under way. */
export function canApply(state: RouterFailover): boolean {
  const idle = ['idle', 'planned', 'error', 'confirmed', 'reverted'].includes(state.phase.kind);
  return !!state.draft && !state.snapshot?.capabilities.readOnly && Object.keys(state.issues).length === 0 && isDirty(state) && idle;
}

export const useFailoverStore = create<FailoverState>()((set, get) => {
  const current = (routerId: string): RouterFailover => get().routers[routerId] ?? emptyRouterFailover;
  const patch = (routerId: string, change: Partial<RouterFailover> | ((state: RouterFailover) => Partial<RouterFailover>)) =>
    set((s) => {
      const before = s.routers[routerId] ?? emptyRouterFailover;
      return { routers: { ...s.routers, [routerId]: { ...before, ...(typeof change === 'function' ? change(before) : change) } } };
    });
  const issuesFor = (state: RouterFailover, draft: FailoverPolicy | null): PolicyIssues =>
    draft && state.snapshot ? validatePolicy(draft, { candidates: state.snapshot.candidates, capabilities: state.snapshot.capabilities }) : {};
  /** Every draft edit goes through here so validation is never stale. A plan made from the
   * old draft no longer describes it, so it is dropped. */
  const editDraft = (routerId: string, edit: (draft: FailoverPolicy) => FailoverPolicy) =>
    patch(routerId, (state) => {
      if (!state.draft) return {};
      const draft = edit(state.draft);
      const phase = state.phase.kind === 'planning' || state.phase.kind === 'planned' || state.phase.kind === 'error' ? { kind: 'idle' as const } : state.phase;
      return { draft, issues: issuesFor(state, draft), phase };
    });
  const editWan = (routerId: string, wanName: string, edit: (wan: Wan) => Wan) =>
    editDraft(routerId, (draft) => ({ ...draft, wans: draft.wans.map((w) => (w.name === wanName ? edit(w) : w)) }));
  const polling = new Set<string>();
  /** Per router: the newest reload asked for. An older one answering later would show what the router had before (the route metrics before a force). */
  const reloads = new Map<string, number>();

  /** After the router answered about a commit, decide what the user sees next. */
  const settlePending = (routerId: string, status: RouterStatus, before: RouterStatus | null) => {
    const { phase } = current(routerId);
    if (phase.kind !== 'pending-confirm' && phase.kind !== 'connection-lost') {
      // A change waiting for confirmation that this window did not follow (applied elsewhere, or
      // before a reload) is gone: the router went back by itself; read its settings again.
      if (before?.pendingRevertAtMs != null && status.pendingRevertAtMs === null && !['applying', 'planning'].includes(phase.kind)) void get().reload(routerId);
      return;
    }
    if (phase.busy) return;
    if (status.pendingRevertAtMs !== null) {
      if (phase.kind === 'connection-lost') {
        patch(routerId, { phase: { kind: 'pending-confirm', revertAtMs: status.pendingRevertAtMs, verification: null, busy: null, error: null } });
      } else if (phase.revertAtMs === null || status.pendingRevertAtMs < phase.revertAtMs) {
        // Each reading of the router's deadline can only bring the countdown earlier, never later.
        patch(routerId, { phase: { ...phase, revertAtMs: status.pendingRevertAtMs } });
      }
      return;
    }
    const revertAtMs = phase.revertAtMs;
    // Nothing pending any more and the deadline passed: the router restored the old settings.
    if (revertAtMs !== null && Date.now() >= revertAtMs) {
      patch(routerId, { phase: { kind: 'reverted', by: 'timer' } });
      void get().reload(routerId);
    }
  };

  return {
    routers: {},

    async open(routerId) {
      const state = current(routerId);
      if (state.load === 'ready' || state.load === 'loading') {
        // Coming back to the tab: refresh what the router has without losing the draft.
        if (state.load === 'ready') void get().reload(routerId);
        return;
      }
      patch(routerId, { load: 'loading', loadError: null });
      await get().reload(routerId);
    },

    async reload(routerId) {
      const generation = (reloads.get(routerId) ?? 0) + 1;
      reloads.set(routerId, generation);
      const superseded = () => reloads.get(routerId) !== generation;
      try {
        const snapshot = await api.call('failover.get', { routerId });
        if (superseded()) return;
        patch(routerId, (state) => {
          const keepDraft = state.draft !== null && isDirty(state);
          const draft = keepDraft ? state.draft : snapshot.policy ? sortedByPriority(snapshot.policy) : null;
          const next = { ...state, snapshot };
          return { load: 'ready', loadError: null, snapshot, status: snapshot.status, statusError: null, draft, issues: issuesFor(next, draft), metricsStale: state.forcing !== null };
        });
      } catch (error) {
        if (superseded()) return;
        // A failed refresh keeps what is on screen; only a first load becomes an error page.
        if (current(routerId).snapshot) patch(routerId, { statusError: toApiError(error) });
        else patch(routerId, { load: 'error', loadError: toApiError(error) });
      }
    },

    async pollStatus(routerId) {
      if (polling.has(routerId)) return;
      polling.add(routerId);
      const seen = current(routerId).status;
      try {
        const status = await api.call('failover.status', { routerId });
        // A force, apply, confirm or remove answered while this poll was on its way: its status
        // is newer than this one, which would briefly show the old state again.
        if (current(routerId).status !== seen) return;
        patch(routerId, { status, statusError: null });
        settlePending(routerId, status, seen);
        // The router moved the traffic by itself: the uplinks' route metrics moved with it.
        if (seen && current(routerId).snapshot && activeOf(seen) !== activeOf(status)) {
          patch(routerId, { metricsStale: true });
          void get().reload(routerId);
        }
      } catch (error) {
        patch(routerId, { statusError: toApiError(error) });
      } finally {
        polling.delete(routerId);
      }
    },

    startPolling(routerId) {
      const timer = setInterval(() => {
        if (current(routerId).load === 'ready') void get().pollStatus(routerId);
      }, statusPollMs);
      // While the router's monitor runs, the core pushes its status every second and at once when
      // the router logs a change: the screen follows the router without waiting for the poll.
      const off = api.on('onDidRouterStatus', (push) => {
        if (push.routerId !== routerId || current(routerId).load !== 'ready') return;
        const before = current(routerId).status;
        patch(routerId, { status: push.status, statusError: null });
        settlePending(routerId, push.status, before);
        if (before && activeOf(before) !== activeOf(push.status)) {
          patch(routerId, { metricsStale: true });
          void get().reload(routerId);
        }
      });
      return () => {
        clearInterval(timer);
        off();
      };
    },

    enable(routerId) {
      const state = current(routerId);
      if (!state.snapshot) return;
      const draft = initialPolicy(state.snapshot.platform, state.snapshot.candidates, state.snapshot.capabilities);
      patch(routerId, { draft, issues: issuesFor(state, draft), phase: { kind: 'idle' } });
    },

    discard(routerId) {
      const state = current(routerId);
      const draft = state.snapshot?.policy ? sortedByPriority(state.snapshot.policy) : null;
      patch(routerId, { draft, issues: issuesFor(state, draft), phase: { kind: 'idle' } });
    },

    setMode(routerId, mode) {
      editDraft(routerId, (draft) => ({ ...draft, mode }));
    },

    setForcedRefreshStreams(routerId, on) {
      editDraft(routerId, (draft) => ({ ...draft, forcedRefreshStreams: on }));
    },

    setStayOnBackup(routerId, on) {
      editDraft(routerId, (draft) => {
        const { stayOnBackup: _was, ...rest } = draft;
        return on ? { ...rest, stayOnBackup: true } : rest;
      });
    },

    setDampening(routerId, dampening) {
      editDraft(routerId, (draft) => ({ ...draft, dampening }));
    },

    updateWan(routerId, wanName, change) {
      editWan(routerId, wanName, (wan) => {
        const next = { ...wan, ...change };
        // An emptied gateway means "the one the router learns", which the model spells as absent.
        if ('gateway' in change && !change.gateway) delete (next as { gateway?: string }).gateway;
        return next;
      });
    },

    updateTracking(routerId, wanName, change) {
      editWan(routerId, wanName, (wan) => {
        const tracking = { ...wan.tracking, ...change };
        for (const key of ['latencyThresholdMs', 'lossThresholdPct'] as const) {
          if (key in change && change[key] === undefined) delete (tracking as { [k in typeof key]?: number })[key];
        }
        return { ...wan, tracking };
      });
    },

    resetWan(routerId, wanName) {
      const state = current(routerId);
      const applied = state.snapshot?.policy?.wans.find((w) => w.name === wanName);
      const fresh = state.snapshot && initialPolicy(state.snapshot.platform, state.snapshot.candidates).wans.find((w) => w.name === wanName);
      const original = applied ?? fresh;
      if (original) editWan(routerId, wanName, (wan) => ({ ...original, priority: wan.priority }));
    },

    reorder(routerId, from, to) {
      editDraft(routerId, (draft) => {
        if (from === to || from < 0 || to < 0 || from >= draft.wans.length || to >= draft.wans.length) return draft;
        const wans = [...draft.wans];
        const [moved] = wans.splice(from, 1);
        wans.splice(to, 0, moved!);
        return { ...draft, wans: wans.map((w, i) => ({ ...w, priority: i + 1 })) };
      });
    },

    addWan(routerId, candidateName) {
      const state = current(routerId);
      if (!state.snapshot || !state.draft) return;
      const candidate = state.snapshot.candidates.find((c) => c.name === candidateName);
      if (!candidate || state.draft.wans.some((w) => w.name === candidate.name)) return;
      const [wan] = initialPolicy(state.snapshot.platform, [candidate]).wans;
      editDraft(routerId, (draft) => ({ ...draft, wans: [...draft.wans, { ...wan!, priority: draft.wans.length + 1 }] }));
    },

    removeWan(routerId, wanName) {
      editDraft(routerId, (draft) => ({ ...draft, wans: draft.wans.filter((w) => w.name !== wanName).map((w, i) => ({ ...w, priority: i + 1 })) }));
    },

    async suggestTargets(routerId) {
      const state = current(routerId);
      const draft = state.draft;
      if (!draft || state.suggesting) return;
      const wanting = draft.wans.filter((w) => w.tracking.method !== 'none' && w.tracking.targets.length === 0);
      if (wanting.length === 0) return;
      const gatewayOf = (w: Wan) => w.gateway ?? state.snapshot?.candidates.find((c) => c.device === w.device)?.gateway;
      patch(routerId, { suggesting: true, suggestError: null, suggestions: null });
      try {
        const wans = wanting.map((w) => {
          const gateway = gatewayOf(w);
          return { name: w.name, device: w.device, ...(gateway && /^\d+\.\d+\.\d+\.\d+$/.test(gateway) && { gateway }) };
        });
        const result = await api.call('failover.suggestTargets', { routerId, wans });
        const found = new Map(result.wans.map((s) => [s.wan, s.targets] as const));
        editDraft(routerId, (d) => ({
          ...d,
          wans: d.wans.map((w) => {
            const targets = found.get(w.name);
            // Only uplinks still without targets: anything typed meanwhile stays.
            return targets && targets.length > 0 && w.tracking.method !== 'none' && w.tracking.targets.length === 0 ? { ...w, tracking: { ...w.tracking, targets: [...targets] } } : w;
          }),
        }));
        patch(routerId, { suggesting: false, suggestions: result.wans });
      } catch (error) {
        patch(routerId, { suggesting: false, suggestError: toApiError(error) });
      }
    },

    setRevertInSec(routerId, sec) {
      patch(routerId, { revertInSec: sec });
    },

    async plan(routerId) {
      const state = current(routerId);
      if (!canApply(state) || !state.draft) return;
      patch(routerId, { phase: { kind: 'planning' } });
      try {
        const plan = await api.call('failover.plan', { routerId, policy: state.draft });
        // The user may have edited while the router answered; that plan is stale then.
        if (current(routerId).phase.kind === 'planning') patch(routerId, { phase: { kind: 'planned', plan } });
      } catch (error) {
        patch(routerId, { phase: { kind: 'error', during: 'planning', error: toApiError(error) } });
      }
    },

    setRouterRule(routerId, rule, choice) {
      editDraft(routerId, (draft) => ({ ...draft, routerRules: { ...draft.routerRules, [rule]: choice } }));
      void get().plan(routerId);
    },

    async apply(routerId) {
      const state = current(routerId);
      if (state.phase.kind !== 'planned' || state.phase.plan.problems.length > 0 || !state.draft) return;
      const { plan } = state.phase;
      const startedAtMs = Date.now();
      patch(routerId, { phase: { kind: 'applying', plan, startedAtMs, revertInSec: state.revertInSec } });
      try {
        const result = await api.call('failover.apply', { routerId, policy: state.draft, revertInSec: state.revertInSec });
        patch(routerId, { status: result.status, phase: { kind: 'pending-confirm', revertAtMs: result.revertAtMs, verification: result.verification, busy: null, error: null } });
        // What the router has now (its routes and their metrics are Switchyard's), not what it had.
        void get().reload(routerId);
      } catch (e) {
        const error = toApiError(e);
        if (isConnectionLoss(error)) {
          // The commit may have landed and cut the path back to us: the router then reverts by
          // itself once its timer runs out. Its window started no earlier than the click, so the
          // countdown from there never promises more time than the router gives.
          const fromCore = error.details?.revertAtMs;
          const revertAtMs = typeof fromCore === 'number' ? fromCore : startedAtMs + state.revertInSec * 1000;
          patch(routerId, { phase: { kind: 'connection-lost', during: 'applying', revertAtMs, error, busy: null } });
        } else {
          patch(routerId, { phase: { kind: 'error', during: 'applying', error } });
        }
      }
    },

    async confirm(routerId) {
      const { phase } = current(routerId);
      if ((phase.kind !== 'pending-confirm' && phase.kind !== 'connection-lost') || phase.busy) return;
      patch(routerId, { phase: { ...phase, busy: 'confirming' } });
      try {
        const status = await api.call('failover.confirm', { routerId });
        // The draft stays: it is what the router now runs, until the reload brings the router's
        // own copy. Dropping it showed "WAN failover is off" for a moment after Confirm.
        patch(routerId, { status, phase: { kind: 'confirmed', verification: phase.kind === 'pending-confirm' ? phase.verification : null } });
        await get().reload(routerId);
      } catch (e) {
        settleFailure(routerId, phase, 'confirming', toApiError(e));
      }
    },

    async rollback(routerId) {
      const { phase } = current(routerId);
      if ((phase.kind !== 'pending-confirm' && phase.kind !== 'connection-lost') || phase.busy) return;
      patch(routerId, { phase: { ...phase, busy: 'reverting' } });
      try {
        const status = await api.call('failover.rollback', { routerId });
        patch(routerId, { status, phase: { kind: 'reverted', by: 'user' } });
        await get().reload(routerId);
      } catch (e) {
        settleFailure(routerId, phase, 'reverting', toApiError(e));
      }
    },

    dismiss(routerId) {
      const { phase } = current(routerId);
      if (['planned', 'error', 'confirmed', 'reverted', 'removed'].includes(phase.kind)) patch(routerId, { phase: { kind: 'idle' } });
    },

    async force(routerId, wan) {
      // From the click: the router may move the routes before its answer reaches this window.
      // An earlier apply's outcome ("Confirmed") is history now: the Events tab keeps it.
      patch(routerId, (state) => ({ forcing: wan, forceError: null, metricsStale: true, ...(['confirmed', 'reverted'].includes(state.phase.kind) && { phase: { kind: 'idle' } }) }));
      try {
        const status = await api.call('failover.force', { routerId, wan });
        patch(routerId, { status, forcing: null });
        // A force moves the default route: the uplink cards' route metrics are read again.
        void get().reload(routerId);
      } catch (error) {
        // Refused: nothing moved. (A lost answer may hide a move: the next read says.)
        patch(routerId, { forcing: null, forceError: toApiError(error), metricsStale: false });
        void get().reload(routerId);
      }
    },

    clearForceError(routerId) {
      patch(routerId, { forceError: null });
    },

    async remove(routerId, opts = {}) {
      // Thrown on failure: the confirmation dialog shows it where the user clicked.
      await api.call('failover.remove', { routerId, ...(opts.basedOn !== undefined && { basedOn: opts.basedOn }), ...(opts.restoreAdminEdits && { restoreAdminEdits: true }) });
      // Off at once, as the router is: the reload below only confirms it.
      patch(routerId, (state) => ({
        draft: null,
        issues: {},
        phase: { kind: 'removed', restored: opts.restored ?? [] },
        ...(state.snapshot && { snapshot: { ...state.snapshot, policy: null } }),
        ...(state.status && { status: { ...state.status, enabled: false, mode: null, forced: 'auto', pendingRevertAtMs: null, wans: state.status.wans.map((w) => ({ ...w, active: false })) } }),
      }));
      await get().reload(routerId);
    },
  };

  function settleFailure(routerId: string, phase: Extract<ApplyPhase, { kind: 'pending-confirm' | 'connection-lost' }>, during: 'confirming' | 'reverting', error: ApiError) {
    if (isConnectionLoss(error)) {
      const revertAtMs = phase.revertAtMs ?? Date.now() + current(routerId).revertInSec * 1000;
      patch(routerId, { phase: { kind: 'connection-lost', during, revertAtMs, error, busy: null } });
    } else {
      // The router answered and refused (e.g. nothing is pending any more): say so in place.
      patch(routerId, { phase: { ...phase, busy: null, error } });
    }
  }
});

/** The uplinks carrying the traffic, as one comparable string. */
function activeOf(status: RouterStatus): string {
  return status.wans.filter((w) => w.active).map((w) => w.wan).join(',');
}

/** One router's slice; the shared empty value keeps selectors stable before the first load. */
export function useRouterFailover(routerId: string): RouterFailover {
  return useFailoverStore((s) => s.routers[routerId] ?? emptyRouterFailover);
}
