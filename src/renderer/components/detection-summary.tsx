// What detection found: the platform in plain words, warnings, and the uplink candidates.
import { Alert, Badge, Group, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import type { DetectionResult } from '../../shared/detect-schemas.ts';
import { platformLabel } from '../format.ts';
import { WanKindIcon } from './wan-kind-icon.tsx';

export function DetectionSummary({ detection }: { detection: DetectionResult }) {
  return (
    <Stack data-testid="detection-summary">
      <Alert color={detection.supported ? 'teal' : 'yellow'} icon={detection.supported ? <IconCircleCheck /> : <IconAlertTriangle />} title={platformLabel(detection.platform)}>
        <Text size="sm">{detection.reason}</Text>
      </Alert>
      {detection.warnings.map((warning) => (
        <Alert key={warning} color="yellow" variant="light">
          <Text size="sm">{warning}</Text>
        </Alert>
      ))}
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Uplink</Table.Th>
            <Table.Th>Device</Table.Th>
            <Table.Th>Address</Table.Th>
            <Table.Th>Gateway</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {detection.uplinks.map((uplink) => (
            <Table.Tr key={`${uplink.name}/${uplink.device ?? ''}`} data-testid="uplink-row">
              <Table.Td>
                <Group gap="xs">
                  <WanKindIcon kind={uplink.kind} />
                  <Text size="sm">{uplink.name}</Text>
                  {uplink.hasDefaultRoute && <Badge size="xs" variant="light">default route</Badge>}
                </Group>
              </Table.Td>
              <Table.Td>{uplink.device ?? '—'}</Table.Td>
              <Table.Td>{uplink.address ? `${uplink.address}/${uplink.prefixLen ?? ''}` : '—'}</Table.Td>
              <Table.Td>{uplink.gateway ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
