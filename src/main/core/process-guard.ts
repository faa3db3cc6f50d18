// Keeps a main process (serve, the CLI, Electron's main) alive when a promise somewhere rejects
// with nobody listening: a router that misbehaves in a way no handler foresaw must cost one log
// line, not the app with every other router's monitoring and every open window. Node's default
// for an unhandled rejection is to crash the process.
import type { Logger } from './logger.ts';

let installed = false;

/** Logs unhandled rejections (message only: errors here never carry secrets) instead of dying. */
export function installProcessGuard(log: Logger): void {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', (reason: unknown) => {
    const what = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
    log.error(`a background task failed and nobody was waiting for it (kept running): ${what}`);
  });
}
