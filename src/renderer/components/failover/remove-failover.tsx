// Remove, asked with its plan: what Switchyard will change on the router (in words, and the
// router's own file diff), which later edits on the router it keeps, then Remove and restore.
// The plan's fingerprint goes with the click, so the core refuses if the router changed since.
import { Alert, Button, Checkbox, Code, Group, List, Loader, Modal, Stack, Text } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { RemovePlan } from '../../../shared/failover-schemas.ts';
import { api, errorMessage } from '../../api/api.ts';
import { useFailoverStore } from '../../stores/failover-store.ts';

export function RemoveFailoverButton({ routerId }: { routerId: string }) {
  const [open, setOpen] = useState(false);
  const [plan, setPlan] = useState<RemovePlan | null>(null);
  const [restoreAdminEdits, setRestoreAdminEdits] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // After a failed remove: the router's state in words, read from it.
  const [routerState, setRouterState] = useState<string | null>(null);

  /** `keepError`: after a failed remove, its error stays beside the plan read again. */
  const load = async (keepError = false): Promise<void> => {
    setPlan(null);
    if (!keepError) setError(null);
    try {
      setPlan(await api.call('failover.planRemove', { routerId }));
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const confirm = async (): Promise<void> => {
    if (!plan) return;
    setBusy(true);
    setError(null);
    setRouterState(null);
    try {
      await useFailoverStore.getState().remove(routerId, { basedOn: plan.basedOn, restoreAdminEdits, restored: plan.changes });
      setOpen(false);
    } catch (e) {
      setError(errorMessage(e));
      // What the router holds now, read from it: a failed remove may have done all, some or none of it.
      setRouterState('Reading what the router holds now…');
      setRouterState(await stateAfterFailedRemove(routerId));
      // The router may have changed: show what Remove would do now.
      void load(true);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button
        variant="default"
        color="red"
        leftSection={<IconTrash size={16} />}
        onClick={() => {
          setOpen(true);
          setError(null);
          setRouterState(null);
          setRestoreAdminEdits(false);
          void load();
        }}
      >
        Remove WAN failover
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title="Remove WAN failover?" size="xl">
        <Stack data-testid="remove-plan">
          {!plan && !error && (
            <Group gap="sm">
              <Loader size="sm" />
              <Text size="sm">Reading what Remove would change on the router…</Text>
            </Group>
          )}
          {plan && (
            <>
              <Text size="sm">Switchyard takes out only what it changed on the router:</Text>
              {plan.changes.length === 0 ? (
                <Text size="sm">Nothing to change: the router holds nothing of Switchyard’s.</Text>
              ) : (
                <List size="sm" data-testid="remove-changes">
                  {plan.changes.map((c) => (
                    <List.Item key={c}>{c}</List.Item>
                  ))}
                </List>
              )}
              {plan.adminEdits.length > 0 && (
                <Alert color="yellow" title="Changed on the router since Switchyard wrote them" data-testid="remove-admin-edits">
                  <Stack gap="xs">
                    <List size="sm">
                      {plan.adminEdits.map((e) => (
                        <List.Item key={`${e.package}.${e.section}.${e.option}`}>
                          {e.package}.{e.section}.{e.option}: now {e.now ?? 'unset'} (Switchyard wrote {e.switchyard ?? 'unset'}; before Switchyard {e.original ?? 'unset'})
                        </List.Item>
                      ))}
                    </List>
                    <Checkbox checked={restoreAdminEdits} onChange={(ev) => setRestoreAdminEdits(ev.currentTarget.checked)} label="Put these back to their values from before Switchyard too (otherwise they stay as they are now)" />
                  </Stack>
                </Alert>
              )}
              {plan.nativeDiff && (
                <Code block data-testid="remove-native-diff" style={{ maxHeight: 320, overflow: 'auto' }}>
                  {plan.nativeDiff}
                </Code>
              )}
              {plan.note && (
                <Text size="sm" c="dimmed" data-testid="remove-plan-note">
                  {plan.note}
                </Text>
              )}
            </>
          )}
          {error && (
            <Alert color="red" title="Remove did not finish" data-testid="remove-error">
              <Stack gap={6}>
                <Text size="sm">{error}</Text>
                {routerState && (
                  <Text size="sm" fw={500} data-testid="remove-router-state">
                    {routerState}
                  </Text>
                )}
              </Stack>
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button color="red" loading={busy} disabled={!plan} onClick={() => void confirm()}>
              Remove and restore
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** What the router holds after a remove that failed, in words: from its status and what Remove would still change. */
export async function stateAfterFailedRemove(routerId: string): Promise<string> {
  try {
    const [status, left] = await Promise.all([api.call('failover.status', { routerId }), api.call('failover.planRemove', { routerId })]);
    const holds = left.changes.length > 0;
    if (status.enabled) {
      const active = status.wans.filter((w) => w.active).map((w) => w.wan);
      return `The router still runs Switchyard's failover${active.length ? ` (traffic on ${active.join(' + ')})` : ''}: its settings are still there, as listed below. Remove again, or leave it as it is.`;
    }
    if (holds) return "Failover is off on the router, but some of Switchyard's changes are still there (listed below): Remove again to take them out.";
    return "Nothing of Switchyard's is left on the router: it is back as it was before failover.";
  } catch (e) {
    return `Switchyard cannot read the router now (${errorMessage(e)}), so what it holds is not known: all, some or none of Switchyard's changes may still be there. When it answers again, open Remove again to see what is left.`;
  }
}
