// The timing presets (issue 14 item 3) for this router's engine: each with its predicted
// worst-case failover and failback and the parts of those bounds, the probe data a month per
// uplink, and where the engine cannot reach the preset, why. One click puts it in the draft.
import { Badge, Button, Card, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { applyPreset, formatBytes, matchPreset, planPreset, presetIds, presetLabels, type PresetPlan } from '../../../shared/failover-presets.ts';
import type { FailoverPolicy, PlatformId } from '../../../shared/model.ts';
import { setDraftTracking } from '../../stores/qualify-store.ts';

/** How often an uplink is probed, in the words of the preset cards. */
function everyWords(intervalSec: number): string {
  return intervalSec < 1 ? `${Math.round(1 / intervalSec)} times a second` : `every ${intervalSec} s`;
}

/** What the preset does on this router's engine, from its plan (the engines' defaults differ). */
function summaryOf(plan: PresetPlan): string {
  const primary = plan.uplinks.find((u) => u.role === 'primary');
  const backups = plan.uplinks.filter((u) => u.role === 'backup');
  if (!primary) return 'No enabled uplink to probe.';
  switch (plan.preset) {
    case 'fast':
      return `The primary is probed ${everyWords(primary.tracking.intervalSec)}${backups[0] ? `; backups ${everyWords(backups[0].tracking.intervalSec)}` : ''}.`;
    case 'balanced':
      return `Switchyard's default here: every uplink is probed ${everyWords(primary.tracking.intervalSec)}.`;
    case 'cellular-saver': {
      const metered = backups.find((u) => u.metered);
      if (!metered) return 'No metered backup (cellular, tethering) here: the same as Balanced.';
      return `Metered backups (cellular, tethering) are probed ${metered.tracking.probeWhen === 'needed' ? 'only when the primary is failing' : everyWords(metered.tracking.intervalSec)}; the rest as Balanced.`;
    }
  }
}

export function TimingPresets(props: { routerId: string; platform: PlatformId; draft: FailoverPolicy; locked: boolean }) {
  const { routerId, platform, draft, locked } = props;
  const current = matchPreset(platform, draft);
  return (
    <Card withBorder data-testid="timing-presets">
      <Stack gap="sm">
        <Group justify="space-between" align="baseline">
          <Title order={4}>Timing</Title>
          <Text size="sm" c="dimmed" data-testid="preset-current">
            {current ? `In the draft: ${presetLabels[current]}` : 'In the draft: custom settings'}
          </Text>
        </Group>
        <SimpleGrid cols={{ base: 1, md: 3 }}>
          {presetIds.map((id) => (
            <PresetCard key={id} plan={planPreset(platform, id, draft.wans)} selected={current === id} locked={locked} onUse={(plan) => setDraftTracking(routerId, applyPreset(draft, plan))} />
          ))}
        </SimpleGrid>
      </Stack>
    </Card>
  );
}

function PresetCard({ plan, selected, locked, onUse }: { plan: PresetPlan; selected: boolean; locked: boolean; onUse: (plan: PresetPlan) => void }) {
  const label = presetLabels[plan.preset];
  return (
    <Card withBorder padding="sm" data-testid={`preset-${plan.preset}`} style={selected ? { borderColor: 'var(--mantine-color-blue-6)', borderWidth: 2 } : undefined}>
      <Stack gap={6}>
        <Group justify="space-between">
          <Text fw={700}>{label}</Text>
          {plan.reachable ? (
            <Badge color="green" variant="light">
              goal ≤ {plan.goalSec} s
            </Badge>
          ) : (
            <Badge color="orange" variant="light">
              not reachable here
            </Badge>
          )}
        </Group>
        <Text size="sm" c="dimmed">
          {summaryOf(plan)}
        </Text>
        {plan.failover && (
          <div data-testid={`preset-${plan.preset}-failover`}>
            <Text size="sm" fw={600}>
              Failover within {plan.failover.totalSec} s
            </Text>
            <List size="xs" spacing={0}>
              {plan.failover.parts.map((p) => (
                <List.Item key={p.what}>
                  {p.sec.toFixed(1)} s — {p.what}
                </List.Item>
              ))}
            </List>
          </div>
        )}
        {plan.failback && (
          <div data-testid={`preset-${plan.preset}-failback`}>
            <Text size="sm" fw={600}>
              Back to the primary within {plan.failback.totalSec} s
            </Text>
            <List size="xs" spacing={0}>
              {plan.failback.parts.map((p) => (
                <List.Item key={p.what}>
                  {p.sec.toFixed(1)} s — {p.what}
                </List.Item>
              ))}
            </List>
          </div>
        )}
        <div data-testid={`preset-${plan.preset}-data`}>
          <Text size="sm" fw={600}>
            Probe data a month
          </Text>
          {plan.uplinks.map((u) => (
            <Text size="xs" key={u.name}>
              {u.name}
              {u.metered ? ' (metered)' : ''}: {u.probeBytesPerMonth === null ? 'not modelled for this method' : formatBytes(u.probeBytesPerMonth)} —{' '}
              {u.tracking.probeWhen === 'needed' ? 'probed only when the primary is failing or it carries traffic, then ' : ''}every {u.tracking.intervalSec} s × {u.tracking.targets.length} target
              {u.tracking.targets.length === 1 ? '' : 's'}
            </Text>
          ))}
        </div>
        {plan.limit && (
          <Text size="xs" c="orange.8" data-testid={`preset-${plan.preset}-limit`}>
            {plan.limit}
          </Text>
        )}
        {plan.notes.map((n) => (
          <Text size="xs" c="dimmed" key={n}>
            {n}
          </Text>
        ))}
        <Button size="xs" variant={selected ? 'light' : 'filled'} disabled={locked || selected || plan.failover === null} onClick={() => onUse(plan)} data-testid={`use-preset-${plan.preset}`}>
          {selected ? `${label} is in the draft` : `Use ${label}`}
        </Button>
      </Stack>
    </Card>
  );
}
