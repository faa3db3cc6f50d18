// The router is the record: its engine's own event log (driver.readRouterEvents) is copied into
// history when a router is opened and whenever its log grows while it is open, so what happened
// while no window watched ("while you were away") is in the Events tab and its CSV too. Each
// router event gets an id made from the router and the event's own key: reading the same log
// again, or an overlapping window, never stores an event twice.
import { createHash } from 'node:crypto';
import { echoWindowMs, reportsSameAct, routerEventIdPrefix } from '../../../shared/event-echoes.ts';
import type { LinkEvent } from '../../../shared/model.ts';
import type { RouterEvent } from '../drivers/driver.ts';
import { silentLogger, type Logger } from '../logger.ts';
import type { HistoryStore } from '../store/history-store.ts';

/** First read of a router never seen before: this far back (the agent keeps ≤ 1000 lines anyway). */
const firstReadBackMs = 30 * 86_400_000;
/** Re-read a little before the last stored event: the router's clock offset is re-measured on every read. */
const overlapMs = 5 * 60_000;

export function linkEventOfRouterEvent(routerId: string, e: RouterEvent): LinkEvent {
  const id = routerEventIdPrefix + createHash('sha256').update(`${routerId}\n${e.key}`).digest('hex').slice(0, 32);
  return {
    id,
    routerId,
    atMs: e.atMs,
    kind: e.kind === 'other' ? 'router' : e.kind,
    ...(e.wan ? { wan: e.wan } : {}),
    ...(e.from ? { from: e.from } : {}),
    ...(e.to ? { to: e.to } : {}),
    message: e.message,
  };
}

/** A switch between two real uplinks (not the first one coming up, not "none"). */
export function isFailover(e: LinkEvent): boolean {
  return e.kind === 'switch' && !!e.from && !!e.to && e.from !== 'none' && e.to !== 'none';
}

export interface RouterEventBackfillOptions {
  readonly routerId: string;
  readonly read: (sinceMs: number) => Promise<RouterEvent[]>;
  readonly history: HistoryStore;
  readonly nowMs: () => number;
  /** The events stored for the first time by this read, oldest first. */
  readonly onNew: (events: readonly LinkEvent[]) => void;
  readonly log?: Logger;
}

export class RouterEventBackfill {
  readonly #o: RouterEventBackfillOptions;
  #running: Promise<number> | undefined;
  #again = false;

  constructor(options: RouterEventBackfillOptions) {
    this.#o = options;
  }

  /** Reads the router's log since the last stored event and stores what is new; returns how many.
   * Calls while a read runs are folded into one more read after it. */
  run(): Promise<number> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      let total = 0;
      do {
        this.#again = false;
        total += await this.#readOnce();
      } while (this.#again);
      return total;
    })().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #readOnce(): Promise<number> {
    const o = this.#o;
    const last = o.history.lastEventAtMs(o.routerId, routerEventIdPrefix);
    const sinceMs = last === null ? o.nowMs() - firstReadBackMs : last - overlapMs;
    let events: RouterEvent[];
    try {
      events = await o.read(sinceMs);
    } catch (error) {
      (o.log ?? silentLogger).warn(`could not read the router's event log: ${(error as Error).message}`);
      return 0;
    }
    const added = o.history.addNewEvents(events.map((e) => linkEventOfRouterEvent(o.routerId, e)));
    if (added.length > 0) {
      dropOwnRecordsOf(o.history, o.routerId, added);
      o.onNew(added);
    }
    return added.length;
  }
}

/** Switchyard's own records of the acts these router events report (event-echoes.ts): the router's entry is the record. */
function dropOwnRecordsOf(history: HistoryStore, routerId: string, added: readonly LinkEvent[]): void {
  const fromMs = Math.min(...added.map((e) => e.atMs)) - echoWindowMs;
  const toMs = Math.max(...added.map((e) => e.atMs)) + echoWindowMs;
  const echoes = history.events(routerId, fromMs, toMs).filter((own) => added.some((r) => reportsSameAct(own, r)));
  history.deleteEvents(echoes.map((e) => e.id));
}
