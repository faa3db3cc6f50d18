// Opens and shares each router's SSH connection from its inventory profile: credentials from
// the SecretStore, host-key trust from the pinned key (then the user's known_hosts), the jump
// host from the inventory. Trust-on-first-use is explicit: an unknown key is reported with its
// fingerprint for the user to confirm, and only then pinned. A router being added is tested
// with the details as entered before anything is saved (testNew).
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SwitchyardError } from '../../../shared/errors.ts';
import type { Logger } from '../logger.ts';
import type { RouterRecord } from '../store/router-repository.ts';
import { combineHostKeyTrust, KnownHostsTrust, type HostKeyTrust, type HostKeyVerdict } from '../transport/ssh/host-key.ts';
import { loadPrivateKey, type SshAuth } from '../transport/ssh/ssh-auth.ts';
import type { SshConnectOptions, SshConnection } from '../transport/ssh/ssh-connection.ts';
import { HostKeyUnknownError } from '../transport/ssh/ssh-errors.ts';
import { SshPool } from '../transport/ssh/ssh-pool.ts';
import type { NewRouterParsed, RoutersService, SshCredential } from './routers-service.ts';

export type ConnectionTest =
  | { status: 'trusted'; keyType: string; fingerprint: string; connectMs: number }
  | { status: 'unknown-host-key'; keyType: string; fingerprint: string };

const maxJumpDepth = 4;
/** How long a tested, not yet saved router's connection waits to be taken by routers.create. */
const testedKeepMs = 120_000;

export class ConnectionService {
  readonly #routers: RoutersService;
  readonly #pool: SshPool;
  readonly #log: Logger;
  readonly #knownHostsFiles: readonly string[];
  /** Profile edits per router (forget): a connect that began before one is not handed out. */
  readonly #profileEdits = new Map<string, number>();
  /**
   * The connection of the last successful test of a router not saved yet, kept for the router
   * saved right after from exactly those details: adding a router then logs in once, not twice
   * (a second SSH handshake and login, about a second on a slow link).
   */
  #tested: { poolKey: string; details: string; timer: ReturnType<typeof setTimeout> } | null = null;

  constructor(deps: { routers: RoutersService; log: Logger; pool?: SshPool; knownHostsFiles?: readonly string[] }) {
    this.#routers = deps.routers;
    this.#log = deps.log;
    this.#pool = deps.pool ?? new SshPool();
    this.#knownHostsFiles = deps.knownHostsFiles ?? [join(homedir(), '.ssh', 'known_hosts')];
  }

