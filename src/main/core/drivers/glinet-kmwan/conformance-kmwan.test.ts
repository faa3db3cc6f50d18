// The shared driver conformance scenarios, run against the glinet-kmwan driver replaying a GL.iNet
// router: REAL /proc/gl-kmwan/status and /proc/gl-kmwan/config of a Flint 2 on 4.9.1, the real
// netifd dump and uci batch reply of the OpenWrt lab; SYNTHETIC uci exports of kmwan and network
// (no real one is public; test/fixtures/glinet/README.md).
import { describe, it } from 'vitest';
import type { FailoverPolicy, Tracking } from '../../../../shared/model.ts';
import { conformanceScenarios, type ConformanceHarness } from '../conformance/driver-conformance.ts';
import { confirmScript, readPendingCommand, rollbackScript, stageCommand, stagedExportCommand } from '../openwrt-mwan3/mwan3-apply-script.ts';
import { createReplayShell, recorded, type Recording, type ReplayMap } from '../openwrt-mwan3/replay-shell.ts';
import { lab } from '../openwrt-mwan3/test-fixtures.ts';
import { applyUciBatchOps } from '../openwrt-mwan3/uci/uci-batch.ts';
import { parseUciExport } from '../openwrt-mwan3/uci/uci-parse.ts';
import { serializeUciExport } from '../openwrt-mwan3/uci/uci-serialize.ts';
import { installHookCommand } from './kmwan-apply.ts';
import { assessKmwanConfig } from './kmwan-config.ts';
import { createKmwanDriver, kmwanCommands } from './kmwan-driver.ts';
import { flint2, readGlinetFixture, synthetic } from './kmwan-fixtures.ts';
import { planKmwanWrite } from './kmwan-policy.ts';

const ok = (stdout = ''): Recording => ({ stdout, exitCode: 0 });
const kmwanText = readGlinetFixture(synthetic, 'flint2_uci-export-kmwan.txt');
const networkText = readGlinetFixture(synthetic, 'flint2_uci-export-network.txt');
const kmwanPkg = parseUciExport(kmwanText, 'kmwan');
const networkPkg = parseUciExport(networkText, 'network');
const assessment = assessKmwanConfig(kmwanPkg);

const tracking: Tracking = { method: 'ping', targets: ['1.1.1.1', '8.8.8.8'], reliability: 1, intervalSec: 1, timeoutSec: 3, downCount: 1, upCount: 1, failureIntervalSec: 1 };
/** A valid kmwan policy different from the router's: the LTE uplink first, other targets. */
const sample: FailoverPolicy = {
  mode: 'failover',
  forcedRefreshStreams: true,
  wans: [
    { name: 'secondwan', device: 'lan5', kind: 'ethernet', priority: 1, weight: 1, enabled: true, tracking: { ...tracking, targets: ['1.1.1.1'] } },
    { name: 'wan', device: 'eth1', kind: 'ethernet', priority: 2, weight: 1, enabled: true, tracking },
  ],
};
const write = planKmwanWrite({ kmwan: kmwanPkg, network: networkPkg, glmodem: null }, assessment.config!, sample);
const stagedKmwan = applyUciBatchOps(kmwanPkg, write.ops.filter((o) => o.package === 'kmwan'));
const stagedNetwork = applyUciBatchOps(networkPkg, write.ops.filter((o) => o.package === 'network'));

const router = (extra: Record<string, Recording> = {}): ReplayMap => ({
  [kmwanCommands.procConfig.text]: ok(readGlinetFixture(flint2, 'flint2-4.9.1_proc-gl-kmwan-config.txt')),
  [kmwanCommands.procStatus.text]: ok(readGlinetFixture(flint2, 'flint2-4.9.1_proc-gl-kmwan-status.txt')),
  [kmwanCommands.exportKmwan.text]: ok(kmwanText),
  [kmwanCommands.exportNetwork.text]: ok(networkText),
  [kmwanCommands.networkDump.text]: recorded(lab, 'a_both_online__ubus-call-network.interface-dump'),
  [readPendingCommand().text]: { stdout: '', stderr: "cat: can't open '/etc/switchyard/pending/armed': No such file or directory\n", exitCode: 1 },
  [confirmScript().text]: { stdout: '', exitCode: 7 },
  [rollbackScript().text]: { stdout: '', exitCode: 7 },
  ...extra,
});
const now = 1_700_000_000_000;

const kmwan: ConformanceHarness = {
  unmanaged: async () => createKmwanDriver(createReplayShell(router()), { assessment }),
  // The router after a commit of the sample holds what the plan said it would.
  managed: async () => {
    const planned = (await createKmwanDriver(createReplayShell(router()), { assessment }).plan(sample)).policy;
    const after = router({ [kmwanCommands.exportKmwan.text]: ok(serializeUciExport(stagedKmwan)), [kmwanCommands.exportNetwork.text]: ok(serializeUciExport(stagedNetwork)) });
    return { driver: createKmwanDriver(createReplayShell(after), { assessment: assessKmwanConfig(stagedKmwan) }), policy: planned };
  },
  engineAlwaysOn: true,
  samplePolicy: sample,
  expectedWans: ['wan', 'secondwan'],
  committing: async () => ({
    driver: createKmwanDriver(
      createReplayShell(
        router({
          [stageCommand(['kmwan', 'network']).text]: recorded(lab, 'uci_edit__uci-batch-no-commit'),
          [stagedExportCommand('kmwan').text]: ok(serializeUciExport(stagedKmwan)),
          [stagedExportCommand('network').text]: ok(serializeUciExport(stagedNetwork)),
          [installHookCommand().text]: ok(),
        }),
        [{ label: '<install script>', startsWith: "{ trap '' HUP; }", reply: ok() }],
      ),
      { assessment, nowMs: () => now },
    ),
    nowMs: now,
  }),
};

describe('driver conformance: glinet-kmwan (real Flint 2 /proc output, synthetic uci)', () => {
  for (const s of conformanceScenarios) it(s.name, () => s.run(kmwan));
});
