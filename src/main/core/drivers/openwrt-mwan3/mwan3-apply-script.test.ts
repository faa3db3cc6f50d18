// The on-router scripts: exact text (golden), valid POSIX sh (`sh -n`), every value quoted, and
// the file install reproduces what `uci commit` wrote on the recorded router.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { lab, readFixture } from './test-fixtures.ts';
import {
  confirmScript,
  installScript,
  md5sumLine,
  parsePending,
  removeScript,
  revertScriptText,
  rollbackScript,
  stageCommand,
  stagedExportCommand,
  type InstallOptions,
} from './mwan3-apply-script.ts';

const syntaxOk = (text: string): void => {
  // Parses only (-n): nothing runs. dash is stricter than BusyBox ash about POSIX syntax.
  execFileSync('sh', ['-n', '-c', text]);
};

const services = [{ service: 'network', verb: 'reload' }, { service: 'mwan3', verb: 'reload' }] as const;
const options: InstallOptions = {
  packages: [{ name: 'mwan3', baseMd5: md5sumLine('base'), stagedMd5: md5sumLine('staged') }],
  engine: 'mwan3',
  services: [services[1]],
  revert: { inSec: 90, token: '00112233aabbccdd', atMs: 1_800_000_000_000 },
  captureOriginal: { packages: ['network', 'mwan3'] },
};

describe('stage', () => {
  it('copies the package into a private workspace and runs uci batch with a private delta dir (-P), never /tmp/.uci', () => {
    expect(stageCommand(['mwan3']).text).toBe(
      '{ rm -rf /var/run/switchyard-uci; } && { mkdir -p /var/run/switchyard-uci/conf /var/run/switchyard-uci/delta; } && ' +
        '{ cp /etc/config/mwan3 /var/run/switchyard-uci/conf/mwan3; } && { uci -c /var/run/switchyard-uci/conf -P /var/run/switchyard-uci/delta batch; }',
    );
    expect(stagedExportCommand('mwan3').text).toBe('uci -c /var/run/switchyard-uci/conf -P /var/run/switchyard-uci/delta export mwan3');
    expect(stageCommand(['mwan3']).text).not.toContain('/tmp/.uci');
  });
});

describe('install', () => {
  const text = installScript(options).text;
  it('is valid sh', () => {
    syntaxOk(text);
    syntaxOk(installScript({ ...options, revert: null, captureOriginal: null }).text);
  });

  it('checks, keeps the originals, arms the revert job, then installs and reloads, in that order', () => {
    const steps = [
      "trap '' HUP",
      '[ ! -e /etc/switchyard/pending/armed ]',
      `[ "$(uci export mwan3 | md5sum)" = '${md5sumLine('base')}' ]`,
      '[ -z "$(uci changes mwan3)" ]',
      `[ "$(md5sum < /var/run/switchyard-uci/mwan3.export)" = '${md5sumLine('staged')}' ]`,
      '[ -e /etc/switchyard/mwan3.orig ] || {',
      'cp /etc/config/network /etc/switchyard/network.orig',
      'cp /etc/config/mwan3 /etc/switchyard/mwan3.orig',
      'cp /etc/config/mwan3 /etc/switchyard/pending/mwan3',
      ">/etc/switchyard/pending/mwan3.was-enabled",
      "printf '%s\\n' 'token=00112233aabbccdd' 'revert_at_ms=1800000000000'; } >/etc/switchyard/pending/armed",
      '>/etc/switchyard/pending/revert.sh',
      'setsid sh /etc/switchyard/pending/revert.sh </dev/null >/dev/null 2>&1 &',
      'echo $! > /etc/switchyard/pending/pid',
      'sed 1d /var/run/switchyard-uci/mwan3.export; } >/etc/switchyard/pending/mwan3.new',
      'mv /etc/switchyard/pending/mwan3.new /etc/config/mwan3',
      '{ /etc/init.d/mwan3 enabled; } || { /etc/init.d/mwan3 enable; }',
      '/etc/init.d/mwan3 reload',
      'rm -rf /var/run/switchyard-uci',
    ];
    // Each step is found after the one before it.
    let from = 0;
    for (const step of steps) {
      const i = text.indexOf(step, from);
      expect(i, step).toBeGreaterThanOrEqual(0);
      from = i + step.length;
    }
  });

  it('installs by dropping the export header: exactly the bytes uci commit wrote on the recorded router', () => {
    const exported = readFixture(lab, 'uci_edit__uci-export-mwan3.txt');
    const committed = readFixture(lab, 'uci_edit__cat-etc-config-mwan3.txt');
    // What `sed 1d` does to the export.
    expect(exported.slice(exported.indexOf('\n') + 1)).toBe(committed);
  });

  it('reads the base the way the driver read it', () => {
    const net = installScript({ ...options, packages: [{ name: 'network', baseMd5: md5sumLine('n'), stagedMd5: md5sumLine('s') }, ...options.packages], baseRead: { network: 'show' } }).text;
    expect(net).toContain(`[ "$(uci show network | md5sum)" = '${md5sumLine('n')}' ]`);
  });
});

