// Typed publish/subscribe for contract events; subscribing returns a disposer.
import type { EventName, EventPayload } from '../../../shared/api/contract.ts';

export type Listener<E extends EventName> = (payload: EventPayload<E>) => void;
export type AnyEventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export class EventHub {
  readonly #listeners = new Set<AnyEventListener>();

  /** Every event, for transports that forward all of them. */
  onAny(listener: AnyEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    return this.onAny((name: EventName, payload: unknown) => {
      if (name === event) listener(payload as EventPayload<E>);
    });
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event, payload);
      } catch {
        // One broken subscriber (a closed socket) must not stop the others.
      }
    }
  }
}
