// The one-click fix of a target-qualification finding, applied to the draft policy in the editor.
import type { TargetFix } from './api/qualify-schemas.ts';
import type { FailoverPolicy } from './model.ts';

/** The draft with one fix applied (targets only; names, order and timing untouched). */
export function applyTargetFix(policy: FailoverPolicy, fix: TargetFix): FailoverPolicy {
  if (fix.kind === 'use-preset') return policy;
  return {
    ...policy,
    wans: policy.wans.map((w) => {
      if (w.name !== fix.wan) return w;
      const targets = w.tracking.targets;
      const next = fix.kind === 'replace-target' ? targets.map((t) => (t === fix.from ? fix.to : t)) : fix.kind === 'remove-target' ? targets.filter((t) => t !== fix.target) : [...targets, fix.target];
      return { ...w, tracking: { ...w.tracking, targets: next, reliability: Math.min(w.tracking.reliability, Math.max(1, next.length)) } };
    }),
  };
}
