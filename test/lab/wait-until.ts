// Condition waits for lab tests on a busy machine: poll until the condition holds or a generous
// deadline passes, then fail saying what was awaited and the last value seen. Never a fixed sleep
// standing in for "long enough" (on a loaded 2-core CI box an SSH exec alone can take 7 s).
export interface WaitOptions {
  /** What is awaited, for the failure message. */
  readonly what: string;
  readonly timeoutMs?: number;
  readonly pollMs?: number;
}

/** Default deadline: fits a 2-core machine kept busy by other jobs. */
export const busyDeadlineMs = 60_000;

/** Resolves with the first value `probe` returns that `ok` accepts; throws after the deadline. */
export async function waitUntil<T>(probe: () => T | Promise<T>, ok: (value: T) => boolean, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? busyDeadlineMs);
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      lastError = undefined;
      if (ok(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const seen = lastError !== undefined ? `last error: ${lastError instanceof Error ? lastError.message : String(lastError)}` : `last value: ${JSON.stringify(last)?.slice(0, 400)}`;
      throw new Error(`timed out after ${options.timeoutMs ?? busyDeadlineMs} ms waiting for ${options.what} (${seen})`);
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
  }
}
