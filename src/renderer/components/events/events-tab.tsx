// The Events tab: what happened on this router over the last hour, day or week, newest first,
// live while open; filters by kind and uplink; and the period's events as a CSV file.
import { Alert, Badge, Button, Center, Chip, Group, Loader, SegmentedControl, Select, Stack, Table, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconDownload } from '@tabler/icons-react';
import { useEffect } from 'react';
import { errorAdvice } from '../failover/error-advice.ts';
import { eventRanges, eventWans, filteredEvents, useEventsStore, useRouterEvents, type EventRange } from '../../stores/events-store.ts';
import { dateTimeText } from '../../format.ts';
import { eventColor, eventKindColor, eventKindLabel, eventKinds, type LinkEventKind } from './event-kind.ts';

/** Rows drawn at most; the export has every one. */
const shownRows = 500;


export function EventsTab({ routerId, routerName }: { routerId: string; routerName?: string }) {
  const state = useRouterEvents(routerId);
  const store = useEventsStore.getState();
  const open = useEventsStore((s) => s.open);
  useEffect(() => open(routerId), [routerId, open]);

  const shown = filteredEvents(state);
  const wans = eventWans(state);
  return (
    <Stack data-testid="events-tab">
      <Group justify="space-between" wrap="wrap">
        <Title order={3}>Events</Title>
        <Group gap="xs">
          <SegmentedControl
            size="xs"
            aria-label="Period"
            value={state.range}
            onChange={(v) => void store.setRange(routerId, v as EventRange)}
            data={(Object.keys(eventRanges) as EventRange[]).map((r) => ({ value: r, label: eventRanges[r].label }))}
          />
          <Button size="xs" variant="default" leftSection={<IconDownload size={14} />} loading={state.exporting} onClick={() => void store.exportCsv(routerId, routerName)} data-testid="events-export">
            Export CSV
          </Button>
        </Group>
      </Group>
      <Group gap="sm" wrap="wrap" align="center">
        <Chip.Group multiple value={[...state.kinds]} onChange={(v) => store.setKinds(routerId, v as LinkEventKind[])}>
          <Group gap={6} wrap="wrap" aria-label="Kinds of event">
            {eventKinds.map((k) => (
              <Chip key={k} value={k} size="xs" color={eventKindColor(k)}>
                {eventKindLabel(k)}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
        <Select
          size="xs"
          w={180}
          aria-label="Uplink"
          placeholder="All uplinks"
          clearable
          data={wans}
          value={state.wan}
          onChange={(v) => store.setWan(routerId, v)}
          disabled={wans.length === 0}
        />
      </Group>
      {state.exportError && (
        <Alert color="red" icon={<IconAlertTriangle />} title="The export did not work" withCloseButton onClose={() => store.clearExportError(routerId)} data-testid="events-export-error">
          {state.exportError.message} {errorAdvice(state.exportError.code, 'load').nextStep}
        </Alert>
      )}
      {state.exported && (
        <Text size="xs" c="dimmed" data-testid="events-exported">
          Saved {state.exported.rows} events of the {eventRanges[state.range].label.toLowerCase()} as {state.exported.fileName}
          {state.exported.truncated && ' (cut at the export limit: choose a shorter period)'}. The file has every kind and uplink, whatever the filters.
        </Text>
      )}
      <EventsBody routerId={routerId} />
      {state.load === 'ready' && shown.length > shownRows && (
        <Text size="xs" c="dimmed">
          Showing the newest {shownRows} of {shown.length}; Export CSV has all of them.
        </Text>
      )}
      {state.truncated && (
        <Text size="xs" c="yellow.8">
          This period has more events than Switchyard reads at once; choose a shorter period to see the newest ones.
        </Text>
      )}
    </Stack>
  );
}

function EventsBody({ routerId }: { routerId: string }) {
  const state = useRouterEvents(routerId);
  const load = useEventsStore((s) => s.load);
  if (state.load === 'error' && state.error) {
    const advice = errorAdvice(state.error.code, 'load');
    return (
      <Alert color="red" icon={<IconAlertTriangle />} title="Switchyard could not read the events" data-testid="events-error" data-code={state.error.code}>
        <Stack gap={6}>
          <Text size="sm">{state.error.message}</Text>
          <Text size="sm">{advice.nextStep}</Text>
          <Group>
            <Button size="xs" variant="default" onClick={() => void load(routerId)}>
              Try again
            </Button>
          </Group>
        </Stack>
      </Alert>
    );
  }
  if (state.load !== 'ready') {
    return (
      <Center py="xl">
        <Group gap="sm">
          <Loader size="sm" />
          <Text>Loading the events…</Text>
        </Group>
      </Center>
    );
  }
  const shown = filteredEvents(state);
  if (state.events.length === 0) {
    return (
      <Center py="xl" data-testid="events-empty">
        <Text c="dimmed" ta="center" maw={520}>
          Nothing happened on this router in the {eventRanges[state.range].label.toLowerCase()}. Link state changes, failovers, applies and probe problems appear here as they happen while Switchyard watches the router.
        </Text>
      </Center>
    );
  }
  if (shown.length === 0) {
    return (
      <Center py="xl" data-testid="events-empty">
        <Text c="dimmed">No event of the period matches the filters.</Text>
      </Center>
    );
  }
  return (
    <Table striped highlightOnHover data-testid="events-table" verticalSpacing={4}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={160}>Time</Table.Th>
          <Table.Th w={150}>Kind</Table.Th>
          <Table.Th w={100}>Uplink</Table.Th>
          <Table.Th>What happened</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {shown.slice(0, shownRows).map((e) => (
          <Table.Tr key={e.id} data-testid="event-row" data-kind={e.kind}>
            <Table.Td>
              <Text size="sm" ff="monospace">
                {dateTimeText(e.atMs)}
              </Text>
            </Table.Td>
            <Table.Td>
              <Badge size="sm" variant="light" color={eventColor(e)} data-color={eventColor(e)}>
                {eventKindLabel(e.kind)}
              </Badge>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{e.wan ?? (e.kind === 'switch' && e.to ? (e.from ? `${e.from} → ${e.to}` : e.to) : '—')}</Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">
                {e.message}
                {e.from !== undefined && e.to !== undefined && !(e.message.includes(e.from) && e.message.includes(e.to)) && (
                  <Text span size="xs" c="dimmed">
                    {' '}
                    ({e.from} → {e.to})
                  </Text>
                )}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
