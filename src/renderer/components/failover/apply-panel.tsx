// Safe apply, step by step: unapplied changes → the diff → applying → the router's revert
// countdown with Confirm and Revert and the verification → the outcome. A connection lost on
// the way says what state the router is in and what it does next by itself.
import { Alert, Button, Card, Group, List, Progress, Select, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconPlugConnectedX } from '@tabler/icons-react';
import type { ApiError } from '../../../shared/errors.ts';
import { useNavigationStore } from '../../stores/navigation-store.ts';
import { canApply, isDirty, useFailoverStore, type RouterFailover, type Verification } from '../../stores/failover-store.ts';
import { errorAdvice } from './error-advice.ts';
import { PlanDiff } from './plan-diff.tsx';
import { tooLateToConfirm } from '../../../shared/revert-clock.ts';
import { RevertCountdown, useNowMs } from './revert-countdown.tsx';
import { clockTime, uplinkLabel } from './uplink-label.ts';

const revertChoices = [
  { value: '30', label: '30 s' },
  { value: '60', label: '1 minute' },
  { value: '120', label: '2 minutes' },
  { value: '300', label: '5 minutes' },
];

/** `rebootCaveat`: why failover would not come back by itself after the router reboots, when detection knows it. */
export function ApplyPanel({ routerId, state, rebootCaveat = null }: { routerId: string; state: RouterFailover; rebootCaveat?: string | null }) {
  const store = useFailoverStore.getState();
  const nowMs = useNowMs();
  const { phase } = state;
  const issueCount = Object.keys(state.issues).length;
  // Read off the draft rather than the issue wording: a probing uplink with no targets yet.
  const needsTargets = state.draft?.wans.some((w) => w.tracking.method !== 'none' && w.tracking.targets.length === 0) ?? false;
  const dirty = isDirty(state);
  const supportsRevertTimer = state.snapshot?.capabilities.supportsRevertTimer ?? false;
  const labelOf = (name: string) => {
    const wan = state.draft?.wans.find((w) => w.name === name) ?? state.snapshot?.candidates.find((c) => c.name === name);
    return wan ? uplinkLabel(wan) : name;
  };

  switch (phase.kind) {
    case 'idle':
    case 'removed':
    case 'planning':
      if (!dirty) return null;
      return (
        <Card withBorder data-testid="apply-panel">
          <Stack gap="xs">
            <Group justify="space-between" wrap="wrap">
              <div>
                <Title order={4}>{state.snapshot?.policy ? 'Unapplied changes' : 'Ready to turn on WAN failover'}</Title>
                <Text size="sm" c="dimmed">
                  Nothing has changed on the router yet.
                </Text>
              </div>
              <Group gap="xs">
                <Button variant="default" onClick={() => store.discard(routerId)} disabled={phase.kind === 'planning'}>
                  {state.snapshot?.policy ? 'Discard changes' : 'Cancel'}
                </Button>
                <Button data-testid="apply-button" disabled={!canApply(state)} loading={phase.kind === 'planning'} onClick={() => void store.plan(routerId)}>
                  Review and apply
                </Button>
              </Group>
            </Group>
            {issueCount > 0 && (
              <Text size="sm" c="red" data-testid="apply-blocked">
                Fix {issueCount === 1 ? 'the problem' : `the ${issueCount} problems`} marked in red first.
              </Text>
            )}
            {needsTargets && (
              <Group gap="xs">
                <Button variant="light" size="xs" loading={state.suggesting} onClick={() => void store.suggestTargets(routerId)}>
                  Fill in suggested targets
                </Button>
                <Text size="xs" c="dimmed">
                  The router tries your configured targets, its own DNS servers, then public ones, through each uplink, and keeps only those that answer, none shared between uplinks. You can change
                  them in each uplink’s settings.
                </Text>
              </Group>
            )}
            <TargetSuggestions state={state} />
            {state.issues.policy && (
              <Text size="sm" c="red">
                {state.issues.policy}
              </Text>
            )}
          </Stack>
        </Card>
      );

    case 'planned':
      return (
        <Card withBorder data-testid="apply-panel">
          <Stack gap="sm">
            <Title order={4}>What changes on the router</Title>
            <PlanDiff plan={phase.plan} onRouterRule={(rule, choice) => store.setRouterRule(routerId, rule, choice)} />
            {supportsRevertTimer ? (
              <Select
                label="If you do not confirm, the router undoes the change after"
                data={revertChoices}
                value={String(state.revertInSec)}
                allowDeselect={false}
                w={320}
                onChange={(value) => value && store.setRevertInSec(routerId, Number(value))}
              />
            ) : (
              <Alert color="yellow" icon={<IconAlertTriangle />}>
                This router cannot undo a change by itself: if the new settings cut this computer off, someone must fix them on site.
              </Alert>
            )}
            <Group justify="flex-end" gap="xs">
              <Button variant="default" onClick={() => store.dismiss(routerId)}>
                Back to editing
              </Button>
              <Button data-testid="apply-now-button" disabled={phase.plan.problems.length > 0} onClick={() => void store.apply(routerId)}>
                Apply now
              </Button>
            </Group>
          </Stack>
        </Card>
      );

    case 'applying':
      return (
        <Card withBorder data-testid="apply-panel">
          <Stack gap="xs" aria-live="polite">
            <Title order={4}>Applying…</Title>
            <Progress value={100} animated striped aria-label="Applying" />
            <Text size="sm">
              The router takes the new settings with its revert timer armed, and Switchyard then checks the uplinks. Your {phase.revertInSec} s to confirm start when the new settings are in place on the router. Keep this window open.
            </Text>
          </Stack>
        </Card>
      );

    case 'pending-confirm':
      return (
        <Card withBorder data-testid="apply-panel" style={{ borderColor: 'var(--mantine-color-blue-6)' }}>
          <Stack gap="sm">
            <Title order={4}>Keep the new settings?</Title>
            {phase.revertAtMs !== null ? (
              <RevertCountdown revertAtMs={phase.revertAtMs} totalSec={state.revertInSec} nowMs={nowMs} />
            ) : (
              <Text size="sm">The router keeps the new settings until you revert them.</Text>
            )}
            <VerificationResult verification={phase.verification} labelOf={labelOf} />
            {state.statusError && (
              <Text size="sm" c="yellow.8">
                Switchyard cannot reach the router right now.{phase.revertAtMs !== null && ` If you do not confirm, it restores the previous settings by itself at ${clockTime(phase.revertAtMs)}.`}
              </Text>
            )}
            {phase.error && <ErrorWithNextStep error={phase.error} routerId={routerId} />}
            <Group gap="xs">
              <Button
                color="teal"
                data-testid="confirm-button"
                loading={phase.busy === 'confirming'}
                disabled={phase.busy !== null || (phase.revertAtMs !== null && tooLateToConfirm(phase.revertAtMs, nowMs))}
                onClick={() => void store.confirm(routerId)}
              >
                Confirm
              </Button>
              <Button variant="default" color="red" data-testid="revert-button" loading={phase.busy === 'reverting'} disabled={phase.busy !== null} onClick={() => void store.rollback(routerId)}>
                Revert now
              </Button>
            </Group>
          </Stack>
        </Card>
      );

    case 'connection-lost':
      return (
        <Card withBorder data-testid="apply-panel" style={{ borderColor: 'var(--mantine-color-yellow-6)' }}>
          <Stack gap="sm">
            <Alert color="yellow" icon={<IconPlugConnectedX />} title="Lost contact with the router" data-testid="connection-lost">
              <Stack gap={6}>
                <Text size="sm">The router may have cut the connection. If you do not confirm, it restores the previous settings by itself at {clockTime(phase.revertAtMs)}.</Text>
                <Text size="sm">
                  Switchyard keeps trying to reach it every 2 seconds; if it answers in time, you can still confirm. If the new settings cut this computer off, do nothing: the router undoes them by itself.
                </Text>
                <Text size="xs" c="dimmed">
                  ({phase.during === 'applying' ? 'While applying' : phase.during === 'confirming' ? 'While confirming' : 'While reverting'}: {phase.error.message})
                </Text>
              </Stack>
            </Alert>
            <RevertCountdown revertAtMs={phase.revertAtMs} nowMs={nowMs} />
            <Group gap="xs">
              <Button
                color="teal"
                data-testid="confirm-button"
                loading={phase.busy === 'confirming'}
                disabled={phase.busy !== null || tooLateToConfirm(phase.revertAtMs, nowMs)}
                onClick={() => void store.confirm(routerId)}
              >
                Try to confirm again
              </Button>
              <Button variant="default" color="red" data-testid="revert-button" loading={phase.busy === 'reverting'} disabled={phase.busy !== null} onClick={() => void store.rollback(routerId)}>
                Revert now
              </Button>
            </Group>
          </Stack>
        </Card>
      );

    case 'confirmed':
      return (
        <Stack gap="sm">
          <Alert color="teal" icon={<IconCircleCheck />} title="Confirmed" withCloseButton onClose={() => store.dismiss(routerId)} data-testid="apply-result">
            The router keeps the new settings, and they stay in force when this computer is gone.{rebootCaveat && ` ${rebootCaveat}`}
          </Alert>
          {/* A notice never hides the way to apply or discard newer edits. */}
          {dirty && <ApplyPanel routerId={routerId} state={{ ...state, phase: { kind: 'idle' } }} />}
        </Stack>
      );

    case 'reverted':
      return (
        <Stack gap="sm">
          <Alert color="blue" title="Back to the previous settings" withCloseButton onClose={() => store.dismiss(routerId)} data-testid="apply-result">
            {phase.by === 'user'
              ? 'The router is back on the settings it had before. Your edits are still here if you want to adjust them and try again.'
              : 'No confirmation reached the router in time, so it restored its previous settings by itself. Your edits are still here.'}
          </Alert>
          {dirty && <ApplyPanel routerId={routerId} state={{ ...state, phase: { kind: 'idle' } }} />}
        </Stack>
      );

    case 'error':
      return (
        <Card withBorder data-testid="apply-panel" style={{ borderColor: 'var(--mantine-color-red-6)' }}>
          <Stack gap="xs">
            <Title order={4}>{phase.during === 'planning' ? 'Could not prepare the change' : 'The change was not applied'}</Title>
            <ErrorWithNextStep error={phase.error} routerId={routerId} onRetry={() => void store.plan(routerId)} />
            <Group>
              <Button variant="default" onClick={() => store.dismiss(routerId)}>
                Back to editing
              </Button>
            </Group>
          </Stack>
        </Card>
      );
  }
}

