// A minimal logger interface the core writes through, so tests can capture everything that
// is logged (and prove no secret ever is) and the app can route it to a file.
export interface Logger {
  info(message: string, ...context: unknown[]): void;
  warn(message: string, ...context: unknown[]): void;
  error(message: string, ...context: unknown[]): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

export function consoleLogger(prefix = 'switchyard'): Logger {
  return {
    info: (message, ...context) => console.error(`[${prefix}] ${message}`, ...context),
    warn: (message, ...context) => console.error(`[${prefix}] warning: ${message}`, ...context),
    error: (message, ...context) => console.error(`[${prefix}] error: ${message}`, ...context),
  };
}

/** Keeps every line in memory: for tests that search the log. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string, ...context: unknown[]) =>
    lines.push(`${level} ${message} ${context.map((c) => (c instanceof Error ? `${c.message}\n${c.stack}` : JSON.stringify(c))).join(' ')}`);
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}
