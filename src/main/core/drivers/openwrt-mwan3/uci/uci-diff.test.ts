// Diffs between real reads of /etc/config/mwan3 (before and after the recorded edit) and
// edits replayed on them: what the user sees before apply and the "edited by hand" check.
import { describe, expect, it } from 'vitest';
import { lab, readFixture } from '../test-fixtures.ts';
import { applyUciBatchOps } from './uci-batch.ts';
import { diffUciPackages, formatUciChange, uciPackagesEqual } from './uci-diff.ts';
import { parseUciExport } from './uci-parse.ts';

const before = parseUciExport(readFixture(lab, 'a_both_online__uci-export-mwan3.txt'), 'mwan3');
const after = parseUciExport(readFixture(lab, 'uci_edit__uci-export-mwan3.txt'), 'mwan3');

describe('diffUciPackages', () => {
  it('finds nothing between two reads of an unchanged config', () => {
    expect(diffUciPackages(before, parseUciExport(readFixture(lab, 'a_both_online__uci-export-mwan3.txt'), 'mwan3'))).toEqual([]);
    expect(uciPackagesEqual(before, before)).toBe(true);
  });

  it('describes the recorded edit (a track target and an anonymous rule added)', () => {
    expect(diffUciPackages(before, after).map(formatUciChange)).toEqual([
      "mwan3.wanb.track_ip: ['198.51.100.1'] → ['198.51.100.1', '198.51.100.254']",
      "mwan3.@rule[2]: new rule section (dest_ip='203.0.113.0/24', proto='all', use_policy='balanced')",
    ]);
    expect(uciPackagesEqual(before, after)).toBe(false);
  });

  it('reports removed sections and options, type changes and moves', () => {
    const edited = applyUciBatchOps(after, [
      { kind: 'delete-section', package: 'mwan3', section: 'wan6' },
      { kind: 'delete-option', package: 'mwan3', section: 'wan', option: 'up' },
      { kind: 'set-section', package: 'mwan3', section: 'globals', type: 'settings' },
      { kind: 'reorder-section', package: 'mwan3', section: 'default_rule_v4', position: 0 },
      { kind: 'set-option', package: 'mwan3', section: 'https', option: 'sticky', value: '1' },
    ]);
    expect(diffUciPackages(after, edited).map(formatUciChange)).toEqual([
      'mwan3.globals: type globals → settings',
      "mwan3.wan.up: removed (was '20')",
      'mwan3.wan6: interface section removed',
      "mwan3.https.sticky: '0' → '1'",
      'mwan3.default_rule_v4: moved from position 10 to 1',
    ]);
  });

  it('ignores option order inside a section (uci versions differ there)', () => {
    const swapped = { ...before, sections: before.sections.map((s) => ({ ...s, options: [...s.options].reverse() })) };
    expect(diffUciPackages(before, swapped)).toEqual([]);
  });
});
