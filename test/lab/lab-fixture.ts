// Gives a vitest file its own lab: up in beforeAll (after clearing any leftover of the same
// name from a crashed run), down in afterAll; or a one-line reason why the file is skipped.
import { afterAll, beforeAll } from 'vitest';
import { labDown, labSkipReason, labUp } from './lab.ts';
import type { LabInfo } from './lab.ts';
import type { LabOptions } from './lab-plan.ts';

export type LabFixture = {
  // Set when this machine cannot build a lab; use with describe.skipIf(...).
  readonly skipReason: string | undefined;
  // The running lab's file contents; throws if called before beforeAll ran or when skipped.
  readonly info: () => LabInfo;
  // Milliseconds `labUp` took, for reporting.
  readonly upMs: () => number;
};

export function labFixture(opts: LabOptions): LabFixture {
  const skipReason = labSkipReason();
  let info: LabInfo | undefined;
  let upMs = 0;
  if (skipReason) {
    console.log(`lab tests skipped: ${skipReason}`);
  } else {
    beforeAll(async () => {
      await labDown(opts.name);
      const startedMs = Date.now();
      info = await labUp(opts);
      upMs = Date.now() - startedMs;
    });
    afterAll(async () => {
      await labDown(opts.name);
    });
  }
  return {
    skipReason,
    info: () => {
      if (!info) throw new Error(skipReason ? `lab skipped: ${skipReason}` : 'lab is not up yet (use it inside a test)');
      return info;
    },
    upMs: () => upMs,
  };
}