describe('the revert job', () => {
  const text = revertScriptText({ token: '00112233aabbccdd', inSec: 90, packages: ['network', 'mwan3'], engine: 'mwan3', services });
  it('is valid sh, ignores hang-ups, and acts only while its own token is armed', () => {
    syntaxOk(text);
    expect(text).toBe(
      [
        '#!/bin/sh',
        '# Switchyard revert job: restores the configs saved before commit 00112233aabbccdd unless it is confirmed.',
        "trap '' HUP INT",
        '[ "$1" = now ] || sleep 90',
        "grep -qx 'token=00112233aabbccdd' /etc/switchyard/pending/armed || exit 0",
        'cp /etc/switchyard/pending/network /etc/config/network',
        'cp /etc/switchyard/pending/mwan3 /etc/config/mwan3',
        '/etc/init.d/network reload',
        'if [ "$(cat /etc/switchyard/pending/mwan3.was-enabled)" = 1 ]; then /etc/init.d/mwan3 reload; else /etc/init.d/mwan3 stop; /etc/init.d/mwan3 disable; fi',
        'rm -rf /etc/switchyard/pending',
        "logger -t switchyard 'reverted unconfirmed commit 00112233aabbccdd'",
        '',
      ].join('\n'),
    );
  });
});

describe('confirm, rollback, remove', () => {
  it('confirm removes the marker before ending the job; rollback ends the job and reverts now', () => {
    expect(confirmScript().text).toBe(
      '[ -f /etc/switchyard/pending/armed ] || exit 7; pid=$(cat /etc/switchyard/pending/pid 2>/dev/null); rm -rf /etc/switchyard/pending; [ -z "$pid" ] || kill "$pid" 2>/dev/null; true',
    );
    expect(rollbackScript().text).toBe(
      '[ -f /etc/switchyard/pending/armed ] || exit 7; pid=$(cat /etc/switchyard/pending/pid 2>/dev/null); [ -z "$pid" ] || kill "$pid" 2>/dev/null; sh /etc/switchyard/pending/revert.sh now',
    );
    syntaxOk(confirmScript().text);
    syntaxOk(rollbackScript().text);
  });

  it('remove restores the original file and the earlier boot state', () => {
    const text = removeScript({ engine: 'mwan3', originals: ['network', 'mwan3'], staged: [], services: [services[1]] }).text;
    syntaxOk(text);
    expect(text).toBe(
      '{ [ -e /etc/switchyard/mwan3.orig ] || exit 6; } && ' +
        '{ pid=$(cat /etc/switchyard/pending/pid 2>/dev/null); rm -rf /etc/switchyard/pending; [ -z "$pid" ] || kill "$pid" 2>/dev/null; true; } && ' +
        '{ cp /etc/switchyard/mwan3.orig /etc/config/mwan3; } && ' +
        '{ if [ "$(cat /etc/switchyard/mwan3.was-enabled)" = 1 ]; then /etc/init.d/mwan3 enable; /etc/init.d/mwan3 reload; else /etc/init.d/mwan3 stop; /etc/init.d/mwan3 disable; fi; } && ' +
        '{ rm -f /etc/switchyard/mwan3.orig /etc/switchyard/mwan3.was-enabled /etc/switchyard/network.orig; } && { rm -rf /var/run/switchyard-uci; }',
    );
  });

  it('reads the pending marker', () => {
    expect(parsePending('token=00112233aabbccdd\nrevert_at_ms=1800000000000\n')).toEqual({ token: '00112233aabbccdd', revertAtMs: 1_800_000_000_000 });
    expect(parsePending('')).toBeNull();
  });
});
