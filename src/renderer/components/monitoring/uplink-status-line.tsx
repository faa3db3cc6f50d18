// What the monitor says about one uplink's probe, in one short line: its state, what it probes
// with, where throughput comes from, and any message (a missing tool, with how to install it).
import { Badge, Button, Group, Switch, Text } from '@mantine/core';
import { memo, useState } from 'react';
import type { MonitorStatus } from '../../../shared/api/monitor-schemas.ts';
import { api, errorMessage } from '../../api/api.ts';
import { useMonitoringStore } from '../../stores/monitoring-store.ts';

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
        <Text size="xs" c={uplink.state === 'failed' ? 'red' : uplink.state === 'standby' ? 'dimmed' : 'yellow.8'} data-testid="uplink-message">
          {uplink.message}
        </Text>
      )}
      {uplink.standbyProbe !== undefined && <StandbyControls routerId={status.routerId} uplink={uplink} />}
    </Group>
  );
});

/**
 * A backup the router probes only when needed: the monitor leaves it alone while it stands by;
 * the user may probe it once (five echoes) or every second (the data the preset saves).
 */
function StandbyControls({ routerId, uplink }: { routerId: string; uplink: UplinkStatus }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ask = async (probe: 'once' | 'always' | 'when-needed') => {
    setBusy(true);
    setError(null);
    try {
      await api.call('monitor.probeStandby', { routerId, wan: uplink.wan, probe });
      await useMonitoringStore.getState().refreshStatus(routerId);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Group gap={6} wrap="wrap" data-testid="standby-controls">
      {uplink.state === 'standby' && (
        <Button size="compact-xs" variant="light" loading={busy} onClick={() => void ask('once')} data-testid="standby-probe-now">
          Probe now
        </Button>
      )}
      {uplink.standbyProbe === 'once' && (
        <Text size="xs" c="dimmed">
          probing it five times…
        </Text>
      )}
      <Switch
        size="xs"
        label="Probe it every second anyway (uses its data)"
        checked={uplink.standbyProbe === 'always'}
        disabled={busy}
        onChange={(e) => void ask(e.currentTarget.checked ? 'always' : 'when-needed')}
        data-testid="standby-probe-always"
      />
      {error && (
        <Text size="xs" c="red">
          {error}
        </Text>
      )}
    </Group>
  );
}
