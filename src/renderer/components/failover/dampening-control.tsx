// Flap dampening in the policy editor: on/off and its three numbers (failures, window, hold), with
// the rule in the plan's words. On a router whose engine has no hold-down (mwan3, kmwan) it says
// so instead of offering a switch that would change nothing there.
import { Group, NumberInput, Stack, Switch, Text } from '@mantine/core';
import { describeDampening, policyDampening } from '../../../shared/failover-defaults.ts';
import type { DriverCapabilities } from '../../../shared/failover-schemas.ts';
import type { Dampening, FailoverPolicy } from '../../../shared/model.ts';
import { useFailoverStore } from '../../stores/failover-store.ts';

export function DampeningControl(props: { routerId: string; draft: FailoverPolicy; capabilities: DriverCapabilities; issue: string | undefined; locked: boolean }) {
  const { routerId, draft, capabilities, issue, locked } = props;
  const { setDampening } = useFailoverStore.getState();
  const d = policyDampening(draft);
  if (!capabilities.supportsDampening) {
    return (
      <Text size="sm" c="dimmed" data-testid="dampening-unavailable">
        Flap dampening: this router’s failover engine has no hold-down, so a flapping uplink is taken back at every recovery. The plan says how long its returns take.
      </Text>
    );
  }
  const set = (patch: Partial<Dampening>) => setDampening(routerId, { ...d, ...patch });
  const number = (label: string, key: 'flaps' | 'windowSec' | 'holdSec', min: number, max: number, suffix: string) => (
    <NumberInput
      label={label}
      w={130}
      size="xs"
      min={min}
      max={max}
      allowDecimal={false}
      suffix={suffix}
      disabled={locked || !d.enabled}
      value={Number.isNaN(d[key]) ? '' : d[key]}
      onChange={(value) => set({ [key]: value === '' ? Number.NaN : Number(value) })}
      data-testid={`dampening-${key}`}
    />
  );
  return (
    <Stack gap="xs" data-testid="dampening">
      <Switch
        data-testid="dampening-switch"
        label="Hold a flapping uplink down (flap dampening)"
        description={`Now: ${describeDampening(d)}. Failing over is never slowed; only the return to an uplink that keeps failing waits, so connections are not cut at every flap.`}
        checked={d.enabled}
        disabled={locked}
        onChange={(e) => set({ enabled: e.currentTarget.checked })}
      />
      {d.enabled && (
        <Group gap="xs" align="flex-end">
          {number('Failures', 'flaps', 2, 100, '')}
          {number('Within', 'windowSec', 10, 86_400, ' s')}
          {number('Hold for', 'holdSec', 5, 86_400, ' s')}
        </Group>
      )}
      {issue && (
        <Text size="sm" c="red" role="alert" data-testid="dampening-issue">
          {issue}
        </Text>
      )}
    </Stack>
  );
}
