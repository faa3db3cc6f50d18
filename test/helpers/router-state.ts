// Comparing a lab router's state before and after something that must not change it, when parts
// of that state move by themselves: the Switchyard agent re-applies its routes and rules every
// 10 s (each rule deleted, then added again), so one read in a few hundred (15 of 3,750 measured
// at load ~8, more when its ip forks wait for CPU) catches a rule missing; and a fresh link's
// IPv6 address is `tentative` for a second or two. A single read before and after then differs
// with nothing changed. So "before" is read until two reads agree and nothing is tentative, and
// "after" must come back to exactly that within a deadline: a real change never does.
import { expect } from 'vitest';
import { waitUntil } from '../lab/wait-until.ts';

/** The router's state once two reads in a row agree and no IPv6 address is still tentative. */
export async function settledRouterState(read: () => Promise<string>): Promise<string> {
  let last = await read();
  const [, settled] = await waitUntil(async () => [last, (last = await read())] as const, ([a, b]) => a === b && !/\btentative\b/.test(b), {
    what: 'the router state to settle',
  });
  return settled;
}

/** Fails unless the router's state comes back to `before` (a passing rewrite does; a real change does not). */
export async function expectRouterStateBack(read: () => Promise<string>, before: string, timeoutMs = 20_000): Promise<void> {
  const after = await waitUntil(read, (s) => s === before, { what: 'the router state as before', timeoutMs }).catch(() => read());
  expect(after).toBe(before);
}
