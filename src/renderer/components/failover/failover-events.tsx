// The last few things the failover engine and Switchyard did on this router, newest first.
import { Card, Stack, Text, Title } from '@mantine/core';
import type { RouterStatus } from '../../../shared/failover-schemas.ts';
import { clockTime } from './uplink-label.ts';

const shown = 6;

export function FailoverEvents({ events }: { events: RouterStatus['events'] }) {
  const latest = [...events].sort((a, b) => b.atMs - a.atMs).slice(0, shown);
  return (
    <Card withBorder>
      <Title order={5} mb="xs">
        Recent events
      </Title>
      {latest.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing has happened yet.
        </Text>
      ) : (
        <Stack gap={4}>
          {latest.map((e, i) => (
            <Text key={`${e.atMs}-${i}`} size="sm">
              <Text span c="dimmed" ff="monospace">
                {clockTime(e.atMs)}
              </Text>{' '}
              {e.message}
            </Text>
          ))}
        </Stack>
      )}
    </Card>
  );
}
