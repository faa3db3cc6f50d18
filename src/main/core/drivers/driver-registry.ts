// The drivers Switchyard ships, by platform. A driver is made per use from the router's shared
// connection; platforms without a driver are detected and monitored only.
import { SwitchyardError } from '../../../shared/errors.ts';
import type { PlatformId, WanKind } from '../../../shared/model.ts';
import type { RouterDriver, RouterShell } from './driver.ts';
import { createKmwanDriver, detectKmwan } from './glinet-kmwan/kmwan-driver.ts';
import { createLinuxDriver } from './linux/linux-driver.ts';
import { createOpenwrtMwan3Driver, detectOpenwrtMwan3 } from './openwrt-mwan3/openwrt-mwan3-driver.ts';

export interface DriverContext {
  routerId: string;
  facts: Record<string, unknown> | null;
  /** The uplink kinds of the saved detection while it is still the router's (current-detection.ts). */
  detectedKinds?: ReadonlyMap<string, WanKind> | null;
}

export type DriverFactory = (shell: RouterShell, context: DriverContext) => Promise<RouterDriver>;

export function builtInDrivers(options: { agentScriptPath: string }): Partial<Record<PlatformId, DriverFactory>> {
  return {
    linux: async (shell, { facts, detectedKinds }) => createLinuxDriver(shell, { agentScriptPath: options.agentScriptPath, facts, detectedKinds: detectedKinds ?? null }),
    'openwrt-mwan3': async (shell) => createOpenwrtMwan3Driver(shell, { facts: await detectOpenwrtMwan3(shell) }),
    'glinet-kmwan': async (shell) => {
      const detected = await detectKmwan(shell);
      if (!detected.present) throw new SwitchyardError('unsupported', 'kmwan is not running on this router (no /proc/gl-kmwan). Run detection again.');
      return createKmwanDriver(shell, { assessment: detected.assessment });
    },
  };
}