  /** The router's shared connection; throws HostKeyUnknownError until its key is trusted. */
  async connection(routerId: string): Promise<SshConnection> {
    // The profile may be edited while this reads it or connects (the monitor reconnects every
    // second): a connection made with the old login must not outlive the edit.
    for (;;) {
      const edits = this.#profileEdits.get(routerId) ?? 0;
      const options = await this.#options(this.#routers.record(routerId), 0, new Set());
      const conn = await this.#pool.get(routerId, () => options, edits);
      if ((this.#profileEdits.get(routerId) ?? 0) === edits) return conn;
    }
  }

  /** Connects once, reporting an unknown host key as a result the UI can ask about. */
  async test(routerId: string): Promise<ConnectionTest> {
    await this.#pool.release(routerId);
    return this.#testWith(routerId, async () => this.#options(this.#routers.record(routerId), 0, new Set()), this.#profileEdits.get(routerId) ?? 0);
  }

  /**
   * The same test for a router not saved yet: the details as entered, `input.hostKey` as its pin.
   * Nothing is written. A connection that logged in is kept for `testedKeepMs` for adoptTested,
   * then closed (dropTested, when the user leaves the dialog, and closing the core close it
   * sooner); any other outcome closes it at once.
   */
  async testNew(input: NewRouterParsed): Promise<ConnectionTest> {
    const { record, credential } = this.#routers.draft(input);
    await this.dropTested();
    let result: ConnectionTest | undefined;
    try {
      result = await this.#testWith(record.id, async () => this.#options(record, 0, new Set(), credential));
      return result;
    } finally {
      if (result?.status === 'trusted') {
        const timer = setTimeout(() => void this.dropTested(), testedKeepMs);
        timer.unref?.();
        this.#tested = { poolKey: record.id, details: connectionDetails(input), timer };
      } else {
        await this.#pool.release(record.id);
      }
    }
  }

  /**
   * After routers.create: the connection testNew kept becomes the new router's when it logged in
   * with exactly the details saved (address, port, login and secret, jump host, pinned key), so
   * detection right after needs no second login. Otherwise it is closed. True when taken.
   */
  async adoptTested(routerId: string, input: NewRouterParsed): Promise<boolean> {
    const tested = this.#tested;
    if (!tested) return false;
    this.#tested = null;
    clearTimeout(tested.timer);
    if (tested.details === connectionDetails(input) && (await this.#pool.handOver(tested.poolKey, routerId))) return true;
    await this.#pool.release(tested.poolKey);
    return false;
  }

  /** Closes the connection testNew kept, if any (true when there was one). */
  async dropTested(): Promise<boolean> {
    const tested = this.#tested;
    this.#tested = null;
    if (!tested) return false;
    clearTimeout(tested.timer);
    await this.#pool.release(tested.poolKey);
    return true;
  }

  async #testWith(poolKey: string, options: () => Promise<SshConnectOptions>, generation = 0): Promise<ConnectionTest> {
    const started = performance.now();
    const offered: { keyType?: string; fingerprint?: string } = {};
    try {
      const resolved = await options();
      const recording: HostKeyTrust = {
        check: (host, port, keyType, fingerprint) => {
          Object.assign(offered, { keyType, fingerprint });
          return resolved.hostKeyTrust.check(host, port, keyType, fingerprint);
        },
      };
      await this.#pool.get(poolKey, () => ({ ...resolved, hostKeyTrust: recording }), generation);
      return { status: 'trusted', keyType: offered.keyType ?? '', fingerprint: offered.fingerprint ?? '', connectMs: Math.round(performance.now() - started) };
    } catch (error) {
      if (error instanceof HostKeyUnknownError && offered.fingerprint) {
        return { status: 'unknown-host-key', keyType: offered.keyType ?? '', fingerprint: offered.fingerprint };
      }
      throw error;
    }
  }

  /** Pins the key the user confirmed. Replacing a pinned key must be asked for explicitly. */
  async trust(routerId: string, keyType: string, fingerprint: string, replace: boolean): Promise<void> {
    const record = this.#routers.record(routerId);
    if (record.hostKey && record.hostKey.fingerprint !== fingerprint && !replace) {
      throw new SwitchyardError(
        'conflict',
        `${record.name} already has the host key ${record.hostKey.fingerprint} pinned. Replace it only if you know why the router's key changed (a reset or a new router).`,
        { pinned: record.hostKey.fingerprint, offered: fingerprint },
      );
    }
    await this.#pool.release(routerId);
    this.#routers.pinHostKey(routerId, keyType, fingerprint);
  }

  /** After an edit (saved first) or a removal: the next use connects afresh with the new profile. */
  async forget(routerId: string): Promise<void> {
    this.#profileEdits.set(routerId, (this.#profileEdits.get(routerId) ?? 0) + 1);
    await this.#pool.release(routerId);
  }

  async closeAll(): Promise<void> {
    await this.dropTested();
    await this.#pool.closeAll();
  }

  /** `credential`: the login as entered, for a router not saved yet; else the SecretStore's. */
  async #options(record: RouterRecord, depth: number, seen: Set<string>, credential?: SshCredential): Promise<SshConnectOptions> {
    if (seen.has(record.id) || depth > maxJumpDepth) {
      throw new SwitchyardError('invalid-input', `The jump hosts of ${record.name} form a loop or are nested deeper than ${maxJumpDepth}. Edit the router's jump host.`);
    }
    seen.add(record.id);
    const jump = record.jumpRouterId ? await this.#options(this.#routers.record(record.jumpRouterId), depth + 1, seen) : undefined;
    return {
      host: record.host,
      port: record.port,
      username: record.username,
      auth: toSshAuth(credential ?? (await this.#routers.sshCredential(record))),
      hostKeyTrust: combineHostKeyTrust(pinnedTrust(record), new KnownHostsTrust(this.#knownHostsFiles)),
      ...(jump && { jump }),
      log: (level, message) => (level === 'warn' ? this.#log.warn(`ssh ${record.name}: ${message}`) : level === 'info' ? this.#log.info(`ssh ${record.name}: ${message}`) : undefined),
    };
  }
}

/** What a connection's login depends on, hashed (it holds the secret) to compare two inputs. */
function connectionDetails(input: NewRouterParsed): string {
  const { host, port, username, auth, jumpRouterId, hostKey } = input;
  return createHash('sha256')
    .update(JSON.stringify([host, port, username, auth, jumpRouterId ?? null, hostKey ?? null]))
    .digest('hex');
}

/** The inventory's pin decides; without a pin it has no opinion and known_hosts may answer. */
function pinnedTrust(record: RouterRecord): HostKeyTrust {
  return {
    check(_host, _port, _keyType, fingerprint): HostKeyVerdict {
      if (!record.hostKey) return 'unknown';
      return record.hostKey.fingerprint === fingerprint ? 'trusted' : { mismatch: record.hostKey.fingerprint };
    },
  };
}

function toSshAuth(credential: SshCredential): SshAuth[] {
  switch (credential.kind) {
    case 'password':
      return [{ kind: 'password', password: credential.password }];
    case 'keyboard-interactive': {
      const password = credential.password;
      return [{ kind: 'keyboard-interactive', respond: (prompts) => prompts.map(() => password) }, { kind: 'password', password }];
    }
    case 'key':
      return [{ kind: 'key', privateKey: loadPrivateKey(credential.keyPath), ...(credential.passphrase !== undefined && { passphrase: credential.passphrase }) }];
    case 'agent':
      return [{ kind: 'agent' }];
  }
}
