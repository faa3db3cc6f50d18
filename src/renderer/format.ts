// Words and numbers as the UI shows them.
import type { PlatformId } from '../shared/model.ts';

const platformLabels: Record<PlatformId, string> = {
  'openwrt-mwan3': 'OpenWrt (mwan3)',
  'glinet-kmwan': 'GL.iNet 4.x (kmwan)',
  linux: 'Linux (Switchyard agent)',
  routeros: 'MikroTik RouterOS',
  unknown: 'Unknown',
};

export function platformLabel(platform: PlatformId): string {
  return platformLabels[platform];
}
