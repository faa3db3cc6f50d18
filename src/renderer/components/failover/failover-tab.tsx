// The WAN Failover tab: loads what the router has, polls its live status every second while the
// tab is open, and shows one of: loading, error, watch-only, off (Enable), or the editor.
import { Alert, Badge, Button, Card, Center, Group, List, Loader, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconArrowBackUp, IconCircleCheck, IconPlugConnectedX } from '@tabler/icons-react';
import { useEffect } from 'react';
import type { PlatformId } from '../../../shared/model.ts';
import { useFailoverStore, useRouterFailover, type FailoverSnapshot, type RouterFailover } from '../../stores/failover-store.ts';
import { ApplyPanel, ErrorWithNextStep } from './apply-panel.tsx';
import { FailoverEvents } from './failover-events.tsx';
import { Leftovers, useLeftovers } from './leftovers.tsx';
import { PolicyOptions } from './policy-options.tsx';
import { RemoveFailoverButton } from './remove-failover.tsx';
import { TargetQualification } from './target-qualification.tsx';
import { TimingPresets } from './timing-presets.tsx';
import { UplinkList } from './uplink-list.tsx';
import { UplinkSummary } from './uplink-summary.tsx';
import { uplinkLabel } from './uplink-label.ts';

/**
 * `cannotChange`: detection's reason when Switchyard cannot change this router (a login without root or sudo, ip missing).
 * `rebootCaveat`: detection's reason why failover would not start again by itself after a reboot.
 */
export function FailoverTab({ routerId, cannotChange = null, rebootCaveat = null }: { routerId: string; cannotChange?: string | null; rebootCaveat?: string | null }) {
  const state = useRouterFailover(routerId);
  const open = useFailoverStore((s) => s.open);
  const startPolling = useFailoverStore((s) => s.startPolling);

  useEffect(() => {
    void open(routerId);
    return startPolling(routerId);
  }, [routerId, open, startPolling]);

  if (state.load === 'error' && state.loadError) {
    return (
      <Stack data-testid="failover-tab" data-view="error">
        <ErrorWithNextStep error={state.loadError} routerId={routerId} context="load" onRetry={() => void useFailoverStore.getState().open(routerId)} />
      </Stack>
    );
  }
  if (!state.snapshot) {
    return (
      <Center py="xl" data-testid="failover-tab" data-view="loading">
        <Group gap="sm">
          <Loader size="sm" />
          <Text>Reading the failover settings from the router…</Text>
        </Group>
      </Center>
    );
  }
  const { snapshot } = state;
  if (snapshot.capabilities.readOnly) return <WatchOnly state={state} snapshot={snapshot} />;
  if (!state.draft) return <FailoverOff routerId={routerId} state={state} snapshot={snapshot} cannotChange={cannotChange} />;
  return <FailoverEditor routerId={routerId} state={state} snapshot={snapshot} rebootCaveat={rebootCaveat} />;
}

