// The head of an uplink card: kind icon, name, live state, the active marker, and the facts a
// technician checks first (device, gateway, route metric). Shared by every failover view.
import { Badge, Group, Stack, Text } from '@mantine/core';
import { IconCheck, IconHandFinger } from '@tabler/icons-react';
import type { WanCandidate, WanStatus } from '../../../shared/failover-schemas.ts';
import type { Tracking, WanKind } from '../../../shared/model.ts';
import { awaitingFirstProbe } from '../../../shared/probed-words.ts';
import { standbyLine } from '../../../shared/standby-words.ts';
import { WanKindIcon } from '../wan-kind-icon.tsx';
import { StatusDot } from './status-dot.tsx';
import { clockTime, gatewayText, uplinkLabel } from './uplink-label.ts';

export function UplinkSummary(props: {
  name: string;
  kind: WanKind;
  device: string;
  gateway: string | undefined;
  candidate: WanCandidate | undefined;
  status: WanStatus | undefined;
  forced: boolean;
  /** The policy's tracking: what standing by saves. */
  tracking?: Tracking | undefined;
  /** Failover is off: an unknown state means nothing on the router watches the uplink. */
  unwatched?: boolean;
  /** The route metrics shown are from before a manual failover: the router is being read again. */
  metricsStale?: boolean;
}) {
  const { name, kind, device, gateway, candidate, status, forced } = props;
  // The card re-renders at every status poll (≤ 1 s while monitored), which keeps "ago" current.
  const standby = standbyLine(status, props.tracking, Date.now());
  const facts = [
    `Device ${device}`,
    gatewayText(gateway, candidate),
    candidate?.address ? `address ${candidate.address}${candidate.prefixLen !== undefined ? `/${candidate.prefixLen}` : ''}` : null,
    `route metric ${candidate?.metric ?? '—'}${props.metricsStale ? ' (reading the router again…)' : ''}`,
  ].filter(Boolean);
  return (
    <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
      <Group gap="sm" wrap="wrap">
        <WanKindIcon kind={kind} size={20} />
        <Text fw={600}>{uplinkLabel({ kind, name })}</Text>
        <StatusDot state={status?.state ?? 'unknown'} checking={awaitingFirstProbe(status)} unwatched={props.unwatched === true} />
        {status?.active && (
          <Badge color="teal" leftSection={<IconCheck size={12} />} data-testid="wan-active">
            Active
          </Badge>
        )}
        {status?.standby && (
          <Badge color="gray" variant="light" data-testid="wan-standby">
            Standing by
          </Badge>
        )}
        {forced && (
          <Badge color="orange" variant="light" leftSection={<IconHandFinger size={12} />} data-testid="wan-forced">
            Forced by hand
          </Badge>
        )}
      </Group>
      <Text size="sm" c="dimmed" data-testid="wan-facts">
        {facts.join(' · ')}
      </Text>
      {standby && (
        <Text size="sm" c={status?.standby ? 'dimmed' : 'teal.8'} data-testid="wan-standby-line" title={status?.lastReplyAtMs !== undefined ? `Last answered the router at ${clockTime(status.lastReplyAtMs)}` : undefined}>
          {standby}
          {status?.standby && status.lastReplyAtMs !== undefined ? ` (${clockTime(status.lastReplyAtMs)})` : ''}
        </Text>
      )}
      {status?.detail && (
        <Text size="xs" c="dimmed" data-testid="wan-detail">
          {status.detail}
        </Text>
      )}
    </Stack>
  );
}
