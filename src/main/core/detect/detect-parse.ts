// Turns the probe's sectioned output (plus the SSH server's ident) into a DetectionResult: which
// platform, whether Switchyard can drive it, the facts, the uplink candidates and the evidence.
import { DetectionOutputError } from './detect-errors.ts';
import { DETECT_PROBE_MAX_OUTPUT_BYTES, DETECT_PROBE_VERSION, type DetectSectionName } from './detect-probe.ts';
import { detectToolNames, type DetectionFacts, type DetectionResult, type DetectToolName, type InitSystem, type OpenwrtRelease } from '../../../shared/detect-schemas.ts';
import { discoverUplinks } from './uplink-discovery.ts';

export interface DetectionOptions {
  /** The router address the SSH session connected to; its interface is not offered as an uplink. */
  readonly sessionAddress?: string;
  /** The nonce of the probe that ran (createDetectProbe); only markers with it count. Default '' (recordings). */
  readonly nonce?: string;
}

/** More than the probe can print (its sections are capped); the rest is cut, with a warning. */
export const DETECT_PARSE_MAX_CHARS = 2 * DETECT_PROBE_MAX_OUTPUT_BYTES;

/** MikroTik's SSH server names itself in the ident line (`SSH-2.0-ROSSSH`). */
const routerosIdentPattern = /^SSH-\d+\.\d+-ROSSSH/;
// RouterOS runs an exec request as a RouterOS script; the errors it prints for a sh script, as
// quoted in public reports (e.g. "bad command name bash (line 1 column 1)", "expected end of
// command (line 1 column 186)"). Not verified against our probe on a device.
const routerosErrorPattern = /\b(bad command name|expected end of command|syntax error|expected command name|no such item)\b[^\n]*\(line \d+ column \d+\)/;

const supportedLinuxIds = ['debian', 'ubuntu', 'raspbian', 'alpine'] as const;

// ---------------------------------------------------------------- text hygiene

/**
 * C0/C1 control characters (but tab and newline), U+FFFD (bytes that were not UTF-8) and the
 * bidi/zero-width marks that could make router text look like something else in the UI.
 */
// eslint-disable-next-line no-control-regex
const controlChars = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;

/** One printable line of at most `max` characters, or null when nothing is left. */
function oneLine(s: string | undefined, max: number): string | null {
  if (s === undefined) return null;
  const cleaned = s.replace(controlChars, '').replace(/\s+/g, ' ').trim().slice(0, max).trim();
  return cleaned === '' ? null : cleaned;
}

function excerptOf(s: string): string {
  return s.slice(0, 200).replace(controlChars, '.').replace(/\t/g, ' ').replace(/\n/g, '⏎');
}

function looksBinary(s: string): boolean {
  if (s.includes('\u0000')) return true;
  const sample = s.slice(0, 8192);
  const bad = sample.match(controlChars)?.length ?? 0;
  return sample.length > 0 && bad / sample.length > 0.05;
}

// ---------------------------------------------------------------- sections

type Sections = Map<string, string>;

function splitSections(text: string, nonce: string): { sections: Sections; markers: number } {
  const sections: Sections = new Map();
  if (!/^[0-9a-f]*$/.test(nonce)) throw new Error('a probe nonce is hex');
  const re = new RegExp(`\\n@@SY:([a-z0-9-]{1,32})@@${nonce}(?=\\n|$)`, 'g');
  let found: { name: string; start: number; end: number }[] = [];
  for (let m = re.exec(text); m !== null; m = re.exec(text)) found.push({ name: m[1]!, start: m.index, end: m.index + m[0].length });
  // What came before the probe's first line is the login shell's (rc files, banners): not trusted.
  // The last begin is the probe's own; without a nonce (recordings) an rc file may print one too.
  const begin = found.findLastIndex((f) => f.name === 'begin');
  if (begin > 0) found = found.slice(begin);
  found.forEach((f, i) => {
    const next = found[i + 1];
    // The marker's own trailing newline is not content; the next marker's leading one is not either.
    const body = text.slice(Math.min(f.end + 1, next ? next.start : text.length), next ? next.start : text.length);
    if (!sections.has(f.name)) sections.set(f.name, body);
  });
  return { sections, markers: found.length };
}

const get = (s: Sections, name: DetectSectionName): string | undefined => s.get(name);

/** `KEY=value`, `KEY="value"`, `KEY='value'` lines (os-release, openwrt_release). */
function keyValues(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (text ?? '').split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_-]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2]!;
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0])) v = v.slice(1, -1);
    if (!out.has(m[1]!)) out.set(m[1]!, v);
  }
  return out;
}

