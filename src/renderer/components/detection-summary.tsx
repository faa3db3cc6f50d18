// What detection found: the platform in plain words, warnings, and the uplink candidates.
import { Alert, Badge, Group, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import type { DetectionResult, UplinkCandidate } from '../../shared/detect-schemas.ts';
import { platformLabel } from '../format.ts';
import { WanKindIcon, wanKindLabel } from './wan-kind-icon.tsx';

const gatewaySourceWords: Readonly<Record<NonNullable<UplinkCandidate['gatewaySource']>, string>> = {
  route: 'from its route',
  netifd: 'from the router’s network settings',
  lease: 'from its DHCP lease',
  peer: 'the other end of the link',
  neighbour: 'answered on this link',
  answered: 'answered a ping on this link',
};

/** The gateway and where it came from; when nothing on the router names it, the likely one. */
function GatewayCell({ uplink }: { uplink: UplinkCandidate }) {
  if (uplink.gateway !== undefined) {
    return (
      <Stack gap={0}>
        <Text size="sm">{uplink.gateway}</Text>
        {uplink.gatewaySource && (
          <Text size="xs" c="dimmed">
            {gatewaySourceWords[uplink.gatewaySource]}
          </Text>
        )}
      </Stack>
    );
  }
  return (
    <Text size="sm" c="dimmed">
      {uplink.suggestedGateway ? `not found: probably ${uplink.suggestedGateway}` : 'not found'}
    </Text>
  );
}

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
                  <Text size="xs" c="dimmed">
                    {wanKindLabel(uplink.kind)}
                  </Text>
                  {uplink.hasDefaultRoute && <Badge size="xs" variant="light">default route</Badge>}
                </Group>
              </Table.Td>
              <Table.Td>{uplink.device ?? '—'}</Table.Td>
              <Table.Td>{uplink.address ? `${uplink.address}/${uplink.prefixLen ?? ''}` : '—'}</Table.Td>
              <Table.Td>
                <GatewayCell uplink={uplink} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
