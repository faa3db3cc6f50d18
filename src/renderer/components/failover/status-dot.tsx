// The coloured dot GL.iNet users know, always with the state in words beside it (colour
// alone says nothing to a colour-blind technician or a screen reader).
import { Box, Group, Text } from '@mantine/core';
import type { LinkState } from '../../../shared/model.ts';
import { stateColor, stateLabel } from './uplink-label.ts';

/**
 * `checking`: the engine has no probe result yet, so its state is only its initial assumption.
 * `unwatched`: failover is off, so an unknown state is no failure: nothing judges the uplink.
 */
export function StatusDot({ state, checking = false, unwatched = false }: { state: LinkState; checking?: boolean; unwatched?: boolean }) {
  const color = checking ? 'blue' : stateColor(state);
  const notWatched = unwatched && state === 'unknown';
  const title = checking
    ? 'No probe result from the router yet: its state is not known until the first one'
    : notWatched
      ? 'Failover is off: no engine on the router watches this uplink. The Monitoring tab measures it.'
      : undefined;
  return (
    <Group gap={6} wrap="nowrap" data-testid="wan-state" data-state={checking ? 'checking' : notWatched ? 'not-watched' : state} data-color={color} title={title}>
      <Box w={10} h={10} style={{ borderRadius: '50%', flexShrink: 0 }} bg={`${color}.6`} aria-hidden />
      <Text size="sm">{checking ? 'Checking…' : notWatched ? 'Not watched (failover off)' : stateLabel(state)}</Text>
    </Group>
  );
}
