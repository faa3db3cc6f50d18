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

/** A moment as the app shows it everywhere: "Dec 5, 15:59:36", local time, 24-hour clock. */
const dateTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export function dateTimeText(ms: number): string {
  return dateTime.format(ms);
}
