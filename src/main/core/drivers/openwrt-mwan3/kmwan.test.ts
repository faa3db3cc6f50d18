// GL.iNet kmwan. BASED ON SYNTHETIC FIXTURES ONLY: the /proc files were built from the kernel
// module's seq_printf formats (SOURCES.md) and the UCI package from mwan3.md §8; no device capture.
import { describe, expect, it } from 'vitest';
import { community, readFixture } from './test-fixtures.ts';
import { assessKmwanConfig, parseKmwanProcConfig, parseKmwanStatus } from './kmwan.ts';
import type { UciPackage } from './uci/uci-model.ts';

describe('/proc/gl-kmwan (synthetic)', () => {
  it('reads the status table with targets and flags', () => {
    const status = parseKmwanStatus(readFixture(community, 'synthetic_proc-gl-kmwan-status.txt'));
    expect(status).toEqual([
      {
        name: 'wan', device: 'eth1', ifindex: 3, kernelState: 'ACTIVE', state: 'online', trackMode: 'strict', txPackets: 1824, rxPackets: 1822,
        targets: [{ method: 'ping', ip: '1.1.1.1' }, { method: 'ping', ip: '8.8.8.8' }], online: true, probeEnabled: true, forceDead: false,
      },
      {
        name: 'wwan', device: 'apclix0', ifindex: 12, kernelState: 'DEAD', state: 'offline', trackMode: 'strict', txPackets: 96, rxPackets: 0,
        targets: [{ method: 'ping', ip: '1.1.1.1' }, { method: 'ping', ip: '8.8.8.8' }], online: false, probeEnabled: true, forceDead: false,
      },
    ]);
  });

  it('reads the online/offline list', () => {
    expect(parseKmwanProcConfig(readFixture(community, 'synthetic_proc-gl-kmwan-config.txt'))).toEqual([
      { name: 'wan', online: true },
      { name: 'wwan', online: false },
    ]);
  });

  it('refuses a status table with other columns (a firmware we do not know)', () => {
    expect(() => parseKmwanStatus('Interface  State\nwan  ACTIVE\n')).toThrow(/expected the columns Interface, Netdev/);
    expect(() => parseKmwanProcConfig('wan=online\n')).toThrow(/expected "<interface>:online\|offline"/);
  });
});

// The kmwan UCI shape exactly as mwan3.md §8 describes it (no capture exists).
const documented: UciPackage = {
  name: 'kmwan',
  sections: [
    { type: 'global', name: 'global', anonymous: false, options: [
      { kind: 'option', name: 'enable', value: '1' },
      { kind: 'option', name: 'mode', value: 'failover' },
      { kind: 'option', name: 'sensitivity', value: '5000' },
    ] },
    { type: 'member', name: 'wan', anonymous: false, options: [
      { kind: 'option', name: 'interface', value: 'wan' },
      { kind: 'option', name: 'addr_type', value: '4' },
      { kind: 'option', name: 'metric', value: '1' },
      { kind: 'option', name: 'weight', value: '1' },
      { kind: 'option', name: 'track_mode', value: 'strict' },
      { kind: 'list', name: 'tracks', values: ['ping,1.1.1.1', 'ping,8.8.8.8'] },
    ] },
  ],
};

describe('assessKmwanConfig (shape from mwan3.md, synthetic)', () => {
  it('is configurable when everything matches the documented shape', () => {
    const result = assessKmwanConfig(documented);
    expect(result.kind).toBe('configurable');
    expect(result.config).toEqual({
      enabled: true, mode: 'failover', sensitivityMs: 5000,
      members: [{ name: 'wan', interface: 'wan', family: 'ipv4', metric: 1, weight: 1, disabled: false, trackMode: 'strict', tracks: [{ method: 'ping', target: '1.1.1.1' }, { method: 'ping', target: '8.8.8.8' }] }],
    });
  });

  it('is read-only, with reasons, when the router has options or values we do not know', () => {
    const unknown: UciPackage = {
      ...documented,
      sections: [
        { ...documented.sections[0]!, options: [...documented.sections[0]!.options, { kind: 'option', name: 'forced_refresh', value: '1' }] },
        { ...documented.sections[1]!, options: documented.sections[1]!.options.map((o) => (o.name === 'metric' ? { ...o, value: '300' } : o)) },
        { type: 'rule', name: null, anonymous: true, options: [] },
      ],
    };
    const result = assessKmwanConfig(unknown);
    expect(result.kind).toBe('read-only');
    expect(result.kind === 'read-only' && result.reasons).toEqual([
      'kmwan.global.forced_refresh is an option Switchyard does not know.',
      'kmwan.@rule is a "rule" section, which Switchyard does not know.',
      "kmwan.wan.metric is '300', not 1–255.",
    ]);
    expect(assessKmwanConfig({ name: 'kmwan', sections: [] })).toMatchObject({ kind: 'read-only', config: null });
  });
});
