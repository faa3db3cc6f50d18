// @vitest-environment happy-dom
// The failover store: validation worded for the user, priority by list order, balance shares,
// status polling, and safe apply through to confirm, revert, or a lost connection.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MethodName } from '../../shared/api/contract.ts';
import type { ApiError } from '../../shared/errors.ts';
import { api, ApiCallError } from '../api/api.ts';
import { appliedPolicy, plan, snapshot, status, suggestedTargets } from '../components/failover/failover-fixtures.test-util.ts';
import { balanceShares, wanIssueKey } from '../components/failover/policy-issues.ts';
import { defaultDampening } from '../../shared/failover-defaults.ts';
import { canApply, isDirty, statusPollMs, useFailoverStore, type RouterFailover } from './failover-store.ts';
import { routeApiCalls } from '../api/route-api-calls.test-util.ts';

vi.mock('../api/api.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../api/api.ts')>()), api: { call: vi.fn(), on: vi.fn(() => () => {}) } }));

type Handler = (params: Record<string, unknown>) => unknown;
let handlers: Partial<Record<MethodName, Handler>>;
const calls: { method: string; params: Record<string, unknown> }[] = [];

beforeEach(() => {
  handlers = { 'failover.get': () => snapshot({ policy: appliedPolicy, status: status({ enabled: true, mode: 'failover' }) }), 'failover.status': () => status({ enabled: true }) };
  calls.length = 0;
  routeApiCalls(handlers, calls);
  useFailoverStore.setState({ routers: {} });
});
afterEach(() => vi.useRealTimers());

const id = 'r1';
const store = () => useFailoverStore.getState();
const slice = (): RouterFailover => store().routers[id]!;
const fail = (error: ApiError) => () => {
  throw new ApiCallError(error);
};

async function openWithPolicy() {
  await store().open(id);
  expect(slice().draft).not.toBeNull();
}

describe('loading and enabling', () => {
  it('has no draft while failover is off, and Enable builds one from the candidates', async () => {
    handlers['failover.get'] = () => snapshot();
    await store().open(id);
    expect(slice()).toMatchObject({ load: 'ready', draft: null });
    store().enable(id);
    expect(slice().draft!.wans.map((w) => w.name)).toEqual(['wan', 'wlan', 'usb', 'wwan']);
    // Default tracking has no targets: that is the one thing left for the user to fill in.
    expect(slice().issues[wanIssueKey('wan', 'targets')]).toMatch(/Add at least one address/);
    handlers['failover.suggestTargets'] = suggestedTargets;
    await store().suggestTargets(id);
    expect(slice().issues).toEqual({});
    expect(new Set(slice().draft!.wans.flatMap((w) => w.tracking.targets)).size).toBe(8);
    // The router is asked about exactly the uplinks that need targets, with their devices.
    expect(calls.find((c) => c.method === 'failover.suggestTargets')!.params.wans).toEqual([
      expect.objectContaining({ name: 'wan', device: 'eth1' }),
      expect.objectContaining({ name: 'wlan', device: 'wlan0' }),
      expect.objectContaining({ name: 'usb', device: 'usb0' }),
      expect.objectContaining({ name: 'wwan', device: 'wwan0' }),
    ]);
  });

  it('fills only what the router found, keeps its words for the uplinks with nothing, and keeps a failure', async () => {
    handlers['failover.get'] = () => snapshot();
    await store().open(id);
    store().enable(id);
    const silent = 'None of 1.1.1.1, 8.8.8.8 answered through wwan0 (its gateway 203.0.113.129 answers). Type a target its provider answers.';
    handlers['failover.suggestTargets'] = (p) => {
      const found = suggestedTargets(p);
      return { ...found, wans: found.wans.map((w) => (w.wan === 'wwan' ? { wan: 'wwan', targets: [], checked: 'none-answered' as const, message: silent } : w)) };
    };
    await store().suggestTargets(id);
    expect(slice().draft!.wans.find((w) => w.name === 'wwan')!.tracking.targets).toEqual([]);
    expect(slice().issues[wanIssueKey('wwan', 'targets')]).toBeTruthy();
    expect(slice().suggestions!.find((s) => s.wan === 'wwan')!.message).toBe(silent);
    handlers['failover.suggestTargets'] = fail({ code: 'connection-lost', message: 'The SSH connection closed.' });
    await store().suggestTargets(id);
    expect(slice()).toMatchObject({ suggesting: false, suggestError: { code: 'connection-lost' } });
  });

  it('keeps the error code of a failed first load', async () => {
    handlers['failover.get'] = fail({ code: 'unsupported', message: 'Failover on edge (routeros) is not supported by this version of Switchyard yet.' });
    await store().open(id);
    expect(slice()).toMatchObject({ load: 'error', loadError: { code: 'unsupported' } });
  });
});

