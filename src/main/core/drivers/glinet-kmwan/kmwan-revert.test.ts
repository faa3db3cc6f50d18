// The revert job's restore of one kmwan package: whole while nobody edited the file since the
// commit, else option by option, only where the commit's value is still there. SYNTHETIC base:
// the uci export of test/fixtures/glinet/synthetic (no real `uci show kmwan` is public).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { applyUciBatchOps, type UciBatchOp } from '../openwrt-mwan3/uci/uci-batch.ts';
import { parseUciExport } from '../openwrt-mwan3/uci/uci-parse.ts';
import { readGlinetFixture, synthetic } from './kmwan-fixtures.ts';
import { revertPackageCommand } from './kmwan-revert.ts';

const kept = (key: string): string => `logger -t switchyard 'revert kept ${key}: changed on the router since Switchyard set it'`;

describe('the revert job, option by option after an edit on the router', () => {
  const before = parseUciExport(readGlinetFixture(synthetic, 'flint2_uci-export-kmwan.txt'), 'kmwan');
  // What set_interface and Forced Refresh Streams write: a new target list, enable_ssl gone, Switchyard's own option.
  const withSsl = applyUciBatchOps(before, [{ kind: 'set-option', package: 'kmwan', section: 'wan', option: 'enable_ssl', value: '0' }]);
  const ops: UciBatchOp[] = [
    { kind: 'set-list', package: 'kmwan', section: 'wan', option: 'tracks', values: ['ping,9.9.9.9', 'ping,1.1.1.1'] },
    { kind: 'delete-option', package: 'kmwan', section: 'wan', option: 'enable_ssl' },
    { kind: 'set-option', package: 'kmwan', section: 'global', option: 'switchyard_frs', value: '1' },
  ];
  const text = revertPackageCommand('kmwan', ops, withSsl, applyUciBatchOps(withSsl, ops)).text;

  it('puts each option back only while it holds the commit value: a list item by item, a deleted option set again, an added one deleted', () => {
    execFileSync('sh', ['-n', '-c', text]);
    expect(text).toBe(
      'if [ "$(md5sum < /etc/config/kmwan)" = "$(md5sum < /etc/switchyard/pending/kmwan.installed)" ]; then cp /etc/switchyard/pending/kmwan /etc/config/kmwan; else ' +
        `{ if [ "$(uci -q get kmwan.wan.tracks)" = 'ping,9.9.9.9 ping,1.1.1.1' ]; then { uci -q delete kmwan.wan.tracks || true; }; ` +
        "{ uci add_list 'kmwan.wan.tracks=ping,1.1.1.1'; }; { uci add_list 'kmwan.wan.tracks=ping,8.8.8.8'; }; { uci add_list 'kmwan.wan.tracks=ping,208.67.222.222'; }; { uci add_list 'kmwan.wan.tracks=ping,208.67.220.220'; }; " +
        `else ${kept('kmwan.wan.tracks')}; fi; }; ` +
        `{ if ! uci -q get kmwan.wan.enable_ssl >/dev/null; then uci set 'kmwan.wan.enable_ssl=0'; else ${kept('kmwan.wan.enable_ssl')}; fi; }; ` +
        `{ if [ "$(uci -q get kmwan.global.switchyard_frs)" = 1 ]; then uci -q delete kmwan.global.switchyard_frs || true; else ${kept('kmwan.global.switchyard_frs')}; fi; }; ` +
        '{ uci commit kmwan; }; fi',
    );
  });

  it('quotes what it cannot trust: a value with a quote and a space stays one word', () => {
    const odd: UciBatchOp[] = [{ kind: 'set-option', package: 'kmwan', section: 'wan', option: 'metric', value: "1'; reboot; '" }];
    const t = revertPackageCommand('kmwan', odd, before, applyUciBatchOps(before, odd)).text;
    execFileSync('sh', ['-n', '-c', t]);
    expect(t).toContain(`= '1'\\''; reboot; '\\''' ]; then uci set 'kmwan.wan.metric=10'`);
  });
});
