// One act, one event. Switchyard records what it did (an apply, a confirm, a rollback, a forced
// uplink) the moment the router answers, and a router whose engine logs its own acts (the Linux
// agent) reports the same act again from its log: the Events tab showed both. The router's
// entry is the record (its own clock, what it really did); Switchyard's stays only where the
// router logs nothing of the kind.

import type { LinkEvent } from './model.ts';

/** Ids of events copied from a router's own log (the rest are Switchyard's records). */
export const routerEventIdPrefix = 'rt-';
/** How far apart the two entries of one act may lie: the router's clock is matched to ours within a round trip. */
export const echoWindowMs = 20_000;

export const isRouterEvent = (e: Pick<LinkEvent, 'id'>): boolean => e.id.startsWith(routerEventIdPrefix);

/** Whether `router`, from the router's log, reports the act Switchyard recorded as `own`. */
export function reportsSameAct(own: LinkEvent, router: LinkEvent): boolean {
  if (isRouterEvent(own) || !isRouterEvent(router) || own.routerId !== router.routerId || Math.abs(own.atMs - router.atMs) > echoWindowMs) return false;
  switch (own.kind) {
    case 'apply':
    case 'confirm':
    case 'rollback':
      return router.kind === own.kind;
    case 'manual-failover':
      return own.wan ? router.kind === 'force' && router.to === own.wan : router.kind === 'auto';
    default:
      return false;
  }
}

/** The events without Switchyard's records that a router event reports too. */
export function withoutEchoes<T extends LinkEvent>(events: readonly T[]): readonly T[] {
  const fromRouter = events.filter(isRouterEvent);
  if (fromRouter.length === 0) return events;
  const echoed = events.filter((e) => fromRouter.some((r) => reportsSameAct(e, r)));
  return echoed.length === 0 ? events : events.filter((e) => !echoed.includes(e));
}
