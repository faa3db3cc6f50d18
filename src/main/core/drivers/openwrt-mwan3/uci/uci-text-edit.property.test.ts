// Property test for in-place edits (issue 16 item 1): over generated hand-edited mwan3 files —
// comments anywhere, both quote styles, unquoted values, odd spacing, lists, anonymous sections —
// Switchyard's apply changes only its own sections and managed options, uci reads the result as
// predicted, and remove gives back the admin's file byte for byte.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FailoverPolicy, Wan } from '../../../../../shared/model.ts';
import { normalizeMwan3Policy, policyToMwan3 } from '../mwan3-policy-map.ts';
import { managedInterfaceOptions, planRemove } from '../mwan3-remove-plan.ts';
import { outsideSwitchyard } from '../staging-replay.ts';
import { applyUciBatchOps } from './uci-batch.ts';
import type { UciPackage } from './uci-model.ts';
import { parseUciConfigFile } from './uci-parse.ts';
import { applyUciOpsToText } from './uci-text-edit.ts';

const word = fc.constantFrom('1', '0', '5', '203.0.113.10', 'wan_only', 'udp', '0.0.0.0/0', 'ipv4', 'balanced');
const spaced = fc.constantFrom('two words', "it's", 'a "q"', 'x#y', 'semi;colon');
const space = fc.constantFrom(' ', '  ', '\t', ' \t ');
const indent = fc.constantFrom('\t', '  ', '    ', '', '\t\t');
const comment = fc.constantFrom('# a comment', '#', '  # indented comment', "# admin: don't touch", '#config rule "fake"');

/** One value in a quote style that can hold it. */
const quoted = (v: string, style: number): string => {
  if (style === 0 && /^[A-Za-z0-9_./:-]+$/.test(v)) return v;
  if (style === 1 && !/["\\$`]/.test(v)) return `"${v}"`;
  return `'${v.replaceAll("'", "'\\''")}'`;
};

const optionNames = ['enabled', 'reliability', 'interval', 'timeout', 'up', 'down', 'count', 'family', 'proto', 'dest_ip', 'use_policy', 'x_custom'];
const listNames = ['track_ip', 'use_member', 'flush_conntrack', 'x_list'];

const statement = fc.record({
  list: fc.boolean(),
  name: fc.nat(100),
  values: fc.array(fc.oneof(word, spaced), { minLength: 1, maxLength: 3 }),
  style: fc.nat(2),
  indent,
  sep: space,
  trailing: fc.option(comment, { nil: undefined }),
  commentBefore: fc.option(comment, { nil: undefined }),
});

const section = fc.record({
  type: fc.constantFrom('interface', 'member', 'policy', 'rule', 'globals'),
  named: fc.boolean(),
  nameStyle: fc.nat(2),
  statements: fc.array(statement, { maxLength: 6 }),
  blankBefore: fc.nat(2),
  headComment: fc.option(comment, { nil: undefined }),
});

type Stmt = typeof statement extends fc.Arbitrary<infer T> ? T : never;
type Sec = { type: string; name: string | null; nameStyle: number; statements: Stmt[]; blankBefore: number; headComment: string | undefined };

/** Renders a hand-edited file; each option name appears once per section (as an option or a list). */
function render(sections: readonly Sec[], lead: string, tail: string): string {
  let out = lead;
  for (const s of sections) {
    out += '\n'.repeat(s.blankBefore);
    if (s.headComment) out += `${s.headComment}\n`;
    out += `config ${s.type}${s.name === null ? '' : ` ${quoted(s.name, s.nameStyle)}`}\n`;
    const used = new Set<string>();
    for (const st of s.statements) {
      const names = st.list ? listNames : optionNames;
      const name = names[st.name % names.length]!;
      if (used.has(name)) continue;
      used.add(name);
      if (st.commentBefore) out += `${st.commentBefore}\n`;
      const values = st.list ? st.values : [st.values[0]!];
      for (const v of values) out += `${st.indent}${st.list ? 'list' : 'option'}${st.sep}${name}${st.sep}${quoted(v, st.style)}${st.trailing ? ` ${st.trailing}` : ''}\n`;
    }
  }
  return out + tail;
}

const file = fc
  .record({
    sections: fc.array(section, { maxLength: 8 }),
    wan: section,
    wanb: section,
    wanAt: fc.nat(8),
    wanbAt: fc.nat(8),
    lead: fc.constantFrom('', '\n', '# mwan3 config\n\n'),
    tail: fc.constantFrom('', '\n', '# end\n'),
  })
  .map((r) => {
    let k = 0;
    const secs: Sec[] = r.sections.map((s) => ({ ...s, name: s.named ? `s${k++}` : null }));
    secs.splice(Math.min(r.wanAt, secs.length), 0, { ...r.wan, type: 'interface', name: 'wan' });
    secs.splice(Math.min(r.wanbAt, secs.length), 0, { ...r.wanb, type: 'interface', name: 'wanb' });
    return render(secs, r.lead, r.tail);
  });

const wan = (name: string, device: string, priority: number, t: Partial<Wan['tracking']>): Wan => ({
  name, device, kind: 'ethernet', priority, weight: 1, enabled: true,
  tracking: { method: 'ping', targets: ['203.0.113.10'], reliability: 1, intervalSec: 1, timeoutSec: 1, downCount: 3, upCount: 3, failureIntervalSec: 1, ...t },
});
const policyArb = fc.record({
  mode: fc.constantFrom('failover', 'balance'),
  frs: fc.boolean(),
  interval: fc.integer({ min: 1, max: 9 }),
  targets: fc.constantFrom(['203.0.113.10'], ['203.0.113.10', '203.0.113.11'], ['198.51.100.1', '203.0.113.10']),
}).map((p): FailoverPolicy => normalizeMwan3Policy({
  mode: p.mode,
  forcedRefreshStreams: p.frs,
  wans: [wan('wan', 'eth1', 1, { intervalSec: p.interval, targets: [...p.targets] }), wan('wanb', 'eth2', 2, { targets: [...p.targets] })],
}));

/** Sections in order with their options as sets: in-place edits keep an option where it stood, uci batch moves some. */
const canonical = (pkg: UciPackage): unknown => pkg.sections.map((s) => ({ type: s.type, name: s.name, options: [...s.options].sort((a, b) => a.name.localeCompare(b.name)) }));

describe('in-place edits over generated hand-edited files', () => {
  it('apply touches only Switchyard’s lines, reads back as planned, and remove restores every byte', () => {
    fc.assert(
      fc.property(file, policyArb, (text, policy) => {
        const pkg = parseUciConfigFile(text, 'mwan3');
        const { ops } = policyToMwan3(pkg, policy);
        const after = applyUciOpsToText(text, 'mwan3', ops);
        // uci reads the edited text as the batch would have made it.
        expect(canonical(parseUciConfigFile(after, 'mwan3'))).toEqual(canonical(applyUciBatchOps(pkg, ops)));
        // Nothing outside Switchyard's sections and managed options moved or changed.
        expect(outsideSwitchyard(after, ['wan', 'wanb'])).toBe(outsideSwitchyard(text, ['wan', 'wanb']));
        // Remove undoes exactly Switchyard's own changes.
        const afterPkg = parseUciConfigFile(after, 'mwan3');
        const removal = planRemove({ current: afterPkg, original: pkg, originalText: text, applied: afterPkg, managed: ['wan', 'wanb'].map((section) => ({ section, options: [...managedInterfaceOptions, 'family'] })), ownSections: true });
        expect(removal.adminEdits).toEqual([]);
        expect(applyUciOpsToText(after, 'mwan3', removal.ops)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});
