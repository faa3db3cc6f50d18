// One SSH connection per router, shared by all work: concurrent callers share one connect, a
// live connection is reused, a failed or closed one is replaced on the next request.
import { connectSsh, type SshConnectOptions, type SshConnection } from './ssh-connection.ts';

type Connect = (options: SshConnectOptions) => Promise<SshConnection>;

export class SshPool {
  readonly #connect: Connect;
  readonly #entries = new Map<string, Promise<SshConnection>>();
  /** The profile generation each entry was made for (see get). */
  readonly #generations = new Map<Promise<SshConnection>, number>();

  constructor(connect: Connect = connectSsh) {
    this.#connect = connect;
  }

  /**
   * The router's connection; `options` is only asked for when a new one must be made.
   * `generation` counts the edits of the router's profile the options were read after: a
   * connection made for an older one is closed and replaced, never handed out.
   */
  async get(routerId: string, options: () => SshConnectOptions, generation = 0): Promise<SshConnection> {
    const existing = this.#entries.get(routerId);
    if (existing) {
      const stale = (this.#generations.get(existing) ?? 0) < generation;
      const conn = await existing.catch(() => undefined);
      // 'reconnecting' is still the router's one connection: work waits for it inside run().
      if (!stale && conn && conn.state !== 'closed' && conn.state !== 'failed') return conn;
      if (this.#entries.get(routerId) === existing) this.#entries.delete(routerId);
      if (stale) await conn?.close();
      return this.get(routerId, options, generation);
    }
    const pending = this.#connect(options());
    this.#entries.set(routerId, pending);
    this.#generations.set(pending, generation);
    try {
      return await pending;
    } catch (err) {
      // A failed first connect is not cached: the user fixes the cause and tries again.
      if (this.#entries.get(routerId) === pending) this.#entries.delete(routerId);
      throw err;
    }
  }

  /**
   * Hands the live connection kept under `from` to `to` (a router just saved from the draft it
   * was tested as). False, and nothing moved, when there is none or `to` already has one.
   */
  async handOver(from: string, to: string): Promise<boolean> {
    const entry = this.#entries.get(from);
    if (!entry || this.#entries.has(to)) return false;
    const conn = await entry.catch(() => undefined);
    if (!conn || conn.state === 'closed' || conn.state === 'failed' || this.#entries.get(from) !== entry || this.#entries.has(to)) return false;
    this.#entries.delete(from);
    this.#entries.set(to, entry);
    this.#generations.set(entry, 0);
    return true;
  }

  /** Closes and forgets one router's connection (after an edit of its profile, or a re-pin). */
  async release(routerId: string): Promise<void> {
    const entry = this.#entries.get(routerId);
    this.#entries.delete(routerId);
    const conn = await entry?.catch(() => undefined);
    await conn?.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#entries.keys()].map((id) => this.release(id)));
  }
}
