// How the uplinks work together: Failover (one at a time, in priority order) or Load balance
// (spread by ratio), Forced Refresh Streams, and the resulting order with its route metrics.
import { Card, Group, SegmentedControl, Stack, Switch, Text, Title, Tooltip } from '@mantine/core';
import type { DriverCapabilities } from '../../../shared/failover-schemas.ts';
import type { FailoverPolicy } from '../../../shared/model.ts';
import { useFailoverStore } from '../../stores/failover-store.ts';
import { DampeningControl } from './dampening-control.tsx';
import { balanceShares, type PolicyIssues } from './policy-issues.ts';
import { uplinkLabel } from './uplink-label.ts';

/** The words for what happens when the primary recovers: the same on every platform (issue 12 item 3). */
export const returnToPrimaryWords =
  "New connections go back to the primary once it passes its checks; Forced Refresh Streams also moves the connections still running on the backup; 'Stay on the backup until I switch back' is its own option.";

export function PolicyOptions(props: { routerId: string; draft: FailoverPolicy; capabilities: DriverCapabilities; issues: PolicyIssues; locked: boolean }) {
  const { routerId, draft, capabilities, issues, locked } = props;
  const { setMode, setForcedRefreshStreams, setStayOnBackup } = useFailoverStore.getState();
  const enabled = draft.wans.filter((w) => w.enabled);
  const shares = balanceShares(draft);
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
            ? 'New connections use the highest-priority uplink that passes its checks; when it fails, the next one takes over. Drag the cards (or focus a handle and press Space) to change the order.'
            : 'New connections are spread over the uplinks by their ratio; when one fails, the others carry everything.'}
        </Text>
        {issues.mode && (
          <Text size="sm" c="red" role="alert">
            {issues.mode}
          </Text>
        )}
        {draft.mode === 'failover' && (
          <Stack gap="xs" data-testid="return-to-primary">
            <Text size="sm" fw={600}>
              When the primary comes back
            </Text>
            <Text size="sm" data-testid="return-to-primary-words">
              {returnToPrimaryWords}
            </Text>
            <Switch
              data-testid="forced-refresh-switch"
              label="Forced Refresh Streams"
              description="Also moves the connections still running on the backup when the primary comes back (calls and VPNs reconnect). Without it only new connections go back to the primary."
              checked={draft.forcedRefreshStreams}
              disabled={locked || !capabilities.supportsForcedRefreshStreams}
              onChange={(e) => setForcedRefreshStreams(routerId, e.currentTarget.checked)}
            />
            {(capabilities.supportsStayOnBackup || draft.stayOnBackup) && (
              <Switch
                data-testid="stay-on-backup-switch"
                label="Stay on the backup until I switch back"
                description="After a failover the router keeps using the backup, even once the primary passes its checks again, until you choose “Use this link now” on the primary and then “Back to automatic”."
                checked={!!draft.stayOnBackup}
                disabled={locked}
                onChange={(e) => setStayOnBackup(routerId, e.currentTarget.checked)}
              />
            )}
          </Stack>
        )}
        <DampeningControl routerId={routerId} draft={draft} capabilities={capabilities} issue={issues.dampening} locked={locked} />
        <Text size="sm" data-testid="routing-order">
          {enabled.length === 0
            ? 'No uplink is turned on.'
            : draft.mode === 'failover'
              ? `Order: ${enabled.map((w, i) => `${i + 1}. ${uplinkLabel(w)}`).join(' → ')}`
              : `Shares: ${enabled.map((w) => `${uplinkLabel(w)} ${shares.get(w.name) ?? 0} %`).join(', ')}`}
        </Text>
      </Stack>
    </Card>
  );
}