// ---------------------------------------------------------------- facts

function readInit(init: string | undefined, isOpenwrt: boolean, evidence: string[]): InitSystem {
  const kv = (init ?? '').split('\n');
  const comm = oneLine(kv.find((l) => l.startsWith('comm='))?.slice(5), 64);
  const sbinInit = oneLine(kv.find((l) => l.startsWith('sbin-init='))?.slice(10), 200);
  const exists = new Set(kv.filter((l) => l.startsWith('exists=')).map((l) => l.slice(7).trim()));
  const say = (what: InitSystem, why: string): InitSystem => {
    evidence.push(`init ${what}: ${why}`);
    return what;
  };
  if (comm === 'systemd' || exists.has('/run/systemd/system')) return say('systemd', comm === 'systemd' ? 'PID 1 is systemd' : '/run/systemd/system exists');
  if (comm === 'procd' || (exists.has('/sbin/procd') && isOpenwrt)) return say('procd', comm === 'procd' ? 'PID 1 is procd' : '/sbin/procd on OpenWrt');
  if (exists.has('/sbin/openrc') || exists.has('/run/openrc') || comm === 'openrc-init') return say('openrc', 'OpenRC is installed');
  if (comm === 'init' && sbinInit !== null && /busybox$/.test(sbinInit)) return say('busybox', '/sbin/init is BusyBox');
  if (comm === 'init' && exists.has('/etc/inittab')) return say('sysvinit', 'PID 1 is init with /etc/inittab');
  if (init === undefined && isOpenwrt) return say('procd', 'not probed; every OpenWrt since 2013 uses procd');
  if (sbinInit !== null && /systemd/.test(sbinInit)) evidence.push(`/sbin/init points to systemd but it is not running as PID 1 (PID 1 is ${comm ?? 'unknown'}: a container?)`);
  return say('unknown', `PID 1 is ${comm ?? 'not readable'}`);
}

function readTools(sections: Sections): Record<DetectToolName, boolean> {
  const tools = Object.fromEntries(detectToolNames.map((t) => [t, false])) as Record<DetectToolName, boolean>;
  for (const line of (get(sections, 'tools') ?? '').split('\n')) {
    const m = /^([a-z0-9]+)=(\S.*)$/.exec(line.trim());
    if (m && (detectToolNames as readonly string[]).includes(m[1]!)) tools[m[1] as DetectToolName] = true;
  }
  // A section that printed something proves its tool exists, even where `tools` is missing.
  const nonEmpty = (n: DetectSectionName): boolean => (get(sections, n) ?? '').trim() !== '';
  if (nonEmpty('ubus-network')) tools.ubus = true;
  if (nonEmpty('uci-network')) tools.uci = true;
  if (nonEmpty('ip-addr') || nonEmpty('ip-route') || nonEmpty('ip-link')) tools.ip = true;
  return tools;
}

function readMwan3(sections: Sections, tools: Record<DetectToolName, boolean>, initScripts: readonly string[], evidence: string[]): { installed: boolean; version: string | null } {
  const lines = (get(sections, 'mwan3-pkg') ?? '').split('\n');
  const field = (prefix: string): string | undefined => lines.find((l) => l.startsWith(prefix))?.slice(prefix.length).trim();
  const opkgStatus = field('opkg-Status:');
  const opkgVersion = field('opkg-Version:');
  const apkVersion = field('apk-V:');
  const leftoverConfig = lines.some((l) => l.startsWith('config='));
  const byOpkg = opkgStatus !== undefined && /\binstalled\b/.test(opkgStatus) && !/not-installed/.test(opkgStatus);
  const byApk = apkVersion !== undefined;
  const reasons: string[] = [];
  if (tools.mwan3) reasons.push('the mwan3 command is on PATH');
  if (initScripts.includes('mwan3')) reasons.push('/etc/init.d/mwan3 exists');
  if (byOpkg) reasons.push(`opkg: ${oneLine(opkgStatus, 80)}`);
  if (byApk) reasons.push('apk lists mwan3');
  const installed = reasons.length > 0;
  const version = oneLine(byOpkg ? opkgVersion : byApk ? apkVersion : undefined, 64);
  if (installed) evidence.push(`mwan3 installed: ${reasons.join('; ')}${version ? `; version ${version}` : '; version not recorded by a package manager'}`);
  else evidence.push(`mwan3 not found (no command, no init script, no package record)${leftoverConfig ? '; /etc/config/mwan3 remains from an earlier install' : ''}`);
  return { installed, version };
}

