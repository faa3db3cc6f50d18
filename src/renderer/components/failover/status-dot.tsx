// The coloured dot GL.iNet users know, always with the state in words beside it (colour
// alone says nothing to a colour-blind technician or a screen reader).
import { Box, Group, Text } from '@mantine/core';
import type { LinkState } from '../../../shared/model.ts';
import { stateColor, stateLabel } from './uplink-label.ts';

export function StatusDot({ state }: { state: LinkState }) {
  return (
    <Group gap={6} wrap="nowrap" data-testid="wan-state" data-state={state} data-color={stateColor(state)}>
      <Box w={10} h={10} style={{ borderRadius: '50%', flexShrink: 0 }} bg={`${stateColor(state)}.6`} aria-hidden />
      <Text size="sm">{stateLabel(state)}</Text>
    </Group>
  );
}
