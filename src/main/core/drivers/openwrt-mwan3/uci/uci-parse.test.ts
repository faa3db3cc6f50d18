// Replays recorded uci output (real 19.07 captures unless named "derived") through the parser
// and serializer: every recorded export and show must come back byte for byte.
import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '../../../../../shared/errors.ts';
import { community, lab, listFixtures, readFixture } from '../test-fixtures.ts';
import { findUciSection, getUciList, getUciString, uciSectionRef, type UciPackage } from './uci-model.ts';
import { parseUciChanges, parseUciConfigFile, parseUciExport, parseUciShow, parseUciShowAll, tokenizeUci } from './uci-parse.ts';
import { serializeUciConfigFile, serializeUciExport, serializeUciShow } from './uci-serialize.ts';

const exportFixtures = listFixtures(lab, /uci-export-.*\.txt$/);
const showFixtures = listFixtures(lab, /uci-show-.*\.txt$/);

/** A one-item list and an option print the same in `uci show`; compare on that footing. */
const asShown = (p: UciPackage): UciPackage => ({
  name: p.name,
  sections: p.sections.map((s) => ({
    ...s,
    name: s.anonymous ? null : s.name,
    options: s.options.map((o) => (o.kind === 'list' && o.values.length === 1 ? { kind: 'option', name: o.name, value: o.values[0]! } : o)),
  })),
});

describe('uci export (real captures)', () => {
  it('finds the recorded export files', () => {
    expect(exportFixtures).toEqual(['a_both_online__uci-export-mwan3.txt', 'uci_edit__uci-export-mwan3.txt']);
  });

  it.each(exportFixtures)('%s round-trips byte for byte', (file) => {
    const text = readFixture(lab, file);
    expect(serializeUciExport(parseUciExport(text, 'mwan3'))).toBe(text);
  });

  it.each(exportFixtures)('%s re-printed as uci show equals the recorded uci show', (file) => {
    const pkg = parseUciExport(readFixture(lab, file), 'mwan3');
    expect(serializeUciShow(pkg)).toBe(readFixture(lab, file.replace('uci-export', 'uci-show')));
  });

  it('reads sections, options, lists and the anonymous rule in order', () => {
    const pkg = parseUciExport(readFixture(lab, 'uci_edit__uci-export-mwan3.txt'), 'mwan3');
    expect(pkg.sections.map((s) => s.name ?? `(${s.type})`)).toEqual([
      'globals', 'wan', 'wanb', 'wan6', 'wan_m1_w3', 'wanb_m1_w2', 'wanb_m2_w2', 'failover', 'balanced', 'https', 'default_rule_v4', '(rule)',
    ]);
    const wanb = findUciSection(pkg, 'wanb')!;
    expect(wanb.options.find((o) => o.name === 'track_ip')).toEqual({ kind: 'list', name: 'track_ip', values: ['198.51.100.1', '198.51.100.254'] });
    expect(getUciString(wanb, 'check_quality')).toBe('1');
    const last = findUciSection(pkg, '@rule[-1]')!;
    expect(last).toMatchObject({ type: 'rule', name: null, anonymous: true });
    expect(getUciString(last, 'dest_ip')).toBe('203.0.113.0/24');
    expect(uciSectionRef(pkg, pkg.sections.length - 1)).toBe('@rule[2]');
  });

  it('writes the file uci commit wrote (/etc/config/mwan3, captured with cat)', () => {
    const pkg = parseUciExport(readFixture(lab, 'uci_edit__uci-export-mwan3.txt'), 'mwan3');
    const file = readFixture(lab, 'uci_edit__cat-etc-config-mwan3.txt');
    expect(serializeUciConfigFile(pkg)).toBe(file);
    expect(parseUciConfigFile(file, 'mwan3')).toEqual(pkg);
  });
});

describe('uci show (real captures)', () => {
  it.each(showFixtures)('%s round-trips byte for byte', (file) => {
    const text = readFixture(lab, file);
    const [pkg] = parseUciShowAll(text);
    expect(serializeUciShow(pkg!, { rawNames: true })).toBe(text);
  });

  it('matches the export read of the same config, except that one-item lists look like options', () => {
    const fromShow = parseUciShow(readFixture(lab, 'uci_edit__uci-show-mwan3.txt'), 'mwan3');
    const fromExport = parseUciExport(readFixture(lab, 'uci_edit__uci-export-mwan3.txt'), 'mwan3');
    expect(fromShow).toEqual(asShown(fromExport));
    expect(getUciList(findUciSection(fromShow, 'wan6')!, 'track_ip')).toEqual(['2001:db8::1']);
  });

  it('reads anonymous sections of network and firewall by @type[N]', () => {
    const fw = parseUciShow(readFixture(lab, 'a_both_online__uci-show-firewall.txt'), 'firewall');
    const wanZone = findUciSection(fw, '@zone[1]')!;
    expect(wanZone.anonymous).toBe(true);
    expect(getUciList(wanZone, 'network')).toEqual(['wan', 'wan6', 'wanb']);
    const net = parseUciShow(readFixture(lab, 'a_both_online__uci-show-network.txt'), 'network');
    expect(getUciString(findUciSection(net, 'wanb')!, 'metric')).toBe('20');
  });

  it('marks a cfgXXXXXX name (uci show of one anonymous section) as anonymous', () => {
    const pkg = parseUciShow(readFixture(lab, 'uci_edit__uci-show-mwan3.-rule-1.txt'), 'mwan3');
    expect(pkg.sections).toEqual([
      {
        type: 'rule',
        name: 'cfg0c92bd',
        anonymous: true,
        options: [
          { kind: 'option', name: 'dest_ip', value: '203.0.113.0/24' },
          { kind: 'option', name: 'proto', value: 'all' },
          { kind: 'option', name: 'use_policy', value: 'balanced' },
        ],
      },
    ]);
  });

  it('reads an empty package (uci show prints nothing) as no sections', () => {
    expect(parseUciShow('', 'mwan3')).toEqual({ name: 'mwan3', sections: [] });
  });
});