// ---------------------------------------------------------------- result assembly

function emptyFacts(): DetectionFacts {
  return {
    hostname: null,
    kernel: null,
    kernelName: null,
    os: { id: null, name: null, version: null },
    init: 'unknown',
    isRoot: null,
    tools: Object.fromEntries(detectToolNames.map((t) => [t, false])) as Record<DetectToolName, boolean>,
  };
}

function routerosResult(evidence: string[]): DetectionResult {
  return {
    platform: 'routeros',
    supported: false,
    reason: 'MikroTik RouterOS is recognised but not yet supported.',
    facts: emptyFacts(),
    uplinks: [],
    ignoredInterfaces: [],
    warnings: [],
    evidence,
  };
}

function installHint(tools: Record<DetectToolName, boolean>): string {
  return tools.apk && !tools.opkg ? '`apk update && apk add mwan3`' : '`opkg update && opkg install mwan3`';
}

function linuxInstallHint(osId: string | null, missing: readonly string[]): string {
  const pkgs = missing.map((t) => (t === 'ip' ? 'iproute2' : osId === 'alpine' ? 'iputils' : 'iputils-ping'));
  return osId === 'alpine' ? `\`apk add ${pkgs.join(' ')}\`` : `\`apt-get install ${pkgs.join(' ')}\``;
}

/**
 * Reads the probe's output. `serverIdent` is the SSH server's ident line when the transport
 * knows it (`SSH-2.0-ROSSSH` means RouterOS, whatever the output). Throws DetectionOutputError
 * only when the answer is not the probe's output at all; anything readable yields a result.
 */
