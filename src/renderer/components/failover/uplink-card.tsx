// One uplink in the priority list: what it is and how it is doing, its place in the order (or
// its load-balance ratio), and the buttons to tune it or put traffic on it now.
import { ActionIcon, Badge, Box, Button, Card, Group, NumberInput, Stack, Switch, Text, Tooltip } from '@mantine/core';
import { IconGripVertical, IconSettings } from '@tabler/icons-react';
import type { DraggableProvidedDragHandleProps } from '@hello-pangea/dnd';
import type { WanCandidate, WanStatus } from '../../../shared/failover-schemas.ts';
import type { FailoverPolicy, Wan } from '../../../shared/model.ts';
import { UplinkSummary } from './uplink-summary.tsx';
import { formatSeconds, uplinkLabel } from './uplink-label.ts';

export interface UplinkCardProps {
  wan: Wan;
  index: number;
  total: number;
  mode: FailoverPolicy['mode'];
  candidate: WanCandidate | undefined;
  status: WanStatus | undefined;
  /** Share of new connections in balance mode, in percent; undefined when turned off. */
  sharePct: number | undefined;
  /** Worst-case seconds until traffic leaves this uplink when it fails; null when nothing follows it. */
  predictedSec: number | null;
  issues: readonly string[];
  locked: boolean;
  forced: boolean;
  /** Some uplink (maybe another) is forced, so the active marker reflects a hand choice. */
  anyForced: boolean;
  /** Manual failover is possible: the router runs this uplink in its applied policy. */
  canForce: boolean;
  forcing: boolean;
  /** The route metrics are from before a manual failover, being read again. */
  metricsStale: boolean;
  /** Moving traffic by hand clears the connections through the uplink left (the Linux agent does). */
  forceClearsConnections: boolean;
  dragHandleProps: DraggableProvidedDragHandleProps | null;
  onSettings(): void;
  onForce(): void;
  onEnabled(enabled: boolean): void;
  onWeight(weight: number): void;
}

export function UplinkCard(props: UplinkCardProps) {
  const { wan, index, total, mode, issues, locked } = props;
  const label = uplinkLabel(wan);
  return (
    <Card
      withBorder
      padding="sm"
      data-testid="wan-card"
      data-wan={wan.name}
      opacity={wan.enabled ? 1 : 0.7}
      // Cards are moved by their handle: a drag started elsewhere on the card would select the
      // page's text instead (the card holds no text field in this mode).
      style={{ ...(issues.length > 0 && { borderColor: 'var(--mantine-color-red-6)' }), ...(mode === 'failover' && { userSelect: 'none' }) }}
    >
      <Group align="flex-start" wrap="nowrap" gap="sm">
        {mode === 'failover' && (
          <Box
            {...props.dragHandleProps}
            aria-label={`Move ${label}, priority ${index + 1} of ${total}`}
            style={{ cursor: locked ? 'default' : 'grab', paddingTop: 4, display: 'flex', alignItems: 'center', gap: 4 }}
            data-testid="wan-drag-handle"
          >
            <IconGripVertical size={18} aria-hidden />
            <Badge variant="filled" color={wan.enabled ? 'blue' : 'gray'} circle size="lg" aria-hidden>
              {index + 1}
            </Badge>
          </Box>
        )}
        <UplinkSummary name={wan.name} kind={wan.kind} device={wan.device} gateway={wan.gateway} candidate={props.candidate} status={props.status} forced={props.forced} tracking={wan.tracking} metricsStale={props.metricsStale} />
        <Group gap="xs" wrap="nowrap">
          {props.canForce && !props.forced && !locked && !(props.status?.active && !props.anyForced) && (
            <Button
              size="xs"
              variant="light"
              loading={props.forcing}
              onClick={props.onForce}
              title={`Moves all traffic to ${wan.name} now${props.forceClearsConnections ? `. Connections through the uplink it leaves are cleared, so they start again on ${wan.name} (calls and VPNs reconnect)` : ''}.`}
              // Forcing traffic onto a dead link would cut everyone off.
              disabled={!wan.enabled || props.status?.state === 'offline' || props.status?.state === 'disabled'}
            >
              Use this link now
            </Button>
          )}
          <Tooltip label={`Settings of ${label}`}>
            <ActionIcon variant="default" size="lg" aria-label={`Settings of ${label}`} onClick={props.onSettings} disabled={locked} data-testid="wan-settings">
              <IconSettings size={18} />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>
      <Group mt="xs" gap="lg" align="flex-end">
        <Switch label="Use this uplink" checked={wan.enabled} disabled={locked} onChange={(e) => props.onEnabled(e.currentTarget.checked)} />
        {mode === 'failover' ? (
          <Text size="sm" c="dimmed">
            {wan.enabled ? `Priority ${index + 1} of ${total}` : 'Not used for failover'}
            {wan.enabled && props.predictedSec !== null && ` · if it fails, traffic moves within about ${formatSeconds(props.predictedSec)}`}
          </Text>
        ) : (
          <Group gap="xs" align="flex-end">
            <NumberInput
              label="Ratio"
              aria-label={`Ratio of ${label}`}
              w={150}
              size="xs"
              min={1}
              max={100}
              allowDecimal={false}
              disabled={locked || !wan.enabled}
              value={Number.isNaN(wan.weight) ? '' : wan.weight}
              onChange={(value) => props.onWeight(value === '' ? Number.NaN : Number(value))}
              data-testid="wan-weight"
            />
            <Text size="sm" fw={600} pb={4} data-testid="wan-share">
              {props.sharePct === undefined ? '—' : `${props.sharePct} % of new connections`}
            </Text>
          </Group>
        )}
      </Group>
      {issues.length > 0 && (
        <Stack gap={2} mt="xs" data-testid="wan-issues">
          {issues.map((issue) => (
            <Text key={issue} size="sm" c="red">
              {issue}
            </Text>
          ))}
        </Stack>
      )}
    </Card>
  );
}