describe('the stock /etc/config/mwan3 (captured from openwrt/packages) and its derived uci show', () => {
  it('skips comments and prints what uci show would', () => {
    const pkg = parseUciConfigFile(readFixture(community, 'mwan3.default.config'), 'mwan3');
    expect(pkg.sections).toHaveLength(23);
    expect(serializeUciShow(pkg)).toBe(readFixture(community, 'derived_uci-show-mwan3-default.txt'));
    // uci export drops the comments and adds the header.
    expect(serializeUciExport(pkg).startsWith("package mwan3\n\nconfig globals 'globals'\n\toption mmx_mask '0x3F00'\n")).toBe(true);
  });
});

describe('uci changes (real captures)', () => {
  it('reads set, add_list and del_list lines', () => {
    expect(parseUciChanges(readFixture(lab, 'uci_edit__uci-changes-all-pending.txt'))).toEqual([
      { kind: 'set', package: 'mwan3', section: 'wanb', option: 'interval', value: '10' },
      { kind: 'del-list', package: 'mwan3', section: 'wan', option: 'track_ip', value: '192.0.2.254' },
      { kind: 'add-list', package: 'mwan3', section: 'wanb', option: 'track_ip', value: '198.51.100.254' },
    ]);
  });

  it('shows that the bad line of a batch was skipped while the others were staged', () => {
    const changes = parseUciChanges(readFixture(lab, 'uci_edit__uci-changes-mwan3-after-bad-batch.txt'));
    expect(changes.map((c) => `${c.option}=${c.value}`)).toEqual(['interval=2', 'down=4']);
    expect(parseUciChanges(readFixture(lab, 'uci_edit__uci-changes-mwan3-after-commit.txt'))).toEqual([]);
  });

  it('reads a removed section', () => {
    expect(parseUciChanges('-mwan3.wan6\n')).toEqual([{ kind: 'remove', package: 'mwan3', section: 'wan6', option: null, value: null }]);
  });
});

describe('uci file syntax (openwrt/uci file.c rules)', () => {
  it('handles the quoting styles uci accepts', () => {
    const text = "config 'a' \"b\"\n\toption x 'it'\\''s'\n\toption y \"say \\\"hi\\\" \\\nthere\"\n\toption z plain#comment\n\tlist l 'one' ; list l two\n";
    expect(tokenizeUci(text).map((s) => s.args)).toEqual([
      ['config', 'a', 'b'],
      ['option', 'x', "it's"],
      ['option', 'y', 'say "hi" there'],
      ['option', 'z', 'plain'],
      ['list', 'l', 'one'],
      ['list', 'l', 'two'],
    ]);
  });

  it('keeps newlines inside quoted values and counts lines', () => {
    const pkg = parseUciExport("package p\n\nconfig t 's'\n\toption v 'a\nb'\n\toption w 'c'\n", 'p');
    expect(pkg.sections[0]!.options).toEqual([
      { kind: 'option', name: 'v', value: 'a\nb' },
      { kind: 'option', name: 'w', value: 'c' },
    ]);
  });

  it('merges a repeated named section and turns option+list into one list, as uci does', () => {
    const pkg = parseUciConfigFile("config t 's'\n\toption a '1'\nconfig t 's'\n\tlist a '2'\n\toption b ''\n", 'p');
    expect(pkg.sections).toEqual([{ type: 't', name: 's', anonymous: false, options: [{ kind: 'list', name: 'a', values: ['1', '2'] }] }]);
  });

  it.each([
    ['not uci at all', 'Interface status:\n interface wan is online\n', /line 1: unknown statement "Interface"/],
    ['an unterminated quote', "package p\nconfig t 's\n", /ends inside a '…' quoted string/],
    ['an option before any section', "package p\noption a 'b'\n", /before the first "config"/],
    ['a bad section name', "package p\nconfig t 'a-b'\n", /invalid section name "a-b"/],
    ['a missing package line', "config t 's'\n", /expected a "package <name>" line first|comes before any "package"/],
    ['empty output', '', /expected a "package <name>" line first/],
  ])('rejects %s with a clear command-failed error', (_what, text, message) => {
    const run = (): unknown => parseUciExport(text, 'p');
    expect(run).toThrow(SwitchyardError);
    expect(run).toThrow(message);
    try {
      run();
    } catch (e) {
      expect((e as SwitchyardError).code).toBe('command-failed');
    }
  });

  it.each([
    ['no equals sign', 'mwan3.wan\n', /expected "package.section=type"/],
    ['an option of an undeclared section', "mwan3.wan.enabled='1'\n", /was not declared/],
    ['an unquoted value', 'mwan3.wan=interface\nmwan3.wan.enabled=1\n', /expected a '…' quoted value/],
    ['uci error text', 'uci: Entry not found\n', /expected "package.section=type"/],
  ])('rejects uci show output with %s', (_what, text, message) => {
    expect(() => parseUciShowAll(text)).toThrow(message);
  });
});
