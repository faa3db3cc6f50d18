import { describe, expect, it } from 'vitest';
import { reportsSameAct, withoutEchoes } from './event-echoes.ts';
import type { LinkEvent } from './model.ts';

const own = (kind: LinkEvent['kind'], atMs: number, wan?: string): LinkEvent => ({ id: `own-${kind}-${atMs}`, routerId: 'r1', atMs, kind, message: `${kind} recorded by Switchyard`, ...(wan && { wan }) });
const router = (kind: LinkEvent['kind'], atMs: number, to?: string): LinkEvent => ({ id: `rt-${kind}-${atMs}`, routerId: 'r1', atMs, kind, message: `${kind} from the router's log`, ...(to && { wan: to, to }) });

describe('one entry per act', () => {
  it("pairs Switchyard's record of an apply, confirm, rollback or forced uplink with the router's entry of it", () => {
    expect(reportsSameAct(own('apply', 10_000), router('apply', 10_400))).toBe(true);
    expect(reportsSameAct(own('confirm', 10_000), router('confirm', 9_000))).toBe(true);
    expect(reportsSameAct(own('rollback', 10_000), router('rollback', 10_100))).toBe(true);
    expect(reportsSameAct(own('manual-failover', 10_000, 'usb0'), router('force', 10_200, 'usb0'))).toBe(true);
    expect(reportsSameAct(own('manual-failover', 10_000), router('auto', 10_200))).toBe(true);
  });

  it('does not pair other kinds, other uplinks, other routers, or entries far apart', () => {
    expect(reportsSameAct(own('apply', 10_000), router('confirm', 10_000))).toBe(false);
    expect(reportsSameAct(own('manual-failover', 10_000, 'usb0'), router('force', 10_000, 'wlan0'))).toBe(false);
    expect(reportsSameAct(own('manual-failover', 10_000, 'usb0'), router('auto', 10_000))).toBe(false);
    expect(reportsSameAct(own('remove', 10_000), router('router', 10_000))).toBe(false);
    expect(reportsSameAct(own('apply', 10_000), { ...router('apply', 10_000), routerId: 'r2' })).toBe(false);
    expect(reportsSameAct(own('apply', 10_000), router('apply', 31_000))).toBe(false);
    // Two of Switchyard's records, or two of the router's, are never one act.
    expect(reportsSameAct(router('apply', 10_000), router('apply', 10_000))).toBe(false);
    expect(reportsSameAct(own('apply', 10_000), own('apply', 10_000))).toBe(false);
  });

  it("keeps the router's entry and every record the router did not report", () => {
    const events = [own('apply', 1_000), router('apply', 1_300), own('remove', 50_000), own('confirm', 90_000)];
    expect(withoutEchoes(events).map((e) => e.id)).toEqual(['rt-apply-1300', 'own-remove-50000', 'own-confirm-90000']);
    const none = [own('apply', 1_000)];
    expect(withoutEchoes(none)).toBe(none);
  });
});
