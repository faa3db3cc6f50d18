// parseDetection on recorded probe output (Debian host, router namespace, OpenWrt 19.07 assembled
// from real captures), the RouterOS paths, and hostile input: garbage, binary, huge, truncated.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '../../../shared/errors.ts';
import { DetectionOutputError, requireSupported, UnsupportedPlatformError } from './detect-errors.ts';
import { DETECT_PARSE_MAX_CHARS, parseDetection } from './detect-parse.ts';
import { detectionResultSchema, type DetectionResult } from '../../../shared/detect-schemas.ts';
import { community, frameSections, openwrtLabProbeOutput, readDetectFixture } from './detect-test-fixtures.ts';

/** Every result must be valid contract JSON: schema-valid and unchanged by a JSON round trip. */
function checked(r: DetectionResult): DetectionResult {
  expect(detectionResultSchema.safeParse(r).error).toBeUndefined();
  expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  return r;
}

const debianSections = {
  uname: 'Linux rpi 6.1.0-21-arm64 #1 SMP Debian 6.1.90-1 (2024-05-03) aarch64 GNU/Linux\n',
  'os-release': 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
  tools: 'ip=/usr/sbin/ip\nping=/usr/bin/ping\nsudo=\n',
  id: '0\n',
};

describe('recorded on this Debian 12 host', () => {
  it.each(['debian12-host-dash.txt', 'debian12-host-bash.txt', 'debian12-host-busybox-sh.txt'])('%s → linux, supported, root, tools', (file) => {
    const r = checked(parseDetection(readDetectFixture(file)));
    expect(r).toMatchObject({ platform: 'linux', supported: true, reason: 'Debian GNU/Linux 12 (bookworm): Switchyard runs its agent here.' });
    expect(r.facts).toMatchObject({ hostname: 'vm', kernelName: 'Linux', os: { id: 'debian', version: '12' }, isRoot: true });
    expect(r.facts.tools).toMatchObject({ ip: true, ping: true, httping: true, arping: true, conntrack: true, nft: true, iptables: false, uci: false, mwan3: false });
    expect(r.facts.mwan3).toBeUndefined();
    // PID 1 here is the sandbox's agent, not systemd: say so instead of guessing.
    expect(r.facts.init).toBe('unknown');
    expect(r.evidence.join('\n')).toContain('/sbin/init points to systemd but it is not running as PID 1');
    expect(r.warnings).toEqual([]);
  });

  it('as nobody without sudo: not root, so not supported, and the reason says what to do', () => {
    const r = checked(parseDetection(readDetectFixture('debian12-host-nobody-dash.txt')));
    expect(r.facts.isRoot).toBe(false);
    expect(r.supported).toBe(false);
    expect(r.reason).toContain('log in as root');
    // PATH had no sbin directories; the probe appends them, so ip and nft are still found.
    expect(r.facts.tools).toMatchObject({ ip: true, nft: true, conntrack: true });
  });

  it('router namespace: uplinks come through parseDetection with the session address excluded', () => {
    const r = checked(parseDetection(readDetectFixture('netns-router-backup-and-multipath.txt'), 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3', { sessionAddress: '203.0.113.129' }));
    expect(r.platform).toBe('linux');
    expect(r.uplinks.map((u) => `${u.name}:${u.kind}:${u.gateway}`)).toEqual(['eth1:ethernet:192.0.2.1', 'wlan0:repeater:198.51.100.1', 'usb0:tethering:203.0.113.1', 'wwan0:cellular:203.0.113.65']);
    expect(r.ignoredInterfaces.map((i) => i.name)).toEqual(['lo', 'mgmt0', 'lan1', 'br-lan']);
    expect(r.evidence).toContain('SSH server ident: SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3');
  });
});

describe('fixture framing', () => {
  it('frameSections re-frames a real recording byte for byte (so assembled outputs look like the probe)', () => {
    const real = readDetectFixture('netns-router-backup-and-multipath.txt');
    const sections: Record<string, string> = {};
    const parts = real.split(/\n@@SY:([a-z0-9-]+)@@\n/);
    for (let i = 1; i < parts.length; i += 2) sections[parts[i]!] = parts[i + 1]!;
    expect(frameSections(sections)).toBe(real);
  });
});

describe('OpenWrt 19.07 + mwan3 (assembled from real captures)', () => {
  it('→ openwrt-mwan3 with release, procd, mwan3 installed (version unknown), wan and wanb', () => {
    const r = checked(parseDetection(openwrtLabProbeOutput(), 'SSH-2.0-dropbear_2019.78'));
    expect(r.platform).toBe('openwrt-mwan3');
    expect(r.supported).toBe(true);
    expect(r.reason).toBe('OpenWrt 19.07.7 with mwan3: Switchyard drives mwan3.');
    expect(r.facts.os).toEqual({
      id: 'openwrt',
      name: 'OpenWrt 19.07.7 r11306-c4a6851c72',
      version: '19.07.7',
      openwrtRelease: { distribution: 'OpenWrt', release: '19.07.7', revision: 'r11306-c4a6851c72', target: 'armvirt/64', description: 'OpenWrt 19.07.7 r11306-c4a6851c72' },
    });
    expect(r.facts.hostname).toBe('OpenWrt'); // from uname: the hostname section was not captured
    expect(r.facts.init).toBe('procd');
    expect(r.facts.isRoot).toBeNull();
    expect(r.facts.mwan3).toEqual({ installed: true, version: null });
    expect(r.facts.kmwan).toEqual({ present: false });
    expect(r.facts.tools).toMatchObject({ ubus: true, uci: true, ip: true });
    expect(r.uplinks.map((u) => `${u.name}/${u.device}/${u.gateway}/${u.metric}`)).toEqual(['wan/eth1/192.0.2.1/10', 'wanb/eth2/198.51.100.1/20']);
    expect(r.evidence).toContain('mwan3 installed: /etc/init.d/mwan3 exists; version not recorded by a package manager');
  });

  it('the opkg record gives the version (probe line format, version value invented for the test)', () => {
    const r = checked(parseDetection(openwrtLabProbeOutput({ 'mwan3-pkg': 'opkg-Version: 2.11.8-1\nopkg-Status: install user installed\nconfig=/etc/config/mwan3\n' })));
    expect(r.facts.mwan3).toEqual({ installed: true, version: '2.11.8-1' });
    expect(r.reason).toBe('OpenWrt 19.07.7 with mwan3 2.11.8-1: Switchyard drives mwan3.');
  });

  it('without mwan3 → linux, usable with the agent, and says how to install mwan3', () => {
    const initD = readDetectFixture('openwrt-19.07-mwan3-2.12/common__ls-etc-init.d.txt').replace('mwan3\n', '');
    const r = checked(parseDetection(openwrtLabProbeOutput({ 'init-d': initD, 'mwan3-pkg': 'config=/etc/config/mwan3\n' })));
    expect(r.platform).toBe('linux');
    expect(r.supported).toBe(true);
    expect(r.reason).toBe(
      'OpenWrt 19.07.7 without mwan3: Switchyard can run its own agent here, but mwan3 is recommended: install it with `opkg update && opkg install mwan3`, then detect again.',
    );
    expect(r.evidence.join('\n')).toContain('/etc/config/mwan3 remains from an earlier install');
    expect(r.uplinks.map((u) => u.name)).toEqual(['wan', 'wanb']);
  });

  it('apk-only OpenWrt (25.12) gets the apk command', () => {
    const initD = readDetectFixture('openwrt-19.07-mwan3-2.12/common__ls-etc-init.d.txt').replace('mwan3\n', '');
    const r = parseDetection(openwrtLabProbeOutput({ 'init-d': initD, tools: 'apk=/usr/bin/apk\nopkg=\nip=/sbin/ip\nping=/bin/ping\n' }));
    expect(r.reason).toContain('`apk update && apk add mwan3`');
  });
});

describe('GL.iNet kmwan (real OpenWrt captures + synthetic /proc/gl-kmwan/config)', () => {
  const kmwanConfig = readDetectFixture(`${community}/synthetic_proc-gl-kmwan-config.txt`);

  it('kmwan state present → glinet-kmwan; the 19.07 lab also has mwan3, so a warning says both', () => {
    const r = checked(parseDetection(openwrtLabProbeOutput({ 'kmwan-config': kmwanConfig })));
    expect(r.platform).toBe('glinet-kmwan');
    expect(r.supported).toBe(true);
    expect(r.reason).toBe("GL.iNet firmware (version unknown) with kmwan: Switchyard drives GL.iNet's own multi-WAN engine.");
    expect(r.warnings).toContain('Both kmwan and mwan3 are installed; Switchyard drives kmwan. Running both at once is untested.');
  });

  it('glversion names the firmware (value invented for the test: no GL capture exists)', () => {
    const r = checked(parseDetection(openwrtLabProbeOutput({ glversion: '4.5.16\n', kmwan: 'proc=/proc/gl-kmwan\ninit=/etc/init.d/kmwan\n', 'kmwan-config': kmwanConfig })));
    expect(r.facts.kmwan).toEqual({ present: true, firmwareVersion: '4.5.16' });
    expect(r.facts.os.glinetFirmware).toBe('4.5.16');
    expect(r.reason).toContain('GL.iNet firmware 4.5.16 with kmwan');
    expect(r.evidence.join('\n')).toContain('kmwan present: /proc/gl-kmwan, /etc/init.d/kmwan, /proc/gl-kmwan/config printed state');
  });
});

describe('other Linux and non-Linux (probe format, hand-written section values)', () => {
  it('Alpine with OpenRC → linux', () => {
    const r = checked(
      parseDetection(
        frameSections({
          uname: 'Linux gw 6.6.31-0-lts #1-Alpine SMP x86_64 Linux\n',
          'os-release': 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.0\n',
          init: 'comm=init\nsbin-init=/bin/busybox\nexists=/sbin/openrc\nexists=/etc/inittab\n',
          tools: 'ip=/sbin/ip\nping=/bin/ping\n',
        }),
      ),
    );
    expect(r).toMatchObject({ platform: 'linux', supported: true, facts: { init: 'openrc', os: { id: 'alpine', version: '3.20.0' } } });
  });

  it('Raspberry Pi OS via ID_LIKE, Ubuntu via ID', () => {
    const rpi = frameSections({ 'os-release': 'ID=raspbian\nID_LIKE=debian\nVERSION_ID="11"\n', uname: 'Linux pi 6.1.21-v8+ #1 SMP aarch64 GNU/Linux\n' });
    expect(parseDetection(rpi).platform).toBe('linux');
    const ubuntu = frameSections({ 'os-release': 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n', init: 'comm=systemd\n' });
    expect(parseDetection(ubuntu)).toMatchObject({ platform: 'linux', facts: { init: 'systemd' } });
  });

  it('missing ip or ping → linux but not supported, with the install command', () => {
    const r = parseDetection(frameSections({ ...debianSections, tools: 'ip=\nping=/usr/bin/ping\n' }));
    expect(r).toMatchObject({ platform: 'linux', supported: false });
    expect(r.reason).toContain('But ip is missing: install `apt-get install iproute2`.');
  });

  it('not root but sudo present → supported, with a warning', () => {
    const r = parseDetection(frameSections({ ...debianSections, id: '1000\n', tools: 'ip=/usr/sbin/ip\nping=/usr/bin/ping\nsudo=/usr/bin/sudo\n' }));
    expect(r.supported).toBe(true);
    expect(r.warnings).toEqual([expect.stringContaining('sudo')]);
  });

  it('Fedora → unknown with the evidence', () => {
    const r = checked(parseDetection(frameSections({ 'os-release': 'ID=fedora\nVERSION_ID=40\nNAME="Fedora Linux"\n', uname: 'Linux f 6.8.5 #1 SMP x86_64 GNU/Linux\n' })));
    expect(r).toMatchObject({ platform: 'unknown', supported: false });
    expect(r.reason).toContain('(fedora) is not a Linux distribution Switchyard supports yet');
    expect(r.evidence[0]).toBe('decided unknown: Linux, os fedora');
  });

  it('FreeBSD (pfSense-like) → unknown, naming the kernel', () => {
    const r = checked(parseDetection(frameSections({ uname: 'FreeBSD fw 14.0-CURRENT FreeBSD 14.0-CURRENT amd64\n' })));
    expect(r).toMatchObject({ platform: 'unknown', reason: expect.stringContaining('FreeBSD is not a router platform') });
  });

  it('markers but nothing in them → unknown, saying nothing was recognised', () => {
    const r = checked(parseDetection(frameSections({})));
    expect(r.platform).toBe('unknown');
    expect(r.reason).toContain('recognised no platform');
  });
});

describe('RouterOS', () => {
  it('the SSH ident decides, whatever the output (the only path verified here: no RouterOS capture)', () => {
    for (const ident of ['SSH-2.0-ROSSSH', 'SSH-2.0-ROSSSH\r\n']) {
      const r = checked(parseDetection('', ident));
      expect(r).toMatchObject({ platform: 'routeros', supported: false, reason: 'MikroTik RouterOS is recognised but not yet supported.' });
      expect(r.evidence).toEqual(['SSH server ident: SSH-2.0-ROSSSH', 'the ident names ROSSSH, the SSH server of MikroTik RouterOS']);
    }
  });

  it('without the ident, a RouterOS script error is recognised (error texts quoted in public reports, not recorded)', () => {
    const r = checked(parseDetection('bad command name b (line 3 column 1)\n'));
    expect(r.platform).toBe('routeros');
    expect(r.evidence[0]).toContain('RouterOS script error');
    expect(parseDetection('expected end of command (line 1 column 186)').platform).toBe('routeros');
  });

  it('other idents do not count', () => {
    expect(() => parseDetection('', 'SSH-2.0-dropbear_2022.83')).toThrow(DetectionOutputError);
  });
});

describe('bad input: a clear error or a result, never a crash', () => {
  it('empty output → DetectionOutputError(empty), code command-failed', () => {
    const e = (() => {
      try {
        parseDetection('  \n');
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(DetectionOutputError);
    expect(e).toMatchObject({ code: 'command-failed', problem: 'empty' });
  });

  it('binary output → DetectionOutputError(binary) with a printable excerpt', () => {
    const binary = String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => (i * 37) % 256));
    try {
      parseDetection(binary);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DetectionOutputError);
      const err = e as DetectionOutputError;
      expect(err.problem).toBe('binary');
      // eslint-disable-next-line no-control-regex
      expect(err.excerpt).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      expect(err.message).toContain('binary data');
    }
  });

  it('a non-POSIX shell or vendor CLI → DetectionOutputError(not-the-probe) quoting it', () => {
    expect(() => parseDetection('Unknown command: b() {\nfish: Expected a command\n')).toThrow(/not the detection probe's output.*fish: Expected/s);
  });

  it('output cut off before the end marker (real capture, halved) → a result with a warning', () => {
    const full = readDetectFixture('netns-router-one-default.txt');
    const r = checked(parseDetection(full.slice(0, full.indexOf('@@SY:ip-route@@') + 40)));
    expect(r.platform).toBe('linux');
    expect(r.warnings).toContain('The probe output stopped before its end marker (cut off or too large); missing sections were treated as absent.');
  });

  it('CRLF (a pty) is read like LF', () => {
    const r = checked(parseDetection(readDetectFixture('debian12-host-dash.txt').replace(/\n/g, '\r\n')));
    expect(r.platform).toBe('linux');
    expect(r.uplinks.map((u) => u.name)).toEqual(['eth0']);
  });

  it('huge output is cut to DETECT_PARSE_MAX_CHARS with a warning, fast', () => {
    const huge = readDetectFixture('debian12-host-dash.txt').replace('@@SY:end@@', '') + 'x'.repeat(20 * 1024 * 1024);
    const t0 = performance.now();
    const r = checked(parseDetection(huge));
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.warnings[0]).toContain(`only the first ${DETECT_PARSE_MAX_CHARS} were read`);
  });

  it('binary bytes inside sections are removed, never passed on', () => {
    const r = checked(parseDetection(frameSections({ ...debianSections, hostname: 'ro\u0000ut\u001b[31mer\n' })));
    expect(r.facts.hostname).toBe('rout[31mer');
    expect(r.warnings).toContain('The probe output contained binary bytes; they were removed before reading.');
  });

  it('hostile values (overlong, odd names, bad addresses) stay within the schema', () => {
    const r = checked(
      parseDetection(
        frameSections({
          ...debianSections,
          hostname: 'h'.repeat(5000),
          'os-release': `ID=debian\nPRETTY_NAME="${'x'.repeat(5000)}"\n`,
          'ip-addr': '2: eth1    inet 300.1.2.3/24 scope global eth1\n3: e\u0007th2    inet 192.0.2.9/99 scope global e\n',
          'ip-route': 'default via 1.2.3.999 dev eth1 metric 99999999999999\n',
          'ubus-network': '{"interface":[{"interface":"x'.repeat(10) + '"}]}',
        }),
      ),
    );
    expect(r.facts.hostname).toHaveLength(256);
  });

  it('fuzz: any string yields a schema-valid result or a DetectionOutputError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), fc.option(fc.string({ maxLength: 80 }), { nil: undefined }), (s, ident) => {
        try {
          checked(parseDetection(s, ident));
        } catch (e) {
          expect(e).toBeInstanceOf(DetectionOutputError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('fuzz: real captures with random cuts and splices still parse', () => {
    const sources = [readDetectFixture('netns-router-backup-and-multipath.txt'), openwrtLabProbeOutput(), readDetectFixture('netns-router-busybox-applets.txt')];
    fc.assert(
      fc.property(fc.constantFrom(...sources), fc.nat(), fc.nat(), fc.string({ unit: 'binary', maxLength: 40 }), (src, a, b, junk) => {
        const i = a % src.length;
        const j = i + (b % Math.max(1, src.length - i));
        const mutated = src.slice(0, i) + junk + src.slice(j);
        try {
          checked(parseDetection(mutated));
        } catch (e) {
          expect(e).toBeInstanceOf(DetectionOutputError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('requireSupported', () => {
  it('passes supported results through and throws UnsupportedPlatformError (code unsupported) otherwise', () => {
    const ok = parseDetection(readDetectFixture('debian12-host-dash.txt'));
    expect(requireSupported(ok)).toBe(ok);
    const ros = parseDetection('', 'SSH-2.0-ROSSSH');
    expect(() => requireSupported(ros)).toThrow(UnsupportedPlatformError);
    try {
      requireSupported(ros);
    } catch (e) {
      expect(e).toBeInstanceOf(SwitchyardError);
      expect(e).toMatchObject({ code: 'unsupported', platform: 'routeros', message: 'MikroTik RouterOS is recognised but not yet supported.' });
    }
  });
});
