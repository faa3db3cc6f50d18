// The timing presets (issue 14 item 3) for this router's engine: each with its predicted
// worst-case failover and failback and the parts of those bounds, the probe data a month per
// uplink, and where the engine cannot reach the preset, why. One click puts it in the draft.
import { Badge, Button, Card, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { applyPreset, formatBytes, matchPreset, planPreset, presetIds, presetLabels, type PresetId, type PresetPlan } from '../../../shared/failover-presets.ts';
import type { FailoverPolicy, PlatformId } from '../../../shared/model.ts';
import { setDraftTracking } from '../../stores/qualify-store.ts';

const summaries: Readonly<Record<PresetId, string>> = {
  fast: 'The wired primary probed 10 times a second; backups every 2 s.',
  balanced: "Switchyard's default: every uplink probed 5 times a second.",
  'cellular-saver': 'Metered backups (cellular, tethering) probed once a minute; the rest as Balanced.',
};

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
          {summaries[plan.preset]}
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
