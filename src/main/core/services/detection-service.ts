// Detects a router's platform and uplinks (the probe, then a ping to each gateway only suggested) and remembers what it found.
import type { DetectionResult } from '../../../shared/detect-schemas.ts';
import { requireUsable } from '../detect/detect-errors.ts';
import { runDetection } from '../detect/run-detection.ts';
import type { ConnectionService } from './connection-service.ts';
import type { RoutersService } from './routers-service.ts';

export class DetectionService {
  readonly #routers: RoutersService;
  readonly #connections: ConnectionService;
  /** Detections on their way: a second caller (a page's status poll, say) waits for the first. */
  readonly #running = new Map<string, Promise<DetectionResult>>();

  constructor(deps: { routers: RoutersService; connections: ConnectionService }) {
    this.#routers = deps.routers;
    this.#connections = deps.connections;
  }

  detect(routerId: string): Promise<DetectionResult> {
    const running = this.#running.get(routerId);
    if (running) return running;
    const detection = this.#detectNow(routerId).finally(() => this.#running.delete(routerId));
    this.#running.set(routerId, detection);
    return detection;
  }

  async #detectNow(routerId: string): Promise<DetectionResult> {
    const record = this.#routers.record(routerId);
    const connection = await this.#connections.connection(routerId);
    // A detection that found no uplink is refused here, so the last good one stays saved.
    const detection = requireUsable(await runDetection(connection, /^\d{1,3}(\.\d{1,3}){3}$/.test(record.host) ? { sessionAddress: record.host } : {}));
    this.#routers.setDetection(routerId, detection.platform, detection as unknown as Record<string, unknown>);
    return detection;
  }
}
