// The gear dialog of one uplink: gateway, interface and how the router checks the link. Edits
// go straight into the draft (nothing reaches the router before Apply), each field says what
// is wrong as you type, and the predicted failover time follows every change.
import { Alert, Autocomplete, Button, Group, Modal, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { predictFailoverSec } from '../../../shared/failover-defaults.ts';
import { kmwanDetectionSec, kmwanLevelFor, kmwanPresets, sensitivityProblem } from '../../../shared/kmwan-sensitivity.ts';
import { trackingSchema, type TrackMethod, type Tracking } from '../../../shared/model.ts';
import { useFailoverStore, useRouterFailover } from '../../stores/failover-store.ts';
import { candidateNetwork, numberRules, wanIssueKey, type NumericTrackingField, type WanField } from './policy-issues.ts';
import { formatSeconds, uplinkLabel } from './uplink-label.ts';

const methodLabels: Readonly<Record<TrackMethod, string>> = {
  ping: 'Ping (ICMP echo)',
  httping: 'HTTP ping (httping)',
  arping: 'ARP ping (arping)',
  none: 'Link state only (no probes)',
};

function parseTargets(text: string): string[] {
  return text.split(/[\s,;]+/).filter(Boolean);
}

export function UplinkDialog({ routerId, wanName, onClose }: { routerId: string; wanName: string; onClose(): void }) {
  const state = useRouterFailover(routerId);
  const { updateWan, updateTracking, resetWan, removeWan } = useFailoverStore.getState();
  const wan = state.draft?.wans.find((w) => w.name === wanName);
  const [targetsText, setTargetsText] = useState(() => wan?.tracking.targets.join(', ') ?? '');
  if (!wan || !state.snapshot) return null;
  const { snapshot, issues } = state;
  const candidate = snapshot.candidates.find((c) => c.device === wan.device);
  const network = candidateNetwork(candidate);
  const tracking = wan.tracking;
  const probing = tracking.method !== 'none';
  const error = (field: WanField) => issues[wanIssueKey(wan.name, field)];
  const predicted = trackingSchema.safeParse(tracking).success ? predictFailoverSec(snapshot.platform, tracking) : null;
  const label = uplinkLabel(wan);
  // GL.iNet's kmwan has one setting for how fast it reacts, for all uplinks: its sensitivity.
  const kmwan = snapshot.platform === 'glinet-kmwan';

  const numberField = (field: NumericTrackingField, text: string, description?: string, optional = false) => {
    const r = numberRules[field];
    const value = tracking[field];
    return (
      <NumberInput
        label={text}
        description={description}
        min={r.min}
        max={r.max}
        step={r.whole ? 1 : field.endsWith('Sec') ? 0.1 : 1}
        allowDecimal={!r.whole}
        clampBehavior="none"
        disabled={!probing}
        placeholder={optional ? 'off' : undefined}
        value={value === undefined || Number.isNaN(value) ? '' : value}
        error={probing ? error(field) : undefined}
        onChange={(v) => updateTracking(routerId, wan.name, { [field]: v === '' ? (optional ? undefined : Number.NaN) : Number(v) } as Partial<Tracking>)}
      />
    );
  };

  return (
    <Modal opened onClose={onClose} title={`Settings of ${label}`} size="lg">
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="Gateway"
            description={network ? `The next hop, on ${wan.device}'s network ${network.text}. Empty: the one the router learns.` : 'The next hop. Empty: the one the router learns (DHCP).'}
            placeholder={candidate?.gateway ?? candidate?.suggestedGateway ?? 'not found on the router'}
            value={wan.gateway ?? ''}
            error={error('gateway')}
            onChange={(e) => updateWan(routerId, wan.name, { gateway: e.currentTarget.value.trim() || undefined })}
          />
          <Autocomplete
            label="Gateway interface"
            description={`Must match a router interface exactly: ${[...new Set(snapshot.candidates.map((c) => c.device))].join(', ')}`}
            data={[...new Set(snapshot.candidates.map((c) => c.device))]}
            value={wan.device}
            error={error('device')}
            onChange={(value) => updateWan(routerId, wan.name, { device: value.trim() })}
          />
        </SimpleGrid>
        <Select
          label="Tracking method"
          description={probing ? 'How the router checks that this uplink reaches the internet.' : 'Only the physical link (cable, carrier) counts: a link that is up but cannot reach the internet is not noticed.'}
          data={snapshot.capabilities.trackMethods.map((m) => ({ value: m, label: methodLabels[m] }))}
          value={tracking.method}
          allowDeselect={false}
          error={error('method')}
          onChange={(value) => value && updateTracking(routerId, wan.name, { method: value as TrackMethod })}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="Targets"
            description="IPv4 addresses to check, separated by commas (up to 8)"
            placeholder="1.1.1.1, 8.8.8.8"
            disabled={!probing}
            value={targetsText}
            error={probing ? error('targets') : undefined}
            onChange={(e) => {
              setTargetsText(e.currentTarget.value);
              updateTracking(routerId, wan.name, { targets: parseTargets(e.currentTarget.value) });
            }}
          />
          {kmwan ? (
            <div />
          ) : (
            <NumberInput
              label="Targets that must answer"
              description="Fewer than all: one silent target does not take the link down"
              min={1}
              max={8}
              allowDecimal={false}
              clampBehavior="none"
              disabled={!probing}
              value={Number.isNaN(tracking.reliability) ? '' : tracking.reliability}
              error={probing ? error('reliability') : undefined}
              onChange={(v) => updateTracking(routerId, wan.name, { reliability: v === '' ? Number.NaN : Number(v) })}
            />
          )}
        </SimpleGrid>
        {kmwan ? (
          <KmwanSensitivity routerId={routerId} disabled={!probing} />
        ) : (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {numberField('intervalSec', 'Interval (s)', 'Time between checks while the link is healthy')}
            {numberField('failureIntervalSec', 'Interval while failing (s)', 'Faster checks once a check has failed')}
            {numberField('timeoutSec', 'Timeout (s)', 'How long one check waits for an answer')}
            <div />
            {numberField('downCount', 'Down after (failed checks)', 'Failed checks in a row before traffic moves away')}
            {numberField('upCount', 'Up after (good checks)', 'Good checks in a row before the link is trusted again')}
            {numberField('latencyThresholdMs', 'Latency threshold (ms)', 'Slower answers count as failed. Empty: off', true)}
            {numberField('lossThresholdPct', 'Loss threshold (%)', 'More loss counts as failed. Empty: off', true)}
          </SimpleGrid>
        )}
        <Alert color={predicted === null ? 'gray' : 'blue'} variant="light" aria-live="polite" data-testid="predicted-failover">
          {predicted !== null
            ? `If ${label} fails, the router moves traffic to the next uplink within about ${formatSeconds(predicted)} (worst case).`
            : !trackingSchema.safeParse(tracking).success
              ? 'Fix the fields above to see how fast this uplink fails over.'
              : probing && tracking.targets.length === 0
                ? 'Add a target to see how fast this uplink fails over.'
                : 'Switchyard has no failover-time model for this router yet.'}
        </Alert>
        {issues[wanIssueKey(wan.name, 'other')] && <Alert color="red">{issues[wanIssueKey(wan.name, 'other')]}</Alert>}
        <Group justify="space-between">
          <Group gap="xs">
            <Button
              variant="subtle"
              onClick={() => {
                resetWan(routerId, wan.name);
                const reset = useFailoverStore.getState().routers[routerId]?.draft?.wans.find((w) => w.name === wan.name);
                setTargetsText(reset?.tracking.targets.join(', ') ?? '');
              }}
            >
              Undo my changes here
            </Button>
            <Button
              variant="subtle"
              color="red"
              onClick={() => {
                removeWan(routerId, wan.name);
                onClose();
              }}
            >
              Leave out of failover
            </Button>
          </Group>
          <Button onClick={onClose}>Done</Button>
        </Group>
        <Text size="xs" c="dimmed">
          Changes stay in Switchyard until you apply them.
        </Text>
      </Stack>
    </Modal>
  );
}

/**
 * GL.iNet's sensitivity, as its own web UI names it: kmwan probes every uplink once a second and
 * moves traffic once one has not answered for this long. One setting for the router, so it is
 * written into every uplink's timeout of the draft.
 */
function KmwanSensitivity({ routerId, disabled }: { routerId: string; disabled: boolean }) {
  const state = useRouterFailover(routerId);
  const { updateTracking } = useFailoverStore.getState();
  const wans = state.draft?.wans ?? [];
  const timeoutSec = wans.find((w) => w.tracking.method !== 'none')?.tracking.timeoutSec ?? 3;
  const level = kmwanLevelFor(timeoutSec * 1000);
  const setAll = (sec: number): void => {
    for (const w of wans) updateTracking(routerId, w.name, { timeoutSec: sec, intervalSec: 1, failureIntervalSec: 1, downCount: 1, upCount: 1, reliability: 1 });
  };
  const problem = Number.isFinite(timeoutSec) ? sensitivityProblem(timeoutSec) : 'Enter a whole number of seconds from 1 to 60.';
  return (
    <Stack gap={6} data-testid="kmwan-sensitivity">
      <Text size="sm" fw={500}>
        Sensitivity (all uplinks)
      </Text>
      <Text size="xs" c="dimmed">
        GL.iNet checks every uplink once a second and moves traffic away from one that has not answered for this long; it takes an uplink back on its first answer.
      </Text>
      <SegmentedControl
        disabled={disabled}
        value={level}
        onChange={(v) => {
          const preset = kmwanPresets.find((p) => p.level === v);
          setAll(preset ? preset.sensitivityMs / 1000 : 10);
        }}
        data={[
          ...kmwanPresets.map((p) => ({ value: p.level, label: `${p.level[0]!.toUpperCase()}${p.level.slice(1)} · ${p.sensitivityMs / 1000} s` })),
          { value: 'custom', label: 'Custom' },
        ]}
      />
      {level === 'custom' && (
        <NumberInput
          label="Custom sensitivity (s)"
          description="Whole seconds, 1 to 60"
          min={1}
          max={60}
          allowDecimal={false}
          clampBehavior="none"
          disabled={disabled}
          value={Number.isNaN(timeoutSec) ? '' : timeoutSec}
          error={problem ?? undefined}
          onChange={(v) => setAll(v === '' ? Number.NaN : Number(v))}
        />
      )}
      {!problem && (
        <Text size="xs" data-testid="kmwan-detection">
          An outage is noticed within about {kmwanDetectionSec(timeoutSec * 1000)} s.
        </Text>
      )}
    </Stack>
  );
}
