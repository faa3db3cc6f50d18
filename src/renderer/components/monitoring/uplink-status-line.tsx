// What the monitor says about one uplink's probe, in one short line: its state, what it probes
// with, where throughput comes from, and any message (a missing tool, with how to install it).
import { Badge, Group, Text } from '@mantine/core';
import { memo } from 'react';
import type { MonitorStatus } from '../../../shared/api/monitor-schemas.ts';

type UplinkStatus = MonitorStatus['uplinks'][number];

const stateColors: Readonly<Record<UplinkStatus['state'], string>> = { starting: 'blue', running: 'teal', restarting: 'yellow', failed: 'red', stopped: 'gray', standby: 'gray' };
const stateWords: Readonly<Record<UplinkStatus['state'], string>> = { starting: 'starting', running: 'probing', restarting: 'restarting', failed: 'probe failed', stopped: 'stopped', standby: 'standing by' };

export function throughputSourceLabel(source: MonitorStatus['throughputSource']): string {
  switch (source) {
    case 'snmp':
      return 'throughput from SNMP';
    case 'proc-net-dev':
      return 'throughput from /proc/net/dev over SSH';
    case 'none':
      return 'no throughput source';
  }
}

export const UplinkStatusLine = memo(function UplinkStatusLine({ uplink, status }: { uplink: UplinkStatus | undefined; status: MonitorStatus | null }) {
  if (!uplink || !status) {
    return (
      <Text size="xs" c="dimmed" data-testid="uplink-status">
        Not watched now: this uplink only has history.
      </Text>
    );
  }
  return (
    <Group gap={6} wrap="wrap" data-testid="uplink-status" data-state={uplink.state}>
      <Badge size="xs" variant="light" color={stateColors[uplink.state]}>
        {stateWords[uplink.state]}
      </Badge>
      {uplink.scope === 'gateway' && (
        <Badge size="xs" variant="outline" color="yellow" data-testid="uplink-scope" title={uplink.scopeNote ?? undefined}>
          gateway only
        </Badge>
      )}
      <Text size="xs" c="dimmed">
        {uplink.method} {uplink.target ?? 'no target'} via {uplink.device} · {throughputSourceLabel(status.throughputSource)}
      </Text>
      {uplink.scopeNote && (
        <Text size="xs" c="yellow.8" data-testid="uplink-scope-note">
          {uplink.scopeNote}
        </Text>
      )}
      {uplink.message && (
        <Text size="xs" c={uplink.state === 'failed' ? 'red' : 'yellow.8'} data-testid="uplink-message">
          {uplink.message}
        </Text>
      )}
    </Group>
  );
});
