// Failover is off, yet the router may still hold something of Switchyard's: a remove that stopped
// half-way, a config put back by hand, an agent left behind. The off view asks the router what
// Remove would change and, when that is anything, says so and offers Remove. Nothing shows when
// the router holds nothing of Switchyard's, or when it cannot be asked (the tab says so elsewhere).
import { Alert, List, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { api } from '../../api/api.ts';
import { RemoveFailoverButton } from './remove-failover.tsx';

/**
 * What Remove would still change on the router while failover reads as off: [] when nothing (or
 * when the router cannot be asked). `checkKey`: asked again when it changes (after a remove).
 */
export function useLeftovers(routerId: string, checkKey: string): readonly string[] {
  const [changes, setChanges] = useState<readonly string[]>([]);
  useEffect(() => {
    let current = true;
    setChanges([]);
    api.call('failover.planRemove', { routerId }).then(
      (plan) => current && setChanges(plan.changes),
      // Never changed by Switchyard (GL.iNet says so as an error), or not reachable: nothing to offer.
      () => current && setChanges([]),
    );
    return () => {
      current = false;
    };
  }, [routerId, checkKey]);
  return changes;
}

/** `changes`: from useLeftovers. `carrying`: the uplinks the router's status says carry traffic: an engine still runs. */
export function Leftovers({ routerId, changes, carrying }: { routerId: string; changes: readonly string[]; carrying: readonly string[] }) {
  if (changes.length === 0) return null;
  // Its settings file gone (a remove that stopped half-way, a hand edit) while the agent runs on.
  const running = carrying.length > 0;
  return (
    <Alert color="yellow" icon={<IconAlertTriangle />} title={running ? 'Switchyard’s agent still runs on this router' : 'Something of Switchyard’s is still on this router'} data-testid="failover-leftovers">
      <Stack gap={6} align="flex-start">
        <Text size="sm">
          {running
            ? `Its settings are gone from the router, so this tab cannot show or change them, but the agent still moves traffic: ${carrying.join(' and ')} ${carrying.length === 1 ? 'carries' : 'carry'} it now. Remove would change this on the router:`
            : 'Failover is off, but Remove would still change this on the router:'}
        </Text>
        <List size="sm">
          {changes.map((c) => (
            <List.Item key={c}>{c}</List.Item>
          ))}
        </List>
        <Text size="sm">Remove takes out only what Switchyard changed and puts back what the router had before; you see its plan first.</Text>
        <RemoveFailoverButton routerId={routerId} />
      </Stack>
    </Alert>
  );
}
