import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '../../../shared/errors.ts';
import { diagnoseProbeExit, ProbeToolError } from './probe-tool-diagnosis.ts';
import { fixtureText } from './fixture-helpers.test-util.ts';

// Exit codes are the recorded ones (see __fixtures__/index.tsv).
describe('diagnoseProbeExit', () => {
  it('recognises httping missing in dash, BusyBox ash and bash, with an install hint', () => {
    for (const shell of ['dash', 'busybox-ash', 'bash']) {
      const stderrText = fixtureText(`shell-${shell}-httping-missing.stderr.txt`);
      const problem = diagnoseProbeExit({ tool: 'httping', exitCode: 127, stderrText, sawStdout: false, platform: 'openwrt-mwan3' });
      expect(problem).toMatchObject({ kind: 'tool-missing', tool: 'httping', installHint: 'opkg update && opkg install httping' });
      expect(problem?.message).toContain('opkg install httping');
    }
    const debian = diagnoseProbeExit({ tool: 'httping', exitCode: 127, stderrText: fixtureText('shell-dash-httping-missing.stderr.txt'), sawStdout: false, platform: 'linux' });
    expect(debian?.message).toContain('apt-get install httping');
    const unknown = diagnoseProbeExit({ tool: 'httping', exitCode: 127, stderrText: '', sawStdout: false });
    expect(unknown).toMatchObject({ kind: 'tool-missing' });
    expect(unknown?.message).toMatch(/opkg install httping.*apt-get install httping/);
  });

  it('does not call httping missing when it ran and every connect failed (it exits 127 too)', () => {
    for (const name of ['httping-connection-refused', 'httping-timeout-no-host', 'httping-status-codes-404']) {
      expect(fixtureText(`${name}.txt`)).toMatch(/^PING /);
      expect(diagnoseProbeExit({ tool: 'httping', exitCode: 127, stderrText: '', sawStdout: true })).toBeNull();
    }
  });

  it('recognises a ping without raw-socket permission', () => {
    const problem = diagnoseProbeExit({ tool: 'ping', exitCode: 2, stderrText: fixtureText('iputils-ping-not-permitted.stderr.txt'), sawStdout: false });
    expect(problem?.kind).toBe('not-permitted');
    expect(problem?.message).toMatch(/cap_net_raw/);
  });

  it('recognises a wrong device name from iputils and from OpenWrt’s BusyBox', () => {
    const iputils = diagnoseProbeExit({ tool: 'ping', exitCode: 2, stderrText: fixtureText('iputils-ping-no-such-device.stderr.txt'), sawStdout: false, device: 'eth9' });
    expect(iputils).toMatchObject({ kind: 'no-such-device', device: 'eth9' });
    const busybox = diagnoseProbeExit({
      tool: 'ping',
      exitCode: 1,
      stderrText: fixtureText('openwrt-19.07-common__ping-c-1-W-1-I-eth9-nonexistent-device.stderr.txt'),
      sawStdout: false,
      device: 'eth9',
    });
    expect(busybox).toMatchObject({ kind: 'no-such-device', device: 'eth9' });
    const badName = diagnoseProbeExit({ tool: 'ping', exitCode: 1, stderrText: fixtureText('openwrt-19.07-a_both_online__ping-c-1-W-1-nonexistent.invalid.stderr.txt'), sawStdout: false, device: 'eth1' });
    expect(badName?.kind).toBe('bad-target');
  });

  it('says nothing for a normal end', () => {
    expect(diagnoseProbeExit({ tool: 'ping', exitCode: 0, stderrText: '', sawStdout: true })).toBeNull();
    expect(diagnoseProbeExit({ tool: 'ping', exitCode: 1, stderrText: '', sawStdout: true })).toBeNull();
    expect(diagnoseProbeExit({ tool: 'ping', exitCode: null, stderrText: '', sawStdout: true })).toBeNull();
  });

  it('wraps a problem in a typed error with a contract code', () => {
    const problem = diagnoseProbeExit({ tool: 'httping', exitCode: 127, stderrText: 'sh: httping: not found\n', sawStdout: false, platform: 'linux' });
    if (problem === null) throw new Error('expected a problem');
    const err = new ProbeToolError(problem);
    expect(err).toBeInstanceOf(SwitchyardError);
    expect(err.code).toBe('unsupported');
    expect(err.name).toBe('ProbeToolError');
    expect(err.details).toMatchObject({ kind: 'tool-missing', tool: 'httping' });
  });
});
