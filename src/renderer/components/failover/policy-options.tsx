// How the uplinks work together: Failover (one at a time, in priority order) or Load balance
// (spread by ratio), Forced Refresh Streams, and the resulting order with its route metrics.
import { Card, Group, SegmentedControl, Stack, Switch, Text, Title, Tooltip } from '@mantine/core';
import type { DriverCapabilities, WanCandidate } from '../../../shared/failover-schemas.ts';
import type { FailoverPolicy } from '../../../shared/model.ts';
import { useFailoverStore } from '../../stores/failover-store.ts';
import { balanceShares, type PolicyIssues } from './policy-issues.ts';
import { uplinkLabel } from './uplink-label.ts';

export function PolicyOptions(props: { routerId: string; draft: FailoverPolicy; capabilities: DriverCapabilities; candidates: readonly WanCandidate[]; issues: PolicyIssues; locked: boolean }) {
  const { routerId, draft, capabilities, candidates, issues, locked } = props;
  const { setMode, setForcedRefreshStreams } = useFailoverStore.getState();
  const enabled = draft.wans.filter((w) => w.enabled);
  const shares = balanceShares(draft);
  const metric = (device: string) => candidates.find((c) => c.device === device)?.metric;
  const modeControl = (
    <SegmentedControl
      aria-label="Mode"
      data-testid="mode-switch"
      disabled={locked}
      value={draft.mode}
      onChange={(value) => setMode(routerId, value as FailoverPolicy['mode'])}
      data={[
        { value: 'failover', label: 'Failover' },
        { value: 'balance', label: 'Load balance', disabled: !capabilities.supportsLoadBalance },
      ]}
    />
  );
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Group justify="space-between" align="center">
          <Title order={4}>Mode</Title>
          {capabilities.supportsLoadBalance ? modeControl : <Tooltip label="This router cannot load-balance">{modeControl}</Tooltip>}
        </Group>
        <Text size="sm" c="dimmed">
          {draft.mode === 'failover'
            ? 'New connections use the highest-priority uplink that passes its checks; when it fails, the next one takes over. New connections go back to the primary once it passes its checks again. Drag the cards (or focus a handle and press Space) to change the order.'
            : 'New connections are spread over the uplinks by their ratio; when one fails, the others carry everything.'}
        </Text>
        {issues.mode && (
          <Text size="sm" c="red" role="alert">
            {issues.mode}
          </Text>
        )}
        {draft.mode === 'failover' && (
          <Switch
            data-testid="forced-refresh-switch"
            label="Forced Refresh Streams"
            description="Also moves the connections still running on the backup when the primary comes back (calls and VPNs reconnect). Without it only new connections go back to the primary."
            checked={draft.forcedRefreshStreams}
            disabled={locked || !capabilities.supportsForcedRefreshStreams}
            onChange={(e) => setForcedRefreshStreams(routerId, e.currentTarget.checked)}
          />
        )}
        <Text size="sm" data-testid="routing-order">
          {enabled.length === 0
            ? 'No uplink is turned on.'
            : draft.mode === 'failover'
              ? `Order: ${enabled.map((w) => `${uplinkLabel(w)} (metric ${metric(w.device) ?? '—'})`).join(' → ')}`
              : `Shares: ${enabled.map((w) => `${uplinkLabel(w)} ${shares.get(w.name) ?? 0} %`).join(', ')}`}
        </Text>
      </Stack>
    </Card>
  );
}
