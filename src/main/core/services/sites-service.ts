// Sites use cases: thin over the repository, plus the change event the UI listens to.
import type { Site, SiteInput } from '../../../shared/api/sites-schemas.ts';
import type { EventHub } from '../api/event-hub.ts';
import type { SiteRepository } from '../store/site-repository.ts';

export class SitesService {
  readonly #repo: SiteRepository;
  readonly #events: EventHub;

  constructor(repo: SiteRepository, events: EventHub) {
    this.#repo = repo;
    this.#events = events;
  }

  list(): Site[] {
    return this.#repo.list();
  }

  create(input: Required<SiteInput>): Site {
    return this.#changed(this.#repo.create(input));
  }

  update(id: string, patch: Partial<SiteInput>): Site {
    return this.#changed(this.#repo.update(id, patch));
  }

  /** Tells listeners the inventory changed (after a removal done elsewhere). */
  changed(): void {
    this.#changed(null);
  }

  #changed<T>(value: T): T {
    this.#events.emit('onDidChangeSites', { atMs: Date.now() });
    return value;
  }
}
