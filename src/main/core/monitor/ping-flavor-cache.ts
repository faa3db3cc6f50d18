// Remembers which ping a router has (iputils or BusyBox) for as long as the SSH link it was
// read over stays up. `ping -V` cost ~1 s of every monitor start on a loaded machine; the tool
// cannot change while the same link is up, but a reconnect may mean a reboot into another
// firmware, so any drop of the link forgets it.
import type { ProbeFlavor } from '../probes/probe-tracker.ts';

export type PingFlavor = Extract<ProbeFlavor, 'iputils' | 'busybox'>;

/** What the cache needs of a connection: its state and its changes (SshConnection has both). */
export interface WatchedLink {
  readonly state: string;
  onDidChangeState(listener: (e: { state: string }) => void): () => void;
}

export class PingFlavorCache {
  readonly #byRouter = new Map<string, { link: WatchedLink; flavor: PingFlavor; unsubscribe: () => void }>();

  /** The flavour read over this very link, if it has stayed up since. */
  get(routerId: string, link: WatchedLink): PingFlavor | undefined {
    const entry = this.#byRouter.get(routerId);
    return entry && entry.link === link && link.state === 'ready' ? entry.flavor : undefined;
  }

  /** Remembers a flavour read over `link`; a link that is not up right now is not trusted with it. */
  set(routerId: string, link: WatchedLink, flavor: PingFlavor): void {
    this.forget(routerId);
    if (link.state !== 'ready') return;
    const unsubscribe = link.onDidChangeState((e) => {
      // 'reconnecting', 'closed', 'failed': whatever answers next may be another system.
      if (e.state !== 'ready' && this.#byRouter.get(routerId)?.link === link) this.forget(routerId);
    });
    this.#byRouter.set(routerId, { link, flavor, unsubscribe });
  }

  forget(routerId: string): void {
    const entry = this.#byRouter.get(routerId);
    if (!entry) return;
    this.#byRouter.delete(routerId);
    entry.unsubscribe();
  }
}
