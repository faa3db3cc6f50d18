// Detects a router's platform and uplinks in one SSH round trip and remembers what it found.
import type { DetectionResult } from '../../../shared/detect-schemas.ts';
import { DETECT_PROBE_MAX_OUTPUT_BYTES, DETECT_PROBE_SCRIPT } from '../detect/detect-probe.ts';
import { parseDetection } from '../detect/detect-parse.ts';
import { shellCommand } from '../transport/ssh/shell-quote.ts';
import type { ConnectionService } from './connection-service.ts';
import type { RoutersService } from './routers-service.ts';

const detectTimeoutMs = 20_000;

export class DetectionService {
  readonly #routers: RoutersService;
  readonly #connections: ConnectionService;

  constructor(deps: { routers: RoutersService; connections: ConnectionService }) {
    this.#routers = deps.routers;
    this.#connections = deps.connections;
  }

  async detect(routerId: string): Promise<DetectionResult> {
    const record = this.#routers.record(routerId);
    const connection = await this.#connections.connection(routerId);
    // Through `sh -c` so a csh or fish login shell still runs the POSIX probe.
    const result = await connection.run(shellCommand(['sh', '-c', DETECT_PROBE_SCRIPT]), {
      expectExit: 'any',
      timeoutMs: detectTimeoutMs,
      maxOutputBytes: DETECT_PROBE_MAX_OUTPUT_BYTES * 2,
    });
    const detection = parseDetection(result.stdout, undefined, /^\d{1,3}(\.\d{1,3}){3}$/.test(record.host) ? { sessionAddress: record.host } : {});
    this.#routers.setDetection(routerId, detection.platform, detection as unknown as Record<string, unknown>);
    return detection;
  }
}
