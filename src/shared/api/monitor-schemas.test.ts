// The history query's request as the contract validates it: the raw tail a live view asks for
// is bounded, and a wrong one is refused with what to change.
import { describe, expect, it } from 'vitest';
import { historyQueryRequestSchema, maxRawTailMs } from './monitor-schemas.ts';

const toMs = 1_800_000_000_000;
const day = { routerId: 'r1', fromMs: toMs - 86_400_000, toMs, maxPoints: 721 };

describe('history.query request', () => {
  it('takes a raw tail inside the window and at most 10 min long', () => {
    expect(historyQueryRequestSchema.parse({ ...day, rawTailFromMs: toMs - 32_000 }).rawTailFromMs).toBe(toMs - 32_000);
    expect(historyQueryRequestSchema.parse(day).rawTailFromMs).toBeUndefined();
  });

  it('refuses a longer raw tail, or one before the window, saying what to do', () => {
    for (const rawTailFromMs of [toMs - maxRawTailMs - 1, day.fromMs - 1]) {
      const r = historyQueryRequestSchema.safeParse({ ...day, rawTailFromMs });
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]).toMatchObject({ path: ['rawTailFromMs'], message: 'rawTailFromMs must lie in the window and at most 10 min before toMs: ask for a shorter raw tail' });
    }
  });
});
