// Polls the driver's router status every second and turns each change (an uplink online/offline,
// the active link, a forced link, an apply waiting for confirmation, events the router logged)
// into LinkEvent drafts. Times are ours, never the router's clock (it may jump).
import { linkEventKinds, type LinkEvent } from '../../../shared/model.ts';
import type { RouterStatus } from '../drivers/driver.ts';
import type { ProbeClock } from '../probes/probe-tracker.ts';

export type LinkEventDraft = Omit<LinkEvent, 'id' | 'routerId' | 'atMs'> & { readonly failover?: boolean };

const eventKey = (e: RouterStatus['events'][number]) => `${e.atMs}|${e.kind}|${e.wan ?? ''}|${e.message}`;

/** Changes from `prev` to `next`; `seenRouterEvents` is updated with the router's events seen. */
export function diffRouterStatus(prev: RouterStatus | null, next: RouterStatus, seenRouterEvents: Set<string>, engineLog = false): LinkEventDraft[] {
  const out: LinkEventDraft[] = [];
  // The engine's own log is backfilled with the router's times (router-event-backfill.ts): two
  // polls' difference would only say the same thing again, later and less exactly.
  if (engineLog) return out;
  if (prev === null) {
    // The first read is the baseline: what the router logged before we looked is not news.
    for (const e of next.events) seenRouterEvents.add(eventKey(e));
    return out;
  }
  if (prev.enabled !== next.enabled) {
    out.push({ kind: 'apply', message: next.enabled ? 'failover was enabled on the router' : 'failover was disabled on the router' });
  }
  const fresh = next.events.filter((e) => !seenRouterEvents.has(eventKey(e)));
  // An engine that logs its own link transitions (the Linux agent) says when they happened to
  // the millisecond; the difference between two polls only says they happened in between.
  const engineLogsStates = fresh.some((e) => e.kind === 'status' || (e.wan !== undefined && (e.kind === 'online' || e.kind === 'offline')));
  for (const w of engineLogsStates ? [] : next.wans) {
    const before = prev.wans.find((p) => p.wan === w.wan);
    if (before && before.state !== w.state) {
      out.push({ kind: 'state', wan: w.wan, from: before.state, to: w.state, message: `${w.wan} is ${w.state} (was ${before.state})` });
    }
  }
  const activeBefore = prev.wans.filter((w) => w.active).map((w) => w.wan);
  const activeNow = next.wans.filter((w) => w.active).map((w) => w.wan);
  if (activeBefore.join(',') !== activeNow.join(',')) {
    const from = activeBefore.join(', ') || 'none';
    const to = activeNow.join(', ') || 'none';
    out.push({
      kind: 'active',
      from,
      to,
      message: activeNow.length === 0 ? `no uplink carries traffic (was ${from})` : `traffic moved from ${from} to ${to}`,
      // A failover is traffic leaving a link for another, not the first link coming up.
      failover: activeBefore.length > 0 && activeNow.length > 0,
    });
  }
  if (prev.forced !== next.forced) {
    out.push({
      kind: 'manual-failover',
      from: prev.forced,
      to: next.forced,
      message: next.forced === 'auto' ? 'automatic failover restored' : `traffic forced onto ${next.forced}`,
    });
  }
  if (prev.pendingRevertAtMs === null && next.pendingRevertAtMs !== null) {
    out.push({ kind: 'apply', message: 'a change was applied; the router reverts it unless it is confirmed' });
  } else if (prev.pendingRevertAtMs !== null && next.pendingRevertAtMs === null) {
    out.push({ kind: 'apply', message: 'the change waiting for confirmation was confirmed or reverted' });
  }
  // The active-uplink change above (which also raises the failover notification) already says
  // what the engine's own `switch` entry would.
  const activeReported = out.some((e) => e.kind === 'active');
  for (const e of fresh) {
    seenRouterEvents.add(eventKey(e));
    if (e.kind === 'switch' && activeReported) continue;
    const kind = (linkEventKinds as readonly string[]).includes(e.kind) ? (e.kind as LinkEvent['kind']) : 'state';
    out.push({ kind, ...(e.wan ? { wan: e.wan } : {}), message: e.message });
  }
  // Bound the memory of seen events: routers keep a short log, so old keys never come back.
  if (seenRouterEvents.size > 4096) {
    const keep = [...seenRouterEvents].slice(-2048);
    seenRouterEvents.clear();
    for (const k of keep) seenRouterEvents.add(k);
  }
  return out;
}

export interface StatusWatcherOptions {
  readonly readStatus: () => Promise<RouterStatus>;
  readonly intervalMs: number;
  readonly clock: ProbeClock;
  readonly onEvents: (drafts: readonly LinkEventDraft[], atMs: number) => void;
  readonly onHealth: (ok: boolean, message: string | null, atMs: number) => void;
  /** Every status read, as read (pushed to the screen; triggers the engine-log backfill), with
   * when it was answered and when it was sent: it describes the router as of no earlier than that. */
  readonly onStatus?: (status: RouterStatus, atMs: number, readStartedMs: number) => void;
  /** The engine's log is backfilled separately: no events from status differences. */
  readonly engineLog?: boolean;
}

export class StatusWatcher {
  readonly #o: StatusWatcherOptions;
  readonly #seen = new Set<string>();
  #last: RouterStatus | null = null;
  #timer: unknown;
  #running = false;
  #inFlight: Promise<void> | undefined;
  #inFlightNow = false;
  #again = false;

  constructor(options: StatusWatcherOptions) {
    this.#o = options;
  }

  get last(): RouterStatus | null {
    return this.#last;
  }

  start(): void {
    this.#running = true;
    this.#poll();
  }

  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    await this.#inFlight;
  }

  /** Reads the status now (the router's log just grew); right after the read in flight if any. */
  pollNow(): void {
    if (!this.#running) return;
    if (this.#inFlightNow) {
      this.#again = true;
      return;
    }
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#poll();
  }

  #poll(): void {
    if (!this.#running) return;
    this.#inFlightNow = true;
    const startedMs = this.#o.clock.nowMs();
    this.#inFlight = this.#o
      .readStatus()
      .then((status) => {
        if (!this.#running) return;
        const atMs = this.#o.clock.nowMs();
        const drafts = diffRouterStatus(this.#last, status, this.#seen, this.#o.engineLog ?? false);
        this.#last = status;
        this.#o.onHealth(true, null, atMs);
        this.#o.onStatus?.(status, atMs, startedMs);
        if (drafts.length > 0) this.#o.onEvents(drafts, atMs);
      })
      .catch((error: unknown) => {
        if (!this.#running) return;
        this.#o.onHealth(false, `reading the router's status failed: ${error instanceof Error ? error.message : String(error)}`, this.#o.clock.nowMs());
      })
      .finally(() => {
        this.#inFlightNow = false;
        if (!this.#running) return;
        // Never two reads at once: the next one waits for this one, then keeps the cadence.
        const elapsed = this.#o.clock.nowMs() - startedMs;
        const again = this.#again;
        this.#again = false;
        this.#timer = this.#o.clock.setTimeout(() => this.#poll(), again ? 0 : Math.max(0, this.#o.intervalMs - elapsed));
      });
  }
}
