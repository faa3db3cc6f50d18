// uci batch: scripts compared with the batches recorded on the 19.07 image, stderr checks on its
// recorded stderr, the model replay checked against the export read back after the real commit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '../../../../../shared/errors.ts';
import { lab, readFixture } from '../test-fixtures.ts';
import { uciValueProblem, type UciPackage } from './uci-model.ts';
import { applyUciBatchOps, assertUciBatchSucceeded, buildUciBatch, parseUciBatchStderr, type UciBatchOp } from './uci-batch.ts';
import { diffUciPackages, formatUciChange } from './uci-diff.ts';
import { parseUciExport, parseUciShow, tokenizeUci } from './uci-parse.ts';
import { serializeUciExport, serializeUciShow } from './uci-serialize.ts';

/** The batch stdin as recorded in index.tsv (the here-document body, without `commit`). */
function recordedBatch(stem: string): string {
  const row = readFixture(lab, 'index.tsv').split('\n').find((l) => l.startsWith(`${stem}\t`))!;
  const command = row.split('\t').at(-1)!.replace(/\\(n|t|\\)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
  const body = /^uci batch <<'EOF'\n([\s\S]*)EOF$/.exec(command)![1]!;
  return body.replace(/^commit .*\n/m, '');
}

const before = (): UciPackage => parseUciExport(readFixture(lab, 'a_both_online__uci-export-mwan3.txt'), 'mwan3');

const addRuleOps: UciBatchOp[] = [
  { kind: 'add-list', package: 'mwan3', section: 'wanb', option: 'track_ip', value: '198.51.100.254' },
  { kind: 'add-section', package: 'mwan3', type: 'rule' },
  { kind: 'set-option', package: 'mwan3', section: '@rule[-1]', option: 'dest_ip', value: '203.0.113.0/24' },
  { kind: 'set-option', package: 'mwan3', section: '@rule[-1]', option: 'proto', value: 'all' },
  { kind: 'set-option', package: 'mwan3', section: '@rule[-1]', option: 'use_policy', value: 'balanced' },
];

describe('buildUciBatch', () => {
  it('writes the same script that was run on the router', () => {
    expect(buildUciBatch(addRuleOps)).toBe(recordedBatch('uci_edit__uci-batch-add-list-add-rule-commit'));
    expect(
      buildUciBatch([
        { kind: 'set-option', package: 'mwan3', section: 'wanb', option: 'interval', value: '10' },
        { kind: 'del-list', package: 'mwan3', section: 'wan', option: 'track_ip', value: '192.0.2.254' },
        { kind: 'add-list', package: 'mwan3', section: 'wanb', option: 'track_ip', value: '198.51.100.254' },
      ]),
    ).toBe(recordedBatch('uci_edit__uci-batch-no-commit'));
  });

  it('writes every kind of operation', () => {
    const script = buildUciBatch([
      { kind: 'set-section', package: 'mwan3', section: 'wanc', type: 'interface' },
      { kind: 'set-list', package: 'mwan3', section: 'wanc', option: 'track_ip', values: ['1.1.1.1', '8.8.8.8'] },
      { kind: 'delete-option', package: 'mwan3', section: 'wan', option: 'up' },
      { kind: 'delete-section', package: 'mwan3', section: 'wan6' },
      { kind: 'rename-section', package: 'mwan3', section: '@rule[-1]', newName: 'lte_rule' },
      { kind: 'reorder-section', package: 'mwan3', section: 'wanc', position: 3 },
      { kind: 'set-option', package: 'mwan3', section: 'wan', option: 'note', value: "it's a \"test\"; # not a comment" },
    ]);
    expect(script).toBe(
      [
        "set mwan3.wanc='interface'",
        "set mwan3.wanc.track_ip=''",
        "add_list mwan3.wanc.track_ip='1.1.1.1'",
        "add_list mwan3.wanc.track_ip='8.8.8.8'",
        'delete mwan3.wan.up',
        'delete mwan3.wan6',
        "rename mwan3.@rule[-1]='lte_rule'",
        "reorder mwan3.wanc='3'",
        "set mwan3.wan.note='it'\\''s a \"test\"; # not a comment'",
        '',
      ].join('\n'),
    );
    // uci reads batch lines with its file parser; ours must see the same arguments.
    expect(tokenizeUci(script).at(-1)!.args).toEqual(['set', `mwan3.wan.note=it's a "test"; # not a comment`]);
  });

  it.each<[string, UciBatchOp, RegExp]>([
    ['an empty value', { kind: 'set-option', package: 'mwan3', section: 'wan', option: 'up', value: '' }, /is empty/],
    ['a control character', { kind: 'set-option', package: 'mwan3', section: 'wan', option: 'up', value: 'a\u0001' }, /U\+0001/],
    ['a bad option name', { kind: 'set-option', package: 'mwan3', section: 'wan', option: 'track-ip', value: '1' }, /Option name "track-ip"/],
    ['a bad section', { kind: 'delete-section', package: 'mwan3', section: 'wan b' }, /Section "wan b"/],
    ['an empty list', { kind: 'set-list', package: 'mwan3', section: 'wan', option: 'track_ip', values: [] }, /use delete-option/],
    ['a negative position', { kind: 'reorder-section', package: 'mwan3', section: 'wan', position: -1 }, /Position -1/],
  ])('refuses %s with invalid-input', (_what, op, message) => {
    expect(() => buildUciBatch([op])).toThrow(message);
    try {
      buildUciBatch([op]);
    } catch (e) {
      expect((e as SwitchyardError).code).toBe('invalid-input');
    }
  });
});

describe('parseUciBatchStderr (uci batch exits 0 on failed lines)', () => {
  it('reports the recorded "Unknown command" of a batch with a bad line', () => {
    const stderr = readFixture(lab, 'uci_edit__uci-batch-with-bad-line-2.stderr.txt');
    expect(parseUciBatchStderr(stderr)).toEqual({ ok: false, errors: ['Unknown command'] });
    expect(() => assertUciBatchSucceeded(stderr)).toThrow(/1 failed command\(s\): Unknown command/);
  });

  it('reports uci errors such as "uci: Invalid argument"', () => {
    const stderr = readFixture(lab, 'common__uci-set-mwan3.nosuchsection.option-1.stderr.txt');
    expect(parseUciBatchStderr(stderr).errors).toEqual(['uci: Invalid argument']);
  });

  it('accepts the empty stderr of the successful batches', () => {
    expect(parseUciBatchStderr('')).toEqual({ ok: true, errors: [] });
    expect(() => assertUciBatchSucceeded('')).not.toThrow();
  });
});

describe('applyUciBatchOps', () => {
  it('predicts exactly the export read back after the real batch and commit', () => {
    const predicted = applyUciBatchOps(before(), addRuleOps);
    const actual = parseUciExport(readFixture(lab, 'uci_edit__uci-export-mwan3.txt'), 'mwan3');
    expect(predicted).toEqual(actual);
    expect(serializeUciExport(predicted)).toBe(readFixture(lab, 'uci_edit__uci-export-mwan3.txt'));
  });

  it('gives the same changes as the recorded uci changes of the uncommitted batch', () => {
    const after = applyUciBatchOps(before(), [
      { kind: 'set-option', package: 'mwan3', section: 'wanb', option: 'interval', value: '10' },
      { kind: 'del-list', package: 'mwan3', section: 'wan', option: 'track_ip', value: '192.0.2.254' },
      { kind: 'add-list', package: 'mwan3', section: 'wanb', option: 'track_ip', value: '198.51.100.254' },
    ]);
    expect(diffUciPackages(before(), after).map(formatUciChange)).toEqual([
      "mwan3.wan.track_ip: ['192.0.2.1', '192.0.2.254'] → ['192.0.2.1']",
      "mwan3.wanb.track_ip: ['198.51.100.1'] → ['198.51.100.1', '198.51.100.254']",
      "mwan3.wanb.interval: '5' → '10'",
    ]);
  });

  it('refuses operations uci would reject', () => {
    expect(() => applyUciBatchOps(before(), [{ kind: 'set-option', package: 'mwan3', section: 'nosuch', option: 'a', value: '1' }])).toThrow(
      /does not exist/,
    );
    expect(() => applyUciBatchOps(before(), [{ kind: 'delete-option', package: 'mwan3', section: 'wan', option: 'nosuch' }])).toThrow(/does not exist/);
  });
});

/**
 * Values uci can hold: well-formed text (sent as UTF-8), no control characters except tab, CR
 * and LF (uci_validate_text), not empty (uci deletes an option set to ''). Lone UTF-16
 * surrogates have no UTF-8 form, so they cannot reach the router at all.
 */
const special = fc.constantFrom("'", '\\', ' ', '\n', '\t', '\r', '"', '#', ';', '=', '$', '`', "'\\''", 'é', '日本', '🙂', '\u007f');
const uciValue = fc
  .array(fc.oneof(special, fc.string({ unit: 'binary', maxLength: 4 })), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(''))
  .filter((v) => !/\p{Cs}/u.test(v) && uciValueProblem(v) === null);

const pkgWith = (options: UciPackage['sections'][number]['options']): UciPackage => ({
  name: 'mwan3',
  sections: [{ type: 'interface', name: 'wan', anonymous: false, options }],
});

describe('property: any storable value survives uci text and batch quoting', () => {
  it('option values round-trip through export, show and batch', () => {
    fc.assert(
      fc.property(uciValue, (value) => {
        const pkg = pkgWith([{ kind: 'option', name: 'x', value }]);
        expect(parseUciExport(serializeUciExport(pkg), 'mwan3')).toEqual(pkg);
        expect(parseUciShow(serializeUciShow(pkg), 'mwan3')).toEqual(pkg);
        const [statement] = tokenizeUci(buildUciBatch([{ kind: 'set-option', package: 'mwan3', section: 'wan', option: 'x', value }]));
        expect(statement!.args).toEqual(['set', `mwan3.wan.x=${value}`]);
      }),
      { numRuns: 400 },
    );
  });

  it('list items round-trip through export, show and batch', () => {
    fc.assert(
      fc.property(fc.array(uciValue, { minLength: 2, maxLength: 5 }), (values) => {
        const pkg = pkgWith([{ kind: 'list', name: 'track_ip', values }]);
        expect(parseUciExport(serializeUciExport(pkg), 'mwan3')).toEqual(pkg);
        expect(parseUciShow(serializeUciShow(pkg), 'mwan3')).toEqual(pkg);
        const script = buildUciBatch([{ kind: 'set-list', package: 'mwan3', section: 'wan', option: 'track_ip', values }]);
        expect(tokenizeUci(script).slice(1).map((s) => s.args[1])).toEqual(values.map((v) => `mwan3.wan.track_ip=${v}`));
      }),
      { numRuns: 300 },
    );
  });
});