/** `orphaned`: the router's agent moves traffic although its settings are gone (failover reads as off). */
function Header({ routerId, state, snapshot, orphaned = false }: { routerId: string; state: RouterFailover; snapshot: FailoverSnapshot; orphaned?: boolean }) {
  const { force } = useFailoverStore.getState();
  const status = state.status;
  // The router's own word first: during the confirm window it already runs the new policy.
  const on = status ? status.enabled : !!snapshot.policy;
  const busyApplying = ['applying', 'pending-confirm', 'connection-lost'].includes(state.phase.kind);
  return (
    <Stack gap="xs">
      <Group justify="space-between" wrap="wrap">
        <Group gap="sm">
          <Title order={3}>WAN failover</Title>
          <Badge color={on ? 'teal' : orphaned ? 'yellow' : 'gray'} variant="light" data-testid="failover-enabled">
            {on ? (status?.mode === 'balance' ? 'On · load balance' : 'On · failover') : orphaned ? 'Running without its settings' : 'Off'}
          </Badge>
          {status?.pendingRevertAtMs != null && (
            <Badge color="yellow" variant="light" data-testid="failover-pending">
              Waiting for your confirmation
            </Badge>
          )}
          {status && status.forced !== 'auto' && (
            <Badge color="orange" variant="light">
              Forced onto {forcedLabel(snapshot, status.forced)}
            </Badge>
          )}
        </Group>
        <Group gap="xs">
          {status && status.forced !== 'auto' && snapshot.capabilities.supportsManualFailover && (
            <Button
              variant="light"
              color="orange"
              leftSection={<IconArrowBackUp size={16} />}
              loading={state.forcing === 'auto'}
              onClick={() => void force(routerId, 'auto')}
              title={`The router chooses the uplink again by its priorities${snapshot.platform === 'linux' ? '. If that moves traffic, connections through the uplink it leaves are cleared so they start again at once, whatever Forced Refresh Streams says (that setting is for a recovered primary)' : ''}.`}
              data-testid="back-to-automatic"
            >
              Back to automatic
            </Button>
          )}
          {on && !busyApplying && (
            <RemoveFailoverButton routerId={routerId} />
          )}
        </Group>
      </Group>
      {state.forceError && (
        <Alert color="red" withCloseButton onClose={() => useFailoverStore.getState().clearForceError(routerId)}>
          Manual failover did not happen: {state.forceError.message}
        </Alert>
      )}
      {state.statusError && state.phase.kind !== 'pending-confirm' && state.phase.kind !== 'connection-lost' && (
        <Alert color="yellow" icon={<IconPlugConnectedX />} data-testid="status-stale">
          The router is not answering ({state.statusError.message}); the states below are the last ones seen. Switchyard keeps trying every second.
        </Alert>
      )}
    </Stack>
  );
}

function forcedLabel(snapshot: FailoverSnapshot, name: string): string {
  const wan = snapshot.policy?.wans.find((w) => w.name === name) ?? snapshot.candidates.find((c) => c.name === name);
  return wan ? uplinkLabel(wan) : name;
}

function FailoverEditor({ routerId, state, snapshot, rebootCaveat }: { routerId: string; state: RouterFailover; snapshot: FailoverSnapshot; rebootCaveat: string | null }) {
  const draft = state.draft!;
  const locked = ['planning', 'applying', 'pending-confirm', 'connection-lost'].includes(state.phase.kind);
  return (
    <Stack data-testid="failover-tab" data-view="editor">
      <Header routerId={routerId} state={state} snapshot={snapshot} />
      <ApplyPanel routerId={routerId} state={state} rebootCaveat={rebootCaveat} />
      <PolicyOptions routerId={routerId} draft={draft} capabilities={snapshot.capabilities} issues={state.issues} locked={locked} />
      <Group justify="space-between" align="baseline">
        <Title order={4}>Uplinks</Title>
        <Text size="sm" c="dimmed">
          {draft.mode === 'failover' ? 'Drag a card by its handle (or focus the handle and press Space) to change the priority.' : 'Set a ratio per uplink.'}
        </Text>
      </Group>
      <UplinkList routerId={routerId} state={state} locked={locked} />
      <TimingPresets routerId={routerId} platform={snapshot.platform} draft={draft} locked={locked} />
      <TargetQualification routerId={routerId} platform={snapshot.platform} draft={draft} locked={locked} />
      {state.status && <FailoverEvents events={state.status.events} />}
    </Stack>
  );
}

