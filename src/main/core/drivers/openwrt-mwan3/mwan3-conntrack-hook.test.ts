// The hook's reading of mwan3's marks, run by a real awk (this machine's, and BusyBox's as
// OpenWrt has it) on `ip rule` as captured on a real mwan3 router (19.07.7, mwan3 2.12.2): wan on
// eth1 (id 1), wanb on eth2 (id 2). The lab test (test/integration/mwan3-conntrack-hook.test.ts)
// runs the whole hook against the kernel's conntrack table.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { mwan3MarksAwk } from './mwan3-conntrack-hook.ts';
import { lab, readFixture } from './test-fixtures.ts';

const awks: readonly (readonly string[])[] = [['awk'], ['busybox', 'awk']];
const marks = (awk: readonly string[], state: string, device: string): string[] =>
  execFileSync(awk[0]!, [...awk.slice(1), '-v', `d=${device}`, mwan3MarksAwk], { input: readFixture(lab, `${state}__ip-rule.txt`), encoding: 'utf8' })
    .split('\n')
    .filter((l) => l !== '');

describe.each(awks.map((awk) => ({ awk, name: awk.join(' ') })))('mwan3 marks from the router’s ip rules ($name)', ({ awk }) => {
  it('both online: each device’s own mark under mmx_mask, none of the blackhole/unreachable ones', () => {
    expect(marks(awk, 'a_both_online', 'eth1')).toEqual(['0x100/0x3f00']);
    expect(marks(awk, 'a_both_online', 'eth2')).toEqual(['0x200/0x3f00']);
    expect(marks(awk, 'a_both_online', 'eth0')).toEqual([]);
  });
  it('wan offline by its tracker (disconnected): mwan3 keeps its rules, so its mark is still read', () => {
    expect(marks(awk, 'b_wan_offline', 'eth1')).toEqual(['0x100/0x3f00']);
  });
  it('after mwan3’s ifdown of wan its rules are gone (why the hook keeps the marks of the last event); wanb’s stay', () => {
    expect(marks(awk, 'd_wan_ifdown', 'eth1')).toEqual([]);
    expect(marks(awk, 'd_wan_ifdown', 'eth2')).toEqual(['0x200/0x3f00']);
  });
  it('mwan3 stopped: no marks', () => {
    expect(marks(awk, 'e_mwan3_stopped', 'eth1')).toEqual([]);
  });
});
