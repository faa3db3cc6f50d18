// The coloured dot GL.iNet users know, always with the state in words beside it (colour
// alone says nothing to a colour-blind technician or a screen reader).
import { Box, Group, Text } from '@mantine/core';
import type { LinkState } from '../../../shared/model.ts';
import { stateColor, stateLabel } from './uplink-label.ts';

/** `checking`: the engine has no probe result yet, so its state is only its initial assumption. */
export function StatusDot({ state, checking = false }: { state: LinkState; checking?: boolean }) {
  const color = checking ? 'blue' : stateColor(state);
  return (
    <Group gap={6} wrap="nowrap" data-testid="wan-state" data-state={checking ? 'checking' : state} data-color={color} title={checking ? 'No probe result from the router yet: its state is not known until the first one' : undefined}>
      <Box w={10} h={10} style={{ borderRadius: '50%', flexShrink: 0 }} bg={`${color}.6`} aria-hidden />
      <Text size="sm">{checking ? 'Checking…' : stateLabel(state)}</Text>
    </Group>
  );
}