export function parseDetection(output: string, serverIdent?: string, options: DetectionOptions = {}): DetectionResult {
  const evidence: string[] = [];
  const warnings: string[] = [];
  const ident = oneLine(typeof serverIdent === 'string' ? serverIdent : undefined, 120);
  if (ident !== null) evidence.push(`SSH server ident: ${ident}`);
  if (ident !== null && routerosIdentPattern.test(ident)) {
    evidence.push('the ident names ROSSSH, the SSH server of MikroTik RouterOS');
    return routerosResult(evidence);
  }

  const raw = typeof output === 'string' ? output : '';
  let text = raw.length > DETECT_PARSE_MAX_CHARS ? raw.slice(0, DETECT_PARSE_MAX_CHARS) : raw;
  if (text.length < raw.length) warnings.push(`The router printed ${raw.length} characters, more than the probe can produce; only the first ${text.length} were read.`);
  text = '\n' + text.replace(/\r\n?/g, '\n');

  const { sections, markers } = splitSections(text, options.nonce ?? '');
  if (markers === 0) {
    if (routerosErrorPattern.test(text)) {
      evidence.push(`the router answered the sh probe with a RouterOS script error: "${excerptOf(text.trim())}"`);
      return routerosResult(evidence);
    }
    const bytes = raw.length;
    if (raw.trim() === '') {
      throw new DetectionOutputError('empty', 'The router accepted the detection command but printed nothing. Check that the login opens a shell (not a restricted menu) and try again.', '', bytes);
    }
    if (looksBinary(raw)) {
      throw new DetectionOutputError('binary', `The router answered the detection command with binary data (${bytes} characters), not text. It is not a router Switchyard can read.`, excerptOf(raw), bytes);
    }
    throw new DetectionOutputError(
      'not-the-probe',
      `The router's answer is not the detection probe's output, so its login shell did not run it as a POSIX shell script (csh, fish, a vendor CLI?). It said: "${excerptOf(raw.trim())}"`,
      excerptOf(raw.trim()),
      bytes,
    );
  }

  const begin = oneLine(get(sections, 'begin'), 64);
  if (begin === null) warnings.push('The start of the probe output is missing; some facts may be absent.');
  else if (begin !== `switchyard-probe ${DETECT_PROBE_VERSION}`) evidence.push(`probe version line: "${begin}"`);
  if (!sections.has('end')) warnings.push('The probe output stopped before its end marker (cut off or too large); missing sections were treated as absent.');
  if (looksBinary(text)) warnings.push('The probe output contained binary bytes; they were removed before reading.');

  // uname -a: kernel-name nodename release version … (the version field holds spaces).
  const uname = oneLine(get(sections, 'uname'), 1000);
  const unameParts = uname?.split(' ') ?? [];
  const kernelName = oneLine(unameParts[0], 64);
  const kernel = oneLine(unameParts[2], 128);
  if (uname) evidence.push(`uname: ${uname.slice(0, 200)}`);
  const hostname = oneLine(get(sections, 'hostname')?.split('\n')[0], 256) ?? oneLine(unameParts[1], 256);

  const idText = oneLine(get(sections, 'id')?.split('\n')[0], 16);
  const isRoot = idText !== null && /^\d+$/.test(idText) ? idText === '0' : null;

  const osRelease = keyValues(get(sections, 'os-release'));
  const owrt = keyValues(get(sections, 'openwrt-release'));
  const glinetFirmware = oneLine(get(sections, 'glversion')?.split('\n')[0], 64);
  const openwrtRelease: OpenwrtRelease | undefined =
    owrt.size > 0
      ? Object.fromEntries(
          (
            [
              ['distribution', oneLine(owrt.get('DISTRIB_ID'), 64)],
              ['release', oneLine(owrt.get('DISTRIB_RELEASE'), 64)],
              ['revision', oneLine(owrt.get('DISTRIB_REVISION'), 64)],
              ['target', oneLine(owrt.get('DISTRIB_TARGET'), 64)],
              ['description', oneLine(owrt.get('DISTRIB_DESCRIPTION'), 200)],
            ] as const
          ).filter(([, v]) => v !== null),
        )
      : undefined;
  const osId = oneLine(osRelease.get('ID'), 64)?.toLowerCase() ?? (openwrtRelease?.distribution ? openwrtRelease.distribution.toLowerCase() : null);
  const osIdLike = (oneLine(osRelease.get('ID_LIKE'), 200) ?? '').toLowerCase().split(' ').filter(Boolean);
  const osName = oneLine(osRelease.get('PRETTY_NAME') ?? osRelease.get('NAME'), 200) ?? openwrtRelease?.description ?? null;
  const osVersion = oneLine(osRelease.get('VERSION_ID') ?? osRelease.get('VERSION'), 64) ?? openwrtRelease?.release ?? null;
  if (osRelease.size > 0) evidence.push(`os-release: ID=${osId ?? '?'} VERSION_ID=${osVersion ?? '?'}${osIdLike.length ? ` ID_LIKE=${osIdLike.join(' ')}` : ''}`);
  if (openwrtRelease) evidence.push(`/etc/openwrt_release: ${openwrtRelease.description ?? openwrtRelease.release ?? 'present'}`);
  if (glinetFirmware) evidence.push(`/etc/glversion: ${glinetFirmware}`);

  const isOpenwrt = openwrtRelease !== undefined || osId === 'openwrt' || osIdLike.includes('openwrt');
  const init = readInit(get(sections, 'init'), isOpenwrt, evidence);
  const tools = readTools(sections);
  if (!sections.has('tools')) evidence.push('no tools section: tools inferred from the sections that printed output');
  const initScripts = (get(sections, 'init-d') ?? '').split('\n').map((l) => l.trim()).filter(Boolean);

  let mwan3: DetectionFacts['mwan3'];
  let kmwan: DetectionFacts['kmwan'];
  if (isOpenwrt) {
    mwan3 = readMwan3(sections, tools, initScripts, evidence);
    const kmwanLines = (get(sections, 'kmwan') ?? '').split('\n').filter((l) => /^(proc|config|init)=/.test(l));
    const kmwanConfig = (get(sections, 'kmwan-config') ?? '').trim();
    const present = kmwanLines.length > 0 || kmwanConfig !== '' || initScripts.includes('kmwan');
    kmwan = { present, ...(glinetFirmware ? { firmwareVersion: glinetFirmware } : {}) };
    if (present) {
      const why = [...kmwanLines.map((l) => l.slice(l.indexOf('=') + 1)), ...(kmwanConfig ? ['/proc/gl-kmwan/config printed state'] : []), ...(initScripts.includes('kmwan') ? ['/etc/init.d/kmwan'] : [])];
      evidence.push(`kmwan present: ${[...new Set(why)].join(', ')}`);
    }
  }

  const facts: DetectionFacts = {
    hostname,
    kernel,
    kernelName,
    os: {
      id: osId,
      name: osName,
      version: osVersion,
      ...(openwrtRelease ? { openwrtRelease } : {}),
      ...(glinetFirmware ? { glinetFirmware } : {}),
    },
    init,
    isRoot,
    tools,
    ...(mwan3 ? { mwan3 } : {}),
    ...(kmwan ? { kmwan } : {}),
  };

  const discovery = discoverUplinks({
    ipAddr: get(sections, 'ip-addr'),
    ipRoute: get(sections, 'ip-route'),
    ipLink: get(sections, 'ip-link'),
    sysNet: get(sections, 'sys-net'),
    ubusDump: get(sections, 'ubus-network'),
    uciNetwork: get(sections, 'uci-network'),
    ipRouteAll: get(sections, 'ip-route-all'),
    ipNeigh: get(sections, 'ip-neigh'),
    dhcpLeases: get(sections, 'dhcp-leases'),
    sessionAddress: options.sessionAddress,
  });
  warnings.push(...discovery.warnings);
  evidence.push(...discovery.evidence);

  // ------------------------------------------------------------ decision
  let platform: DetectionResult['platform'];
  let supported: boolean;
  let reason: string;
  const osLabel = osName ?? (osId ? `${osId} ${osVersion ?? ''}`.trim() : 'This router');
  if (isOpenwrt) {
    const owrtLabel = `OpenWrt ${openwrtRelease?.release ?? osVersion ?? ''}`.trim();
    if (kmwan?.present) {
      platform = 'glinet-kmwan';
      supported = true;
      reason = `GL.iNet firmware ${glinetFirmware ?? '(version unknown)'} with kmwan: Switchyard drives GL.iNet's own multi-WAN engine.`;
      if (mwan3?.installed) warnings.push('Both kmwan and mwan3 are installed; Switchyard drives kmwan. Running both at once is untested.');
    } else if (mwan3?.installed) {
      platform = 'openwrt-mwan3';
      supported = true;
      reason = `${owrtLabel} with mwan3${mwan3.version ? ` ${mwan3.version}` : ''}: Switchyard drives mwan3.`;
    } else {
      platform = 'linux';
      supported = true;
      reason =
        `${owrtLabel} without mwan3: Switchyard can run its own agent here, but mwan3 is recommended: ` +
        `install it with ${installHint(tools)}, then detect again.`;
    }
  } else if (kernelName !== null && kernelName !== 'Linux') {
    platform = 'unknown';
    supported = false;
    reason = `${kernelName} is not a router platform Switchyard supports (OpenWrt, GL.iNet, Debian, Ubuntu, Raspberry Pi OS, Alpine).`;
  } else if ([osId, ...osIdLike].some((id) => (supportedLinuxIds as readonly (string | null)[]).includes(id))) {
    platform = 'linux';
    supported = true;
    reason = `${osLabel}: Switchyard runs its agent here.`;
  } else {
    platform = 'unknown';
    supported = false;
    reason =
      osId !== null
        ? `${osLabel} (${osId}) is not a Linux distribution Switchyard supports yet (Debian, Ubuntu, Raspberry Pi OS, Alpine, OpenWrt).`
        : kernelName === 'Linux'
          ? 'A Linux system without /etc/os-release or /etc/openwrt_release: Switchyard cannot tell which distribution it is.'
          : 'The probe ran but recognised no platform (no uname, os-release or openwrt_release output).';
  }
  evidence.unshift(`decided ${platform}: ${isOpenwrt ? 'OpenWrt family' : kernelName ?? 'kernel unknown'}${osId ? `, os ${osId}` : ''}`);

  // Only a tools section that was printed can prove a tool missing.
  if (supported && platform === 'linux' && sections.has('tools')) {
    const missing = (['ip', 'ping'] as const).filter((t) => !tools[t]);
    if (missing.length > 0) {
      supported = false;
      reason += ` But ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing: install ${linuxInstallHint(osId, missing)}.`;
    }
  }
  if (isRoot === false) {
    if (tools.sudo) warnings.push('The login is not root: Switchyard will need sudo (without a password prompt) to change routes.');
    else if (supported) {
      supported = false;
      reason += ' The login is not root and sudo is missing: log in as root (or a user with sudo) to let Switchyard change routes.';
    }
  }

  return {
    platform,
    supported,
    reason,
    facts,
    uplinks: discovery.uplinks,
    ignoredInterfaces: discovery.ignored,
    // Some lines quote the router (JSON error snippets, uname): keep them printable.
    warnings: warnings.map((w) => w.replace(controlChars, '.').slice(0, 1000)),
    evidence: evidence.map((e) => e.replace(controlChars, '.').slice(0, 1000)),
  };
}