describe('validation', () => {
  beforeEach(openWithPolicy);
  const issue = (wan: string, field: Parameters<typeof wanIssueKey>[1]) => slice().issues[wanIssueKey(wan, field)];

  it('starts valid and unchanged, so Apply waits for a change', () => {
    expect(slice().issues).toEqual({});
    expect(canApply(slice())).toBe(false);
    store().setForcedRefreshStreams(id, true);
    expect(canApply(slice())).toBe(true);
    store().setForcedRefreshStreams(id, false);
    // Cleared and typed again: the same policy, whatever order its keys now have.
    store().updateWan(id, 'wan', { gateway: undefined });
    store().updateWan(id, 'wan', { gateway: '192.0.2.1' });
    expect(canApply(slice())).toBe(false);
  });

  it('refuses a gateway that is not an IPv4 address', () => {
    store().updateWan(id, 'wan', { gateway: '192.0.2.300' });
    expect(issue('wan', 'gateway')).toBe('“192.0.2.300” is not an IPv4 address (four numbers from 0 to 255, like 192.0.2.1).');
    expect(canApply(slice())).toBe(false);
  });

  it('refuses a gateway outside the interface’s subnet, and the router’s own address', () => {
    store().updateWan(id, 'wan', { gateway: '198.51.100.1' });
    expect(issue('wan', 'gateway')).toBe("198.51.100.1 is outside eth1's network (192.0.2.0/24): the router could not reach it through eth1.");
    store().updateWan(id, 'wan', { gateway: '192.0.2.2' });
    expect(issue('wan', 'gateway')).toMatch(/router's own address on eth1/);
    store().updateWan(id, 'wan', { gateway: '192.0.2.254' });
    expect(issue('wan', 'gateway')).toBeUndefined();
  });

  it('accepts an empty gateway (learned from the link) and a point-to-point peer', async () => {
    store().updateWan(id, 'wan', { gateway: undefined });
    expect(slice().draft!.wans[0]).not.toHaveProperty('gateway');
    expect(issue('wan', 'gateway')).toBeUndefined();
    // A /32 cellular link reaches its gateway as a peer outside its own prefix.
    useFailoverStore.setState({ routers: {} });
    handlers['failover.get'] = () => snapshot({ policy: appliedPolicy, candidates: snapshot().candidates.map((c) => (c.device === 'wwan0' ? { ...c, prefixLen: 32 } : c)) });
    await store().open(id);
    store().updateWan(id, 'wwan', { gateway: '198.51.100.77' });
    expect(issue('wwan', 'gateway')).toBeUndefined();
  });

  it('names the router’s interfaces when the device is unknown, and hints at a case slip', () => {
    store().updateWan(id, 'wan', { device: 'eth9' });
    expect(issue('wan', 'device')).toBe('“eth9” is not an interface on this router. It has: wwan0, wlan0, usb0, eth1.');
    store().updateWan(id, 'wan', { device: 'ETH1' });
    expect(issue('wan', 'device')).toBe('“ETH1” is not on this router; did you mean eth1? Interface names must match exactly.');
    store().updateWan(id, 'wan', { device: 'wwan0' });
    expect(issue('wan', 'device')).toBe('Cellular (wwan) already uses wwan0; each uplink needs its own interface.');
  });

  it('refuses bad and duplicate targets, within one uplink and across uplinks', () => {
    store().updateTracking(id, 'wan', { targets: ['203.0.113.200', '1.1.1'] });
    expect(issue('wan', 'targets')).toBe('“1.1.1” is not an IPv4 address (like 1.1.1.1).');
    store().updateTracking(id, 'wan', { targets: ['203.0.113.200', '203.0.113.200'] });
    expect(issue('wan', 'targets')).toBe('203.0.113.200 is listed twice.');
    store().updateTracking(id, 'wan', { targets: ['203.0.113.201'] });
    expect(issue('wan', 'targets')).toMatch(/^203\.0\.113\.201 is also a target of Cellular \(wwan\)/);
    expect(issue('wwan', 'targets')).toMatch(/^203\.0\.113\.201 is also a target of Ethernet \(wan\)/);
    store().updateTracking(id, 'wan', { targets: [] });
    expect(issue('wan', 'targets')).toMatch(/Add at least one address to check, or choose “Link state only”/);
    store().updateTracking(id, 'wan', { method: 'none' });
    expect(issue('wan', 'targets')).toBeUndefined();
  });

  it('refuses intervals, timeouts and counts out of range, and empty numbers', () => {
    store().updateTracking(id, 'wan', { intervalSec: 0.05 });
    expect(issue('wan', 'intervalSec')).toBe('The interval must be from 0.1 to 3600 s.');
    store().updateTracking(id, 'wan', { intervalSec: Number.NaN });
    expect(issue('wan', 'intervalSec')).toBe('The interval: enter a number.');
    store().updateTracking(id, 'wan', { intervalSec: 1, timeoutSec: 61, downCount: 2.5, upCount: 0 });
    expect(issue('wan', 'intervalSec')).toBeUndefined();
    expect(issue('wan', 'timeoutSec')).toBe('The timeout must be from 0.1 to 60 s.');
    expect(issue('wan', 'downCount')).toBe('Down after must be a whole number from 1 to 100 failed checks.');
    expect(issue('wan', 'upCount')).toBe('Up after must be from 1 to 100 good checks.');
  });

  it('refuses latency and loss thresholds out of range, and more required answers than targets', () => {
    store().updateTracking(id, 'wan', { latencyThresholdMs: 0, lossThresholdPct: 150, reliability: 2 });
    expect(issue('wan', 'latencyThresholdMs')).toBe('The latency threshold must be from 1 to 60000 ms.');
    expect(issue('wan', 'lossThresholdPct')).toBe('The loss threshold must be from 1 to 100 %.');
    expect(issue('wan', 'reliability')).toBe('Only 1 target is listed, so at most 1 can be required to answer.');
    store().updateTracking(id, 'wan', { latencyThresholdMs: undefined, lossThresholdPct: 20, reliability: 1 });
    expect(slice().draft!.wans[0]!.tracking).not.toHaveProperty('latencyThresholdMs');
    expect(slice().issues).toEqual({});
  });

  it('checks balance ratios and what the router can do', () => {
    store().setMode(id, 'balance');
    store().updateWan(id, 'wwan', { weight: 0 });
    expect(issue('wwan', 'weight')).toBe('The ratio must be from 1 to 100.');
    store().updateWan(id, 'wwan', { weight: 3, enabled: false });
    expect(slice().issues.mode).toBe('Load balance needs at least two uplinks turned on.');
    store().updateWan(id, 'wan', { enabled: false });
    expect(slice().issues.policy).toBe('Turn on at least one uplink.');
  });
});

describe('priority and shares', () => {
  beforeEach(async () => {
    handlers['failover.get'] = () => snapshot();
    await store().open(id);
    store().enable(id);
  });

  it('reorder(from, to) moves one uplink and renumbers every priority', () => {
    store().reorder(id, 3, 1); // what the keyboard does: lift Cellular, two arrows up, drop
    expect(slice().draft!.wans.map((w) => `${w.priority}:${w.name}`)).toEqual(['1:wan', '2:wwan', '3:wlan', '4:usb']);
    store().reorder(id, 0, 3);
    expect(slice().draft!.wans.map((w) => `${w.priority}:${w.name}`)).toEqual(['1:wwan', '2:wlan', '3:usb', '4:wan']);
    store().reorder(id, 0, 9); // out of range: nothing moves
    expect(slice().draft!.wans[0]!.name).toBe('wwan');
  });

  it('gives each enabled uplink its share of the enabled uplinks’ total ratio', () => {
    store().setMode(id, 'balance');
    store().updateWan(id, 'wan', { weight: 3 });
    store().updateWan(id, 'usb', { enabled: false });
    const shares = balanceShares(slice().draft!);
    expect(Object.fromEntries(shares)).toEqual({ wan: 60, wlan: 20, wwan: 20 });
  });
});

describe('status polling', () => {
  it('polls failover.status every second while started, and not after stop', async () => {
    vi.useFakeTimers();
    await openWithPolicy();
    calls.length = 0;
    const stop = store().startPolling(id);
    await vi.advanceTimersByTimeAsync(statusPollMs * 3);
    expect(calls.filter((c) => c.method === 'failover.status')).toHaveLength(3);
    stop();
    await vi.advanceTimersByTimeAsync(statusPollMs * 3);
    expect(calls.filter((c) => c.method === 'failover.status')).toHaveLength(3);
  });

  it("takes the router status the core pushes for this router at once, without waiting for the poll (issue 11)", async () => {
    await openWithPolicy();
    const listeners: Array<(p: unknown) => void> = [];
    const off = vi.fn();
    vi.mocked(api.on).mockImplementation(((event: string, listener: (p: unknown) => void) => {
      if (event === 'onDidRouterStatus') listeners.push(listener);
      return off;
    }) as never);
    const stop = store().startPolling(id);
    const movedToWlan = status({ enabled: true, mode: 'failover', wans: [{ wan: 'wan', state: 'offline', active: false }, { wan: 'wlan', state: 'online', active: true }] });
    listeners.forEach((l) => l({ routerId: 'other', atMs: 1, status: status({ enabled: false }) }));
    expect(slice().status?.enabled).toBe(true);
    let answerRead = () => {};
    handlers['failover.get'] = () => new Promise((resolve) => (answerRead = () => resolve(snapshot({ policy: appliedPolicy, status: movedToWlan }))));
    listeners.forEach((l) => l({ routerId: id, atMs: 2, status: movedToWlan }));
    expect(slice().status?.wans.filter((w) => w.active).map((w) => w.wan)).toEqual(['wlan']);
    // The router moved the traffic: the route metrics on screen are from before until read again.
    expect(slice().metricsStale).toBe(true);
    answerRead();
    await vi.waitFor(() => expect(slice().metricsStale).toBe(false));
    stop();
    expect(off).toHaveBeenCalled();
  });
});

describe("the router's own revert of a change this window did not follow (technician's walk)", () => {
  it('reads the settings again when the pending change is gone', async () => {
    handlers['failover.get'] = () => snapshot({ policy: appliedPolicy, status: status({ enabled: true, mode: 'failover', pendingRevertAtMs: Date.now() + 30_000 }) });
    await openWithPolicy();
    expect(slice().phase.kind).toBe('idle');
    handlers['failover.get'] = () => snapshot({ policy: null, status: status() });
    handlers['failover.status'] = () => status();
    await store().pollStatus(id);
    await vi.waitFor(() => expect(slice().snapshot?.policy).toBeNull());
    expect(slice().draft).toBeNull();
  });
});

describe('reading the router again', () => {
  it('keeps the newest read when an older one answers last (a force: the metrics before it came back after it)', async () => {
    await openWithPolicy();
    const answers: ((value: unknown) => void)[] = [];
    handlers['failover.get'] = () => new Promise((resolve) => answers.push(resolve));
    const older = store().reload(id);
    const newer = store().reload(id);
    const withMetric = (metric: number) => {
      const s = snapshot({ policy: appliedPolicy, status: status({ enabled: true, mode: 'failover' }) });
      return { ...s, candidates: s.candidates.map((c) => ({ ...c, metric })) };
    };
    answers[1]!(withMetric(20));
    await newer;
    answers[0]!(withMetric(10));
    await older;
    expect(slice().snapshot!.candidates.map((c) => c.metric)).toEqual([20, 20, 20, 20]);
  });
});

describe('safe apply', () => {
  beforeEach(async () => {
    await openWithPolicy();
    store().reorder(id, 1, 0);
    handlers['failover.plan'] = (p) => plan(p.policy as never);
  });

  it('plans, applies with the revert timer, and confirms', async () => {
    await store().plan(id);
    expect(slice().phase).toMatchObject({ kind: 'planned', plan: { changes: [{ subject: 'Cellular (wwan0) priority' }, {}] } });
    const revertAtMs = Date.now() + 60_000;
    const verification = { ok: true, activeWans: ['wwan'], problems: [], checkedMs: 900 };
    handlers['failover.apply'] = () => ({ revertAtMs, verification, status: status({ enabled: true, pendingRevertAtMs: revertAtMs }) });
    await store().apply(id);
    expect(calls.find((c) => c.method === 'failover.apply')!.params).toMatchObject({ routerId: id, revertInSec: 60, policy: { wans: [{ name: 'wwan', priority: 1 }, { name: 'wan', priority: 2 }] } });
    expect(slice().phase).toMatchObject({ kind: 'pending-confirm', revertAtMs, verification });
    handlers['failover.confirm'] = () => status({ enabled: true });
    const confirmed = { ...appliedPolicy, wans: [...slice().draft!.wans] };
    handlers['failover.get'] = () => snapshot({ policy: confirmed });
    await store().confirm(id);
    expect(slice().phase).toEqual({ kind: 'confirmed', verification });
    expect(slice().draft!.wans[0]!.name).toBe('wwan');
    expect(canApply(slice())).toBe(false);
    // A later manual failover makes "Confirmed" history (technician's walk: it stayed up through it).
    handlers['failover.force'] = () => status({ enabled: true, forced: 'wan' });
    await store().force(id, 'wan');
    expect(slice().phase).toEqual({ kind: 'idle' });
  });

  it('a confirmed draft that names the default flap dampening is not "unapplied" when the router reads it back without it', async () => {
    // Seen on the lab: Enable's draft says dampening {3 in 120 s, hold 60 s} explicitly; the agent's
    // config read back leaves the default out. After Confirm the tab said "Unapplied changes"
    // and offered to apply a plan of nothing.
    const draft = { ...slice().draft!, dampening: defaultDampening };
    useFailoverStore.setState((s) => ({ routers: { ...s.routers, [id]: { ...slice(), draft } } }));
    await store().plan(id);
    handlers['failover.apply'] = () => ({ revertAtMs: Date.now() + 60_000, verification: { ok: true, activeWans: ['wwan'], problems: [], checkedMs: 900 }, status: status({ enabled: true }) });
    await store().apply(id);
    handlers['failover.confirm'] = () => status({ enabled: true });
    const { dampening: _readBackOmits, ...readBack } = slice().draft!;
    handlers['failover.get'] = () => snapshot({ policy: readBack });
    await store().confirm(id);
    expect(slice().phase.kind).toBe('confirmed');
    expect(isDirty(slice())).toBe(false);
    expect(canApply(slice())).toBe(false);
    // A dampening other than the default is a real change.
    store().setDampening(id, { ...defaultDampening, holdSec: 90 });
    expect(isDirty(slice())).toBe(true);
  });

  it('reverts on request and keeps the edits', async () => {
    await store().plan(id);
    handlers['failover.apply'] = () => ({ revertAtMs: Date.now() + 60_000, verification: { ok: false, activeWans: [], problems: ['No uplink passes its tracking checks.'], checkedMs: 8000 }, status: status() });
    await store().apply(id);
    handlers['failover.rollback'] = () => status({ enabled: true });
    await store().rollback(id);
    expect(slice().phase).toEqual({ kind: 'reverted', by: 'user' });
    expect(slice().draft!.wans[0]!.name).toBe('wwan');
  });

  it('refuses to plan while anything is invalid', async () => {
    store().updateWan(id, 'wan', { gateway: 'nope' });
    await store().plan(id);
    expect(slice().phase.kind).toBe('idle');
    expect(calls.some((c) => c.method === 'failover.plan')).toBe(false);
  });

  it('on a lost connection during apply, says when the router reverts by itself, then recovers when it answers', async () => {
    vi.useFakeTimers({ now: new Date(2026, 0, 5, 14, 3, 0), toFake: ['Date'] });
    await store().plan(id);
    handlers['failover.apply'] = fail({ code: 'connection-lost', message: 'The SSH connection closed.' });
    await store().apply(id);
    expect(slice().phase).toMatchObject({ kind: 'connection-lost', during: 'applying', revertAtMs: new Date(2026, 0, 5, 14, 4, 0).getTime() });
    // The router answers again and says it is still waiting: back to Confirm / Revert.
    const pendingRevertAtMs = new Date(2026, 0, 5, 14, 3, 58).getTime();
    handlers['failover.status'] = () => status({ enabled: true, pendingRevertAtMs });
    await store().pollStatus(id);
    expect(slice().phase).toMatchObject({ kind: 'pending-confirm', revertAtMs: pendingRevertAtMs, verification: null });
  });

  it('notices when the router reverted by itself after the deadline', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await store().plan(id);
    const revertAtMs = Date.now() + 60_000;
    handlers['failover.apply'] = () => ({ revertAtMs, verification: { ok: true, activeWans: ['wwan'], problems: [], checkedMs: 1 }, status: status() });
    await store().apply(id);
    handlers['failover.status'] = () => status({ enabled: true, pendingRevertAtMs: null });
    await store().pollStatus(id);
    expect(slice().phase.kind).toBe('pending-confirm');
    vi.setSystemTime(revertAtMs + 1000);
    await store().pollStatus(id);
    expect(slice().phase).toEqual({ kind: 'reverted', by: 'timer' });
  });

  it('a lost connection while confirming keeps the known revert time', async () => {
    await store().plan(id);
    const revertAtMs = Date.now() + 45_000;
    handlers['failover.apply'] = () => ({ revertAtMs, verification: { ok: true, activeWans: ['wwan'], problems: [], checkedMs: 1 }, status: status() });
    await store().apply(id);
    handlers['failover.confirm'] = fail({ code: 'timeout', message: 'The router did not answer within 10 s.' });
    await store().confirm(id);
    expect(slice().phase).toMatchObject({ kind: 'connection-lost', during: 'confirming', revertAtMs });
  });

  it('keeps a refusal from the router as an error with its code', async () => {
    await store().plan(id);
    handlers['failover.apply'] = fail({ code: 'invalid-input', message: 'Nothing was changed on the router: eth1 is down.', details: { problems: ['eth1 is down.'] } });
    await store().apply(id);
    expect(slice().phase).toMatchObject({ kind: 'error', during: 'applying', error: { code: 'invalid-input' } });
  });
});