function VerificationResult({ verification, labelOf }: { verification: Verification | null; labelOf(name: string): string }) {
  if (!verification) {
    return (
      <Text size="sm" c="dimmed" data-testid="verification">
        Not verified yet: Switchyard lost contact before it could check the uplinks.
      </Text>
    );
  }
  if (verification.ok) {
    return (
      <Alert color="teal" icon={<IconCircleCheck />} data-testid="verification" data-ok="true">
        Verified: the router is reachable and {verification.activeWans.map(labelOf).join(' and ') || 'the intended uplink'} {verification.activeWans.length > 1 ? 'carry' : 'carries'} the traffic.
      </Alert>
    );
  }
  return (
    <Alert color="yellow" icon={<IconAlertTriangle />} title="The check found problems — Revert is the safe choice" data-testid="verification" data-ok="false">
      <List size="sm">
        {verification.problems.map((p) => (
          <List.Item key={p}>{p}</List.Item>
        ))}
      </List>
    </Alert>
  );
}

/** A failure in the core's words, plus what to do next, chosen by its code. */
export function ErrorWithNextStep({ error, routerId, context = 'apply', onRetry }: { error: ApiError; routerId: string; context?: 'load' | 'apply'; onRetry?: () => void }) {
  const go = useNavigationStore((s) => s.go);
  const reload = useFailoverStore((s) => s.reload);
  const advice = errorAdvice(error.code, context);
  const problems = Array.isArray(error.details?.problems) ? (error.details.problems as unknown[]).map(String) : [];
  return (
    <Alert color={error.code === 'unsupported' ? 'yellow' : 'red'} data-testid="failover-error" data-code={error.code}>
      <Stack gap={6}>
        {problems.length > 0 ? <Text size="sm">Nothing was changed on the router:</Text> : <Text size="sm">{error.message}</Text>}
        {problems.length > 0 && (
          <List size="sm">
            {problems.map((p) => (
              <List.Item key={p}>{p}</List.Item>
            ))}
          </List>
        )}
        <Text size="sm">{advice.nextStep}</Text>
        <Group gap="xs">
          {advice.action === 'overview' && (
            <Button size="xs" variant="default" onClick={() => go({ kind: 'router', routerId, tab: 'overview' })}>
              Go to Overview
            </Button>
          )}
          {advice.action === 'reload' && (
            <Button size="xs" variant="default" onClick={() => void reload(routerId)}>
              Reload from the router
            </Button>
          )}
          {advice.action === 'retry' && onRetry && (
            <Button size="xs" variant="default" onClick={onRetry}>
              Try again
            </Button>
          )}
        </Group>
      </Stack>
    </Alert>
  );
}

/** What "Fill in suggested targets" found on the router, per uplink; the ones with nothing in red. */
function TargetSuggestions({ state }: { state: RouterFailover }) {
  if (state.suggestError) {
    return (
      <Text size="sm" c="red" data-testid="target-suggestions-error">
        Switchyard could not ask the router which targets answer: {state.suggestError.message}
      </Text>
    );
  }
  if (!state.suggestions) return null;
  return (
    <Stack gap={2} data-testid="target-suggestions">
      {state.suggestions.map((s) => (
        <Text key={s.wan} size="sm" c={s.checked === 'none-answered' ? 'red' : undefined} data-testid="target-suggestion" data-checked={s.checked}>
          {s.wan}: {s.message}
        </Text>
      ))}
    </Stack>
  );
}
