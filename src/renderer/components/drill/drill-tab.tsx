// The Failover drill tab: run a drill (the router fails its active uplink by itself and ends
// the failure by itself), follow it, and read the reports kept in the router's history.
import { Alert, Badge, Button, Group, Loader, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useDrillStore, emptyRouterDrills } from '../../stores/drill-store.ts';
import { dateTimeText } from '../../format.ts';
import { ConfirmButton } from '../confirm-button.tsx';
import { DrillReportView } from './drill-report-view.tsx';

export function DrillTab({ routerId }: { routerId: string }) {
  const state = useDrillStore((s) => s.routers[routerId] ?? emptyRouterDrills);
  const { open, start, openReport } = useDrillStore();
  const [trials, setTrials] = useState('1');
  useEffect(() => open(routerId), [open, routerId]);

  return (
    <Stack>
      <Text size="sm" c="dimmed" maw={720}>
        A drill makes the router fail the uplink that carries the traffic, the way a dead line beyond the modem looks (the link stays up), and measures how long until the backup carries
        traffic, which connections are cut and how long until traffic returns. A timer on the router ends the failure by itself if this laptop goes away.
      </Text>
      <Group align="end">
        <Select label="Trials" data={['1', '3', '5']} value={trials} onChange={(v) => v && setTrials(v)} w={100} allowDeselect={false} disabled={Boolean(state.running)} />
        {state.running ? (
          <Button disabled leftSection={<Loader size="xs" />}>
            Drill running
          </Button>
        ) : (
          <ConfirmButton
            label="Run failover drill"
            title="Run a failover drill?"
            message="The router will drop all traffic on its active uplink for a few seconds. Open connections through it (card payments in progress, calls) are cut and must reconnect over the backup. Run it when the shop can take a short interruption."
            confirmLabel="Start the drill"
            onConfirm={() => start(routerId, Number(trials))}
          />
        )}
      </Group>
      {state.running && (
        <Alert color="blue" title={`Trial ${Math.max(1, state.running.trial)} of ${state.running.trials}: ${state.running.phase.replace(/-/g, ' ')}`} data-testid="drill-progress">
          {state.running.message}
        </Alert>
      )}
      {state.error && (
        <Alert color="red" title="The drill could not run" data-testid="drill-error">
          {state.error.message}
        </Alert>
      )}
      {state.opened && <DrillReportView routerId={routerId} report={state.opened} />}
      <Title order={4}>Past drills</Title>
      {state.load === 'loading' && <Loader size="sm" aria-label="Loading drills" />}
      {state.load === 'ready' && state.reports.length === 0 && <Text size="sm">No drill yet on this router.</Text>}
      {state.reports.length > 0 && (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Trials</Table.Th>
              <Table.Th>Verdict</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {state.reports.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>{dateTimeText(r.createdMs)}</Table.Td>
                <Table.Td>{r.trials}</Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Badge color={r.verdict.ok ? 'teal' : 'red'} variant="light">
                      {r.verdict.ok ? 'pass' : 'check'}
                    </Badge>
                    <Text size="sm">{r.verdict.text}</Text>
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Button size="xs" variant="default" onClick={() => void openReport(routerId, r.id)}>
                    Open report
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