function FailoverOff({ routerId, state, snapshot, cannotChange }: { routerId: string; state: RouterFailover; snapshot: FailoverSnapshot; cannotChange: string | null }) {
  const enable = useFailoverStore((s) => s.enable);
  const leftovers = useLeftovers(routerId, state.phase.kind);
  // Only Switchyard's own agent moves traffic on plain Linux: elsewhere the router's own engine (mwan3, kmwan) runs with failover off too.
  const carrying = snapshot.platform === 'linux' ? (state.status?.wans.filter((w) => w.active).map((w) => w.wan) ?? []) : [];
  const orphaned = leftovers.length > 0 && carrying.length > 0;
  return (
    <Stack data-testid="failover-tab" data-view="off">
      <Header routerId={routerId} state={state} snapshot={snapshot} orphaned={orphaned} />
      {state.phase.kind === 'removed' && (
        // Where the user lands after Remove: here, with what was put back and what comes next.
        <Alert color="teal" icon={<IconCircleCheck />} title="WAN failover removed" withCloseButton onClose={() => useFailoverStore.getState().dismiss(routerId)} data-testid="remove-result">
          <Stack gap={6}>
            <Text size="sm">The router is back as it was before Switchyard set up failover.{state.phase.restored.length > 0 ? ' What Remove did:' : ''}</Text>
            {state.phase.restored.length > 0 && (
              <List size="sm">
                {state.phase.restored.map((c) => (
                  <List.Item key={c}>{c}</List.Item>
                ))}
              </List>
            )}
            <Text size="sm">Failover is off on this router now: it no longer switches uplinks by itself. Monitoring still works, and you can enable failover again below.</Text>
          </Stack>
        </Alert>
      )}
      <Leftovers routerId={routerId} changes={leftovers} carrying={carrying} />
      <Card withBorder>
        <Stack gap="sm">
          <Text data-testid="failover-off-text">
            {orphaned
              ? 'Enable WAN failover gives the running agent new settings, which you review first; Remove (above) takes it out instead.'
              : 'WAN failover is off. Turn it on and the router switches to a backup uplink by itself when the main one fails — within seconds, and still when this computer is gone.'}
          </Text>
          {snapshot.candidates.length === 0 ? (
            <Text size="sm" c="dimmed">
              Switchyard found no uplinks on this router. Connect one and run detection again on the Overview tab.
            </Text>
          ) : cannotChange ? (
            <Alert color="yellow" icon={<IconAlertTriangle />} title="Switchyard cannot set up failover here yet" data-testid="failover-cannot-change">
              {cannotChange} Then run detection again on the Overview tab.
            </Alert>
          ) : (
            <Group>
              <Button onClick={() => enable(routerId)} data-testid="enable-failover">
                Enable WAN failover
              </Button>
              <Text size="sm" c="dimmed">
                You review every change before it reaches the router.
              </Text>
            </Group>
          )}
        </Stack>
      </Card>
      <CandidateCards state={state} snapshot={snapshot} unwatched />
    </Stack>
  );
}

function WatchOnly({ state, snapshot }: { state: RouterFailover; snapshot: FailoverSnapshot }) {
  return (
    <Stack data-testid="failover-tab" data-view="read-only">
      <Title order={3}>WAN failover</Title>
      <Alert color="blue" title="Switchyard can only watch this router">
        {readOnlyReason(snapshot.platform)}
      </Alert>
      <CandidateCards state={state} snapshot={snapshot} />
      {state.status && <FailoverEvents events={state.status.events} />}
      {state.statusError && (
        <Text size="sm" c="yellow.8">
          The router is not answering; these are the last states seen.
        </Text>
      )}
    </Stack>
  );
}

function readOnlyReason(platform: PlatformId): string {
  switch (platform) {
    case 'openwrt-mwan3':
      return 'mwan3, the failover engine of OpenWrt, is not installed on this router, so there is nothing Switchyard could set up safely. Install the mwan3 package, then run detection again on the Overview tab.';
    case 'glinet-kmwan':
      return 'This GL.iNet router’s multi-WAN settings hold values GL.iNet’s own firmware does not write, so Switchyard will not change them. Use the router’s own admin page (Network → Multi-WAN) for changes; Switchyard shows the uplinks here.';
    case 'linux':
    case 'routeros':
    case 'unknown':
      return 'Switchyard cannot change failover on this router safely yet, so it shows the uplinks and their state without touching the settings.';
  }
}

/** `unwatched`: failover is off, so no engine on the router judges the uplinks' state. */
function CandidateCards({ state, snapshot, unwatched = false }: { state: RouterFailover; snapshot: FailoverSnapshot; unwatched?: boolean }) {
  const shownWans = snapshot.policy?.wans ?? snapshot.candidates;
  return (
    <Stack gap="sm">
      {shownWans.map((w) => {
        const candidate = snapshot.candidates.find((c) => c.device === w.device);
        return (
          <Card key={w.name} withBorder padding="sm" data-testid="wan-card" data-wan={w.name} aria-label={uplinkLabel(w)}>
            <UplinkSummary
              name={w.name}
              kind={w.kind}
              device={w.device}
              gateway={w.gateway}
              candidate={candidate}
              status={state.status?.wans.find((s) => s.wan === w.name)}
              forced={state.status?.forced === w.name}
              tracking={'tracking' in w ? w.tracking : undefined}
              unwatched={unwatched}
            />
          </Card>
        );
      })}
    </Stack>
  );
}
