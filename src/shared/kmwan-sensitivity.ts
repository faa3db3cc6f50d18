// GL.iNet's failure-detection sensitivity (kmwan set_sensitivity): low/medium/high are 5000/3000/
// 1000 ms, custom is whole seconds. The kernel module polls every second (g_delay = HZ) and marks
// a member dead once its oldest unanswered probe is older than the sensitivity; it returns a member
// on the first answered probe. So an outage is seen within sensitivity + one poll.
export const kmwanLevels = ['low', 'medium', 'high', 'custom'] as const;
export type KmwanLevel = (typeof kmwanLevels)[number];

/** The kernel's poll period (gl-kmwan g_delay = HZ). */
export const kmwanPollSec = 1;

export const kmwanPresets: readonly { readonly level: Exclude<KmwanLevel, 'custom'>; readonly sensitivityMs: number }[] = [
  { level: 'low', sensitivityMs: 5000 },
  { level: 'medium', sensitivityMs: 3000 },
  { level: 'high', sensitivityMs: 1000 },
];

/** Worst-case seconds from a link going silent to kmwan moving traffic off it. */
export function kmwanDetectionSec(sensitivityMs: number): number {
  return sensitivityMs / 1000 + kmwanPollSec;
}

/** The level GL's UI shows for a sensitivity: a preset's name, else custom. */
export function kmwanLevelFor(sensitivityMs: number): KmwanLevel {
  return kmwanPresets.find((p) => p.sensitivityMs === sensitivityMs)?.level ?? 'custom';
}

/** In the user's words, e.g. "medium (3 s): an outage is noticed within about 4 s". */
export function describeSensitivity(sensitivityMs: number): string {
  return `${kmwanLevelFor(sensitivityMs)} (${sensitivityMs / 1000} s): an outage is noticed within about ${kmwanDetectionSec(sensitivityMs)} s`;
}

/** GL's custom sensitivity is whole seconds (set_sensitivity multiplies `val` by 1000). */
export function sensitivityProblem(sensitivitySec: number): string | null {
  if (!Number.isInteger(sensitivitySec) || sensitivitySec < 1 || sensitivitySec > 60) {
    return `GL.iNet's sensitivity is a whole number of seconds from 1 to 60 (low 5, medium 3, high 1); ${sensitivitySec} s is not one.`;
  }
  return null;
}
