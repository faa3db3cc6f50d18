// Host-key trust as OpenSSH does it: SHA256 fingerprints, the user's known_hosts (plain, hashed,
// [host]:port, @revoked), and the HostKeyTrust seam through which the app's pinned keys arrive.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The key type name inside an SSH public key blob ("ssh-ed25519", "ssh-rsa", …). */
export function keyTypeOfBlob(blob: Uint8Array): string {
  if (blob.length < 4) return 'unknown';
  const len = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength).readUInt32BE(0);
  if (len <= 0 || len > 64 || 4 + len > blob.length) return 'unknown';
  return Buffer.from(blob.subarray(4, 4 + len)).toString('latin1');
}

/** `SHA256:` + unpadded base64 of the raw key blob, exactly as `ssh-keygen -l` prints it. */
export function fingerprintOf(blob: Uint8Array): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

export type HostKeyVerdict =
  | 'trusted'
  | 'unknown'
  | { readonly mismatch: string }
  /** Refuse outright: the key is listed as @revoked. */
  | { readonly revoked: true };

/**
 * Where trust decisions come from. The app's inventory implements this with its pinned keys;
 * `check` is asked once per connection, before authentication.
 */
export interface HostKeyTrust {
  check(host: string, port: number, keyType: string, fingerprint: string): HostKeyVerdict | Promise<HostKeyVerdict>;
}

/** Pins held in memory: for tests, and as the shape an inventory-backed trust follows. */
export class MemoryHostKeyTrust implements HostKeyTrust {
  readonly #pins = new Map<string, string>();

  static #key(host: string, port: number, keyType: string): string {
    return `${host.toLowerCase()}\u0000${port}\u0000${keyType}`;
  }

  /** The explicit trust (or re-pin) action: replaces any earlier pin of this key type. */
  pin(host: string, port: number, keyType: string, fingerprint: string): void {
    this.#pins.set(MemoryHostKeyTrust.#key(host, port, keyType), fingerprint);
  }

  unpin(host: string, port: number): void {
    const prefix = `${host.toLowerCase()}\u0000${port}\u0000`;
    for (const k of [...this.#pins.keys()]) if (k.startsWith(prefix)) this.#pins.delete(k);
  }

  check(host: string, port: number, keyType: string, fingerprint: string): HostKeyVerdict {
    const pinned = this.#pins.get(MemoryHostKeyTrust.#key(host, port, keyType));
    if (pinned === undefined) return 'unknown';
    return pinned === fingerprint ? 'trusted' : { mismatch: pinned };
  }
}

export interface KnownHostsEntry {
  readonly marker: 'revoked' | 'cert-authority' | undefined;
  /** Plain patterns ("router", "*.lan", "!bad", "[10.0.0.1]:2222"), or empty when hashed. */
  readonly patterns: readonly string[];
  readonly hashed: { readonly salt: Buffer; readonly hash: Buffer } | undefined;
  readonly keyType: string;
  readonly fingerprint: string;
  readonly line: number;
}

/** Parses known_hosts text; malformed lines are skipped, as ssh does. */
export function parseKnownHosts(text: string): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (fields.length === 0 || fields[0] === '' || fields[0]!.startsWith('#')) return;
    let marker: KnownHostsEntry['marker'];
    if (fields[0]!.startsWith('@')) {
      const m = fields.shift()!;
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [hostsField, keyType, keyBase64] = fields;
    if (!hostsField || !keyType || !keyBase64) return;
    const blob = Buffer.from(keyBase64, 'base64');
    if (blob.length === 0 || keyTypeOfBlob(blob) !== keyType) return;
    let hashed: KnownHostsEntry['hashed'];
    let patterns: string[] = [];
    if (hostsField.startsWith('|1|')) {
      const [, , salt, hash] = hostsField.split('|');
      if (!salt || !hash) return;
      hashed = { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
    } else {
      patterns = hostsField.split(',').filter(Boolean);
    }
    entries.push({ marker, patterns, hashed, keyType, fingerprint: fingerprintOf(blob), line: i + 1 });
  });
  return entries;
}

/** How known_hosts names a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;
}

/** ssh's wildcard match: `*` any run, `?` one character, case-insensitive. */
export function matchWildcard(pattern: string, value: string): boolean {
  const re = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${re}$`, 's').test(value.toLowerCase());
}

/** A pattern list as ssh matches it: any positive match, and no negated (`!`) match. */
export function matchPatternList(patterns: readonly string[], value: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (matchWildcard(p.slice(1), value)) return false;
    } else if (matchWildcard(p, value)) matched = true;
  }
  return matched;
}

function entryMatchesHost(e: KnownHostsEntry, name: string): boolean {
  if (e.hashed) {
    const mac = createHmac('sha1', e.hashed.salt).update(name).digest();
    return mac.length === e.hashed.hash.length && mac.equals(e.hashed.hash);
  }
  return matchPatternList(e.patterns, name);
}

/** Decides a verdict from known_hosts entries the way `ssh` does for one offered key. */
export function checkKnownHosts(
  entries: readonly KnownHostsEntry[],
  host: string,
  port: number,
  keyType: string,
  fingerprint: string,
): HostKeyVerdict {
  const name = knownHostsName(host, port);
  // A revoked key is refused wherever it turns up, whatever host it is listed for.
  if (entries.some((e) => e.marker === 'revoked' && e.fingerprint === fingerprint)) return { revoked: true };
  let mismatch: string | undefined;
  for (const e of entries) {
    // Certificate authorities sign host certificates, which Switchyard does not use.
    if (e.marker !== undefined || e.keyType !== keyType || !entryMatchesHost(e, name)) continue;
    if (e.fingerprint === fingerprint) return 'trusted';
    mismatch ??= e.fingerprint;
  }
  return mismatch !== undefined ? { mismatch } : 'unknown';
}

/** Trust backed by known_hosts files (read at each check, so edits by `ssh` are seen). */
export class KnownHostsTrust implements HostKeyTrust {
  readonly #paths: readonly string[];
  constructor(paths: readonly string[]) {
    this.#paths = paths;
  }

  check(host: string, port: number, keyType: string, fingerprint: string): HostKeyVerdict {
    const entries = this.#paths.flatMap((p) => {
      try {
        return parseKnownHosts(readFileSync(p, 'utf8'));
      } catch {
        return []; // a missing known_hosts simply knows nothing
      }
    });
    return checkKnownHosts(entries, host, port, keyType, fingerprint);
  }
}

/**
 * Several sources in order of authority (the app's pins first, then known_hosts): @revoked in any
 * source refuses; otherwise the first source with an opinion decides.
 */
export function combineHostKeyTrust(...sources: readonly HostKeyTrust[]): HostKeyTrust {
  return {
    async check(host, port, keyType, fingerprint) {
      const verdicts = await Promise.all(sources.map((s) => s.check(host, port, keyType, fingerprint)));
      if (verdicts.some((v) => typeof v === 'object' && 'revoked' in v)) return { revoked: true };
      return verdicts.find((v) => v !== 'unknown') ?? 'unknown';
    },
  };
}
