import { readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import type { LinkEvent } from '../../../shared/model.ts';
import { agentRouterEvents, parseAgentLog } from '../drivers/linux/agent-events.ts';
import { ensureHistorySchema, HistoryStore } from '../store/history-store.ts';
import { RouterEventBackfill } from './router-event-backfill.ts';

const log = parseAgentLog(readFileSync(new URL('../drivers/linux/__fixtures__/agent-status-event-log.json', import.meta.url), 'utf8'));

function setup() {
  const db = new DatabaseSync(':memory:');
  ensureHistorySchema(db);
  const history = new HistoryStore(db);
  const announced: LinkEvent[] = [];
  const reads: number[] = [];
  let visible = log.events.length;
  let offsetMs = 0;
  const backfill = new RouterEventBackfill({
    routerId: 'r1',
    history,
    nowMs: () => log.nowMs + 60_000,
    // The router's log as the driver returns it; each read measures the clock offset anew.
    read: async (sinceMs) => {
      reads.push(sinceMs);
      return agentRouterEvents(log.events.slice(0, visible), offsetMs, sinceMs);
    },
    onNew: (events) => announced.push(...events),
  });
  return {
    history,
    announced,
    reads,
    backfill,
    show: (n: number) => (visible = n),
    jitter: (ms: number) => (offsetMs = ms),
    all: () => history.events('r1', 0, Number.MAX_SAFE_INTEGER),
  };
}

describe('router event backfill (issue 11: "while you were away", no duplicates)', () => {
  it('stores what the router logged before anyone looked, with the kinds the router gave', async () => {
    const ctx = setup();
    expect(await ctx.backfill.run()).toBeGreaterThan(10);
    const kinds = ctx.all().map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['offline', 'switch', 'online', 'force', 'auto', 'revert', 'rollback', 'apply', 'confirm']));
    expect(ctx.all().find((e) => e.kind === 'switch' && e.to === 'wlan0')).toMatchObject({ from: 'eth1', message: 'Traffic moved from eth1 to wlan0 (failure)' });
    expect(ctx.announced.map((e) => e.id).sort()).toEqual(ctx.all().map((e) => e.id).sort());
  });

  it('never stores an event twice: repeated reads, overlapping windows, a re-measured clock offset', async () => {
    const ctx = setup();
    ctx.show(12);
    await ctx.backfill.run();
    const first = ctx.all().length;
    ctx.jitter(40);
    ctx.show(log.events.length);
    await ctx.backfill.run();
    await ctx.backfill.run();
    const ids = ctx.all().map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(agentRouterEvents(log.events, 0, 0).length);
    expect(ids.length).toBeGreaterThan(first);
    // The second read started shortly before the last stored event, not from scratch.
    expect(ctx.reads[1]).toBeGreaterThan(ctx.reads[0]!);
    // Only new events were announced, each once.
    expect(ctx.announced.length).toBe(ids.length);
  });

  it('folds calls made while a read runs into one more read', async () => {
    const ctx = setup();
    await Promise.all([ctx.backfill.run(), ctx.backfill.run(), ctx.backfill.run()]);
    expect(ctx.reads.length).toBe(2);
  });
});
