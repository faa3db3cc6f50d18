// What a router's saved detection can still answer without asking the router again. A detection
// is the router's only while nothing in its profile changed after it: an edit of the address,
// port, login or jump host (or a re-pinned host key) may point the profile at another machine,
// and any edit moves `updatedMs` past `detectedMs` (a detection sets both), so then it is stale.
import { detectionResultSchema } from '../../../shared/detect-schemas.ts';
import type { WanKind } from '../../../shared/model.ts';
import type { RouterRecord } from '../store/router-repository.ts';

/** The kind of each uplink device the saved detection found; null when none or no longer current. */
export function currentDetectedKinds(record: Pick<RouterRecord, 'facts' | 'detectedMs' | 'updatedMs'>): ReadonlyMap<string, WanKind> | null {
  if (!record.facts || record.detectedMs === null || record.detectedMs < record.updatedMs) return null;
  const parsed = detectionResultSchema.safeParse(record.facts);
  if (!parsed.success) return null;
  return new Map(parsed.data.uplinks.flatMap((u) => (u.device ? [[u.device, u.kind] as const] : [])));
}
