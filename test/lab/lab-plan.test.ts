// The lab's pure parts (names, addresses, input checks, impairment state); runs on any machine.
import { describe, expect, it } from 'vitest';
import {
  LabInputError,
  allocateMgmtPairs,
  fingerprintOfPublicKey,
  planLab,
  validateLabOptions,
} from './lab-plan.ts';
import { NO_IMPAIRMENT } from './lab-schema.ts';
import { nextImpairment, validateImpairment } from './lab.ts';

const ALLOWED = [/^192\.0\.2\./, /^198\.51\.100\./, /^203\.0\.113\./, /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./];

describe('lab plan', () => {
  it('rejects impossible options before anything is made', () => {
    expect(() => validateLabOptions({ routers: 0 })).toThrow(LabInputError);
    expect(() => validateLabOptions({ routers: 41 })).toThrow(/--routers/);
    expect(() => validateLabOptions({ routers: 1.5 })).toThrow(/--routers/);
    expect(() => validateLabOptions({ wans: 5 })).toThrow(/--wans/);
    expect(() => validateLabOptions({ wans: 0 })).toThrow(/--wans/);
    expect(() => validateLabOptions({ name: 'Bad-Name' })).toThrow(/invalid lab name/);
    expect(() => validateLabOptions({ name: 'toolong8' })).toThrow(/invalid lab name/);
    expect(validateLabOptions({})).toEqual({ name: 'lab', routers: 1, wans: 4 });
  });

  it('names uplinks like real ones, in order, with interface names the kernel accepts', () => {
    const opts = validateLabOptions({ name: 'abcdefg', routers: 40, wans: 4 });
    const plan = planLab(opts, allocateMgmtPairs(40, []));
    expect(plan.routers[0]?.wans.map((w) => [w.name, w.kind])).toEqual([
      ['eth1', 'ethernet'],
      ['wlan0', 'repeater'],
      ['usb0', 'tethering'],
      ['wwan0', 'cellular'],
    ]);
    for (const r of plan.routers) {
      expect(r.hostInterface.length).toBeLessThanOrEqual(15);
      for (const w of r.wans) expect(w.internetInterface.length).toBeLessThanOrEqual(15);
    }
    expect(planLab(validateLabOptions({ wans: 2 }), [1]).routers[0]?.wans.map((w) => w.name)).toEqual(['eth1', 'wlan0']);
  });

  it('uses only documentation and shared (100.64/10) addresses, all distinct', () => {
    const plan = planLab(validateLabOptions({ routers: 40, wans: 4 }), allocateMgmtPairs(40, []));
    const addrs = plan.routers.flatMap((r) => [
      r.managementAddress,
      r.hostManagementAddress,
      r.lanClientAddress,
      r.lanRouterAddress,
      ...r.wans.flatMap((w) => [w.routerAddress, w.gateway, w.ispPublicAddress, w.internetAddress]),
    ]);
    for (const a of addrs) expect(ALLOWED.some((re) => re.test(a)), a).toBe(true);
    expect(new Set(addrs).size).toBe(addrs.length);
    for (const r of plan.routers) expect(r.managementAddress).toMatch(/^198\.51\.100\./);
  });

  it('allocates management pairs around addresses already on the host', () => {
    expect(allocateMgmtPairs(2, ['198.51.100.2', '198.51.100.7'])).toEqual([2, 4]);
    expect(() => allocateMgmtPairs(127, [])).toThrow(/not enough free management addresses/);
  });

  it('prints host-key fingerprints as OpenSSH does', () => {
    // What `ssh-keygen -lf` printed for this key.
    const line = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINCUnN0ukYRsVd1SlKJqZQ13Xul7gnoe6j6spubWvE9b x';
    expect(fingerprintOfPublicKey(line)).toEqual({
      type: 'ssh-ed25519',
      fingerprint: 'SHA256:R2zitop9/te+2fSiw2co3ItivdyNqNexRA6N7RuBsWg',
    });
  });

  it('tracks impairments per uplink and validates their parameters', () => {
    let s = nextImpairment(NO_IMPAIRMENT, { kind: 'loss', lossPct: 20 });
    s = nextImpairment(s, { kind: 'down' });
    expect(s).toEqual({ down: true, blackhole: false, lossPct: 20, latencyMs: 0 });
    expect(nextImpairment(s, { kind: 'up' }).down).toBe(false);
    expect(nextImpairment(s, { kind: 'clear' })).toEqual(NO_IMPAIRMENT);
    expect(() => validateImpairment({ kind: 'loss', lossPct: 101 })).toThrow(LabInputError);
    expect(() => validateImpairment({ kind: 'loss', lossPct: -1 })).toThrow(LabInputError);
    expect(() => validateImpairment({ kind: 'latency', latencyMs: 10.5 })).toThrow(LabInputError);
    expect(() => validateImpairment({ kind: 'latency', latencyMs: 20_000 })).toThrow(LabInputError);
  });
});
