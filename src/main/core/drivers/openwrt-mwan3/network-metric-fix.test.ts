// The unique-metric fix over the recorded network config (and variants derived from it).
import { describe, expect, it } from 'vitest';
import { planMetricFix, restoreMetricOps } from './network-metric-fix.ts';
import { lab, readFixture } from './test-fixtures.ts';
import { applyUciBatchOps, type UciBatchOp } from './uci/uci-batch.ts';
import { parseUciShow } from './uci/uci-parse.ts';

const network = () => parseUciShow(readFixture(lab, 'a_both_online__uci-show-network.txt'), 'network');
const set = (section: string, value: string): UciBatchOp => ({ kind: 'set-option', package: 'network', section, option: 'metric', value });

describe('planMetricFix', () => {
  it('changes nothing on the recorded router (wan 10, wanb 20)', () => {
    expect(planMetricFix(network(), ['wan', 'wanb'])).toEqual({ ops: [], changes: [], problems: [] });
  });

  it('keeps the first holder of a shared metric and moves the other to the next free ten', () => {
    const dup = applyUciBatchOps(network(), [set('wanb', '10')]);
    expect(planMetricFix(dup, ['wan', 'wanb'])).toEqual({ ops: [set('wanb', '20')], changes: [{ iface: 'wanb', from: '10', to: '20' }], problems: [] });
  });

  it('gives a missing metric one, and says when an uplink is not in /etc/config/network', () => {
    const none = applyUciBatchOps(network(), [{ kind: 'delete-option', package: 'network', section: 'wanb', option: 'metric' }]);
    expect(planMetricFix(none, ['wan', 'wanb', 'wwan'])).toEqual({
      ops: [set('wanb', '20')],
      changes: [{ iface: 'wanb', from: null, to: '20' }],
      problems: ['"wwan" is not an interface section of /etc/config/network, so its metric cannot be set.'],
    });
  });
});

describe('restoreMetricOps (Remove)', () => {
  it('puts back the metrics as they were, and deletes one that did not exist', () => {
    const original = applyUciBatchOps(network(), [{ kind: 'delete-option', package: 'network', section: 'wanb', option: 'metric' }, set('wan', '5')]);
    expect(restoreMetricOps(network(), original, ['wan', 'wanb'])).toEqual([set('wan', '5'), { kind: 'delete-option', package: 'network', section: 'wanb', option: 'metric' }]);
    expect(restoreMetricOps(network(), network(), ['wan', 'wanb'])).toEqual([]);
  });
});
