// The glinet-kmwan driver. BASED ON SYNTHETIC INPUT ONLY: the /proc files come from the kernel
// module's formats and the UCI package from mwan3.md §8 (see SOURCES.md); no GL.iNet capture exists.
import { describe, expect, it } from 'vitest';
import { stageCommand, stagedExportCommand, readPendingCommand } from './mwan3-apply-script.ts';
import { createKmwanDriver, detectKmwan, kmwanCommands } from './kmwan-driver.ts';
import { createReplayShell, recorded, recordedFile, type Recording, type ReplayMap } from './replay-shell.ts';
import { community, lab } from './test-fixtures.ts';
import { applyUciBatchOps } from './uci/uci-batch.ts';
import type { UciPackage } from './uci/uci-model.ts';
import { serializeUciExport } from './uci/uci-serialize.ts';
import { assessKmwanConfig } from './kmwan.ts';

const ok = (stdout = ''): Recording => ({ stdout, exitCode: 0 });
const opt = (name: string, value: string) => ({ kind: 'option' as const, name, value });
// The documented shape (mwan3.md §8), two members to match the synthetic /proc status.
const documented: UciPackage = {
  name: 'kmwan',
  sections: [
    { type: 'global', name: 'global', anonymous: false, options: [opt('enable', '1'), opt('mode', 'failover'), opt('sensitivity', '5000')] },
    ...(['wan', 'wwan'] as const).map((n, i) => ({
      type: 'member', name: n, anonymous: false,
      options: [opt('interface', n), opt('addr_type', '4'), opt('metric', String(i + 1)), opt('weight', '1'), opt('track_mode', 'strict'), { kind: 'list' as const, name: 'tracks', values: ['ping,1.1.1.1', 'ping,8.8.8.8'] }],
    })),
  ],
};
const exportText = serializeUciExport(documented);
const unknownShape = serializeUciExport(applyUciBatchOps(documented, [{ kind: 'set-option', package: 'kmwan', section: 'global', option: 'forced_refresh', value: '1' }]));

const router = (extra: Record<string, Recording | readonly Recording[]> = {}): ReplayMap => ({
  [kmwanCommands.procConfig.text]: recordedFile(community, 'synthetic_proc-gl-kmwan-config.txt'),
  [kmwanCommands.procStatus.text]: recordedFile(community, 'synthetic_proc-gl-kmwan-status.txt'),
  [kmwanCommands.exportKmwan.text]: ok(exportText),
  // Real capture from the OpenWrt lab (its uplinks are wan and wanb).
  [kmwanCommands.networkDump.text]: recorded(lab, 'a_both_online__ubus-call-network.interface-dump'),
  [readPendingCommand().text]: { stdout: '', stderr: "cat: can't open '/etc/switchyard/pending/armed': No such file or directory\n", exitCode: 1 },
  ...extra,
});

describe('detectKmwan', () => {
  it('finds kmwan by its /proc files and judges its config', async () => {
    expect(await detectKmwan(createReplayShell(router()))).toMatchObject({ present: true, assessment: { kind: 'configurable' } });
    expect(await detectKmwan(createReplayShell(router({ [kmwanCommands.exportKmwan.text]: ok(unknownShape) })))).toMatchObject({ present: true, assessment: { kind: 'read-only' } });
    const none = router({ [kmwanCommands.procConfig.text]: { stdout: '', stderr: "cat: can't open '/proc/gl-kmwan/config': No such file or directory\n", exitCode: 1 } });
    expect(await detectKmwan(createReplayShell(none))).toEqual({ present: false });
  });
});

