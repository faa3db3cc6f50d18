// One icon per kind of uplink, with its name for screen readers.
import { IconAntenna, IconDeviceMobile, IconNetwork, IconWifi } from '@tabler/icons-react';
import type { WanKind } from '../../shared/model.ts';

const labels: Record<WanKind, string> = { ethernet: 'Ethernet', repeater: 'Repeater (Wi-Fi)', tethering: 'Tethering (phone)', cellular: 'Cellular' };

export function WanKindIcon({ kind, size = 18 }: { kind: WanKind; size?: number }) {
  const props = { size, 'aria-label': labels[kind], role: 'img' };
  switch (kind) {
    case 'ethernet':
      return <IconNetwork {...props} />;
    case 'repeater':
      return <IconWifi {...props} />;
    case 'tethering':
      return <IconDeviceMobile {...props} />;
    case 'cellular':
      return <IconAntenna {...props} />;
  }
}

export function wanKindLabel(kind: WanKind): string {
  return labels[kind];
}
