// The shared driver conformance scenarios, run against the openwrt-mwan3 driver replaying the
// recorded 19.07 + mwan3 2.12.2 router (GL.iNet kmwan: ../glinet-kmwan/conformance-kmwan.test.ts).
import { describe, it } from 'vitest';
import type { FailoverPolicy } from '../../../../shared/model.ts';
import { conformanceScenarios, type ConformanceHarness } from '../conformance/driver-conformance.ts';
import { confirmScript, readPendingCommand, rollbackScript } from './mwan3-apply-script.ts';
import { normalizeMwan3Policy, policyToMwan3 } from './mwan3-policy-map.ts';
import { createOpenwrtMwan3Driver, hookTextFor, mwan3Commands } from './openwrt-mwan3-driver.ts';
import { createReplayShell, recorded, type Recording, type ReplayMap } from './replay-shell.ts';
import { createStagingShell } from './staging-replay.ts';
import { lab, readFixture } from './test-fixtures.ts';
import { parseUciExport, parseUciShow } from './uci/uci-parse.ts';
import { serializeUciConfigFile, serializeUciExport } from './uci/uci-serialize.ts';

const L = (stem: string): Recording => recorded(lab, stem);
const ok = (stdout = ''): Recording => ({ stdout, exitCode: 0 });
const nothingPending: Recording = { stdout: '', exitCode: 7 };
// Synthetic: BusyBox cat's reply for a missing file; only the exit code matters.
const noMarker: Recording = { stdout: '', stderr: "cat: can't open '/etc/switchyard/pending/armed': No such file or directory\n", exitCode: 1 };

const sample: FailoverPolicy = {
  mode: 'failover',
  forcedRefreshStreams: true,
  wans: [
    { name: 'wan', device: 'eth1', kind: 'ethernet', gateway: '192.0.2.1', priority: 1, weight: 1, enabled: true, tracking: { method: 'ping', targets: ['192.0.2.1', '192.0.2.254'], reliability: 1, intervalSec: 5, timeoutSec: 2, downCount: 3, upCount: 3, failureIntervalSec: 2 } },
    { name: 'wanb', device: 'eth2', kind: 'ethernet', gateway: '198.51.100.1', priority: 2, weight: 1, enabled: true, tracking: { method: 'ping', targets: ['198.51.100.1'], reliability: 1, intervalSec: 5, timeoutSec: 2, downCount: 3, upCount: 3, failureIntervalSec: 2 } },
  ],
};
const labExport = readFixture(lab, 'a_both_online__uci-export-mwan3.txt');
// Derived: what the driver writes for the sample on the recorded router.
const managedExport = serializeUciExport(policyToMwan3(parseUciExport(labExport, 'mwan3'), normalizeMwan3Policy(sample)).after);

// Derived: the committed file is `uci export` without its package line (what uci commit writes).
const fileOf = (exportText: string): string => exportText.replace(/^package mwan3\n/, '');
const labMap = (extra: Record<string, Recording> = {}): ReplayMap => ({
  [mwan3Commands.exportMwan3.text]: L('a_both_online__uci-export-mwan3'),
  [mwan3Commands.catMwan3.text]: ok(fileOf(labExport)),
  [mwan3Commands.changesMwan3.text]: L('uci_edit__uci-changes-mwan3-after-commit'),
  // Derived: the recorded `uci show network` written out as its file.
  [mwan3Commands.catNetwork.text]: ok(serializeUciConfigFile(parseUciShow(L('a_both_online__uci-show-network').stdout, 'network'))),
  [mwan3Commands.networkDump.text]: L('a_both_online__ubus-call-network.interface-dump'),
  [mwan3Commands.ubusInterfaces.text]: L('common__ubus-call-mwan3-status'),
  [mwan3Commands.textInterfaces.text]: L('b_wan_offline__mwan3-interfaces'),
  [readPendingCommand().text]: noMarker,
  // Synthetic: BusyBox cat's exit code for a missing file: Switchyard's hook is not on the recorded router.
  [mwan3Commands.catHook.text]: { stdout: '', exitCode: 1 },
  [confirmScript().text]: nothingPending,
  [rollbackScript().text]: nothingPending,
  ...extra,
});
const facts = { mwan3Installed: true, supportsUse: true, hasHttping: false, hasArping: false };
const now = 1_700_000_000_000;

const openwrt: ConformanceHarness = {
  unmanaged: async () => createOpenwrtMwan3Driver(createReplayShell(labMap()), { facts }),
  managed: async () => ({ driver: createOpenwrtMwan3Driver(createReplayShell(labMap({ [mwan3Commands.exportMwan3.text]: ok(managedExport), [mwan3Commands.catMwan3.text]: ok(fileOf(managedExport)), [mwan3Commands.catHook.text]: ok(hookTextFor(normalizeMwan3Policy(sample))) })), { facts }), policy: normalizeMwan3Policy(sample) }),
  samplePolicy: sample,
  expectedWans: ['wan', 'wanb'],
  committing: async () => ({
    driver: createOpenwrtMwan3Driver(
      createStagingShell(labMap(), [{ label: '<install script>', startsWith: "{ trap '' HUP; }", reply: ok() }]),
      { facts, nowMs: () => now },
    ),
    nowMs: now,
  }),
};

for (const [name, harness] of [['openwrt-mwan3 (recorded 19.07 router)', openwrt]] as const) {
  describe(`driver conformance: ${name}`, () => {
    for (const s of conformanceScenarios) it(s.name, () => s.run(harness));
  });
}