describe('a kmwan router whose files match the reference', () => {
  const driver = (shell = createReplayShell(router())) => createKmwanDriver(shell, { assessment: assessKmwanConfig(documented), nowMs: () => 1_700_000_000_000, newToken: () => 'aabbccddeeff0011' });

  it('shows status from /proc/gl-kmwan: the online member with the lowest metric is active', async () => {
    expect(await driver().readStatus()).toEqual({
      enabled: true, mode: 'failover', forced: 'auto', pendingRevertAtMs: null, events: [],
      wans: [
        { wan: 'wan', state: 'online', active: true, targets: [{ target: '1.1.1.1', up: true }, { target: '8.8.8.8', up: true }] },
        { wan: 'wwan', state: 'offline', active: false, targets: [{ target: '1.1.1.1', up: false }, { target: '8.8.8.8', up: false }] },
      ],
    });
  });

  it('reads the policy and plans only mode, priority and ratio', async () => {
    const d = driver();
    const policy = (await d.readPolicy())!;
    expect(policy).toMatchObject({ mode: 'failover', wans: [{ name: 'wan', device: 'eth1', priority: 1 }, { name: 'wwan', device: 'wwan', priority: 2 }] });
    const plan = await d.plan({ ...policy, mode: 'balance', wans: [policy.wans[0]!, { ...policy.wans[1]!, weight: 3 }] });
    expect(plan.problems).toEqual([]);
    expect(plan.nativeDiff).toContain("# uci batch\nset kmwan.global.mode='balancing'\nset kmwan.wwan.weight='3'\n");
    expect(plan.changes).toEqual([{ kind: 'change', subject: 'Mode', from: 'failover', to: 'balance' }, { kind: 'change', subject: 'wwan (wwan) weight', from: '1', to: '3' }]);
    const tracked = await d.plan({ ...policy, wans: [{ ...policy.wans[0]!, tracking: { ...policy.wans[0]!.tracking, downCount: 9 } }, policy.wans[1]!] });
    expect(tracked.problems).toEqual([expect.stringContaining('Switchyard changes only mode, priority and ratio')]);
    const unknown = await d.plan({ ...policy, wans: [{ ...policy.wans[0]!, name: 'wanb' }] });
    expect(unknown.problems).toEqual([expect.stringContaining('"wanb" is not one of kmwan\'s interfaces (wan, wwan)')]);
  });

  it('commits with the same safe apply as mwan3, restarting kmwan', async () => {
    const after = applyUciBatchOps(documented, [{ kind: 'set-option', package: 'kmwan', section: 'wwan', option: 'weight', value: '3' }]);
    const shell = createReplayShell(
      router({ [stageCommand(['kmwan']).text]: recorded(lab, 'uci_edit__uci-batch-no-commit'), [stagedExportCommand('kmwan').text]: ok(serializeUciExport(after)) }),
      [{ label: '<install script>', startsWith: "{ trap '' HUP; }", reply: ok() }],
    );
    const d = driver(shell);
    const policy = (await d.readPolicy())!;
    const plan = await d.plan({ ...policy, wans: [policy.wans[0]!, { ...policy.wans[1]!, weight: 3 }] });
    expect(await d.commit(plan, { revertInSec: 60 })).toEqual({ revertAtMs: 1_700_000_060_000 });
    const install = shell.scripts['<install script>']![0]!;
    expect(install).toContain('{ /etc/init.d/kmwan restart; }');
    expect(install).toContain('cp /etc/config/kmwan /etc/switchyard/kmwan.orig');
    await expect(d.forceFailover('wan')).rejects.toMatchObject({ code: 'unsupported' });
  });
});

describe('a kmwan router with files Switchyard does not know', () => {
  it('is read-only and says so plainly', async () => {
    const shell = createReplayShell(router({ [kmwanCommands.exportKmwan.text]: ok(unknownShape) }));
    const assessment = assessKmwanConfig(applyUciBatchOps(documented, [{ kind: 'set-option', package: 'kmwan', section: 'global', option: 'forced_refresh', value: '1' }]));
    const d = createKmwanDriver(shell, { assessment });
    expect(d.capabilities.readOnly).toBe(true);
    expect((await d.readStatus()).wans.map((w) => w.state)).toEqual(['online', 'offline']);
    const plan = await d.plan((await d.readPolicy())!);
    expect(plan.problems).toEqual([expect.stringMatching(/^This GL\.iNet firmware is read-only in Switchyard: .*kmwan\.global\.forced_refresh is an option Switchyard does not know\.$/)]);
    await expect(d.commit(plan, { revertInSec: 60 })).rejects.toMatchObject({ code: 'unsupported' });
  });
});
