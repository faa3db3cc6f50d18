// Per-uplink troubleshooting in the router's Troubleshoot tab: one card per uplink with its
// verdict, each check in words with its state (icon and word, never colour alone), what to do,
// and the router's own output behind a toggle.
import { Accordion, Alert, Badge, Button, Card, Code, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconCircleMinus, IconCircleX, IconStethoscope } from '@tabler/icons-react';
import { useState } from 'react';
import type { TroubleshootCheck, UplinkTroubleshoot } from '../../../shared/api/troubleshoot-schemas.ts';
import { dateTimeText } from '../../format.ts';
import { emptyTroubleshooting, useTroubleshootStore } from '../../stores/troubleshoot-store.ts';

type Status = TroubleshootCheck['status'];
const look: Record<Status, { color: string; word: string; icon: typeof IconCircleCheck }> = {
  pass: { color: 'teal', word: 'OK', icon: IconCircleCheck },
  warn: { color: 'yellow', word: 'Attention', icon: IconAlertTriangle },
  fail: { color: 'red', word: 'Failed', icon: IconCircleX },
  skip: { color: 'gray', word: 'Not checked', icon: IconCircleMinus },
};
const uplinkWord: Record<Status, string> = { pass: 'Works', warn: 'Needs attention', fail: 'Broken', skip: 'Not checked' };
/** "Works" only when every check ran: a backup whose DNS could not be asked through it has not shown that it works. */
const badgeWord = (u: UplinkTroubleshoot) => (u.status === 'pass' && u.checks.some((c) => c.status === 'skip') ? 'Works as far as checked' : uplinkWord[u.status]);

function StatusMark({ status }: { status: Status }) {
  const { color, word, icon: Icon } = look[status];
  return (
    <Group gap={4} wrap="nowrap" w={120} style={{ flexShrink: 0 }} data-testid="check-status" data-status={status}>
      <Icon size={18} color={`var(--mantine-color-${color}-7)`} aria-hidden />
      <Text size="sm" fw={600} c={`${color}.8`}>
        {word}
      </Text>
    </Group>
  );
}

function CheckRow({ check }: { check: TroubleshootCheck }) {
  return (
    <Stack gap={4} data-testid={`check-${check.id}`}>
      <Group gap="sm" align="flex-start" wrap="nowrap">
        <StatusMark status={check.status} />
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Text size="sm" fw={600}>
            {check.title}
          </Text>
          <Text size="sm">{check.summary}</Text>
          {check.fix && (
            <Text size="sm" data-testid="check-fix">
              <Text span fw={600}>
                What to do:{' '}
              </Text>
              {check.fix}
            </Text>
          )}
        </Stack>
      </Group>
    </Stack>
  );
}

function UplinkCard({ uplink, routerId, busy }: { uplink: UplinkTroubleshoot; routerId: string; busy: boolean }) {
  const run = useTroubleshootStore((s) => s.run);
  const withEvidence = uplink.checks.filter((c) => c.evidence.length > 0);
  return (
    <Card withBorder padding="md" data-testid="uplink-troubleshoot" data-uplink={uplink.name} data-status={uplink.status}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="sm">
            <Title order={5}>{uplink.name === uplink.device ? uplink.name : `${uplink.name} (${uplink.device})`}</Title>
            <Badge color={look[uplink.status].color} variant="light" data-testid="uplink-badge">
              {badgeWord(uplink)}
            </Badge>
          </Group>
          <Button size="xs" variant="default" loading={busy} onClick={() => void run(routerId, { uplink: uplink.name })}>
            Check {uplink.name} again
          </Button>
        </Group>
        <Text size="sm" data-testid="uplink-verdict">
          {uplink.verdict}
        </Text>
        {uplink.checks.map((c) => (
          <CheckRow key={c.id} check={c} />
        ))}
        {withEvidence.length > 0 && (
          <Accordion variant="contained" chevronPosition="left">
            <Accordion.Item value="evidence">
              <Accordion.Control>What the router showed</Accordion.Control>
              <Accordion.Panel>
                <Stack gap="xs">
                  {withEvidence.map((c) => (
                    <Stack gap={2} key={c.id}>
                      <Text size="xs" fw={600}>
                        {c.title}
                      </Text>
                      <Code block data-testid={`evidence-${c.id}`}>
                        {c.evidence.join('\n')}
                      </Code>
                    </Stack>
                  ))}
                </Stack>
              </Accordion.Panel>
            </Accordion.Item>
          </Accordion>
        )}
      </Stack>
    </Card>
  );
}

export function UplinkTroubleshoot({ routerId }: { routerId: string }) {
  const { running, report, error } = useTroubleshootStore((s) => s.routers[routerId] ?? emptyTroubleshooting);
  const run = useTroubleshootStore((s) => s.run);
  const [target, setTarget] = useState('');

  return (
    <Stack>
      <Title order={4}>Uplinks</Title>
      <Text size="sm" c="dimmed">
        Asks the router itself, one uplink at a time: is the link up, does the gateway answer, do a target, DNS and the web answer through that uplink, and does IPv6 fail over too. Nothing on the router is changed.
      </Text>
      <Group align="flex-end">
        <TextInput
          label="Target to test"
          description="An address every uplink should reach; empty: each uplink's tracking target"
          placeholder="1.1.1.1"
          value={target}
          onChange={(e) => setTarget(e.currentTarget.value.trim())}
          w={320}
        />
        <Button leftSection={<IconStethoscope size={16} />} loading={running} onClick={() => void run(routerId, target ? { target } : {})}>
          Check every uplink
        </Button>
      </Group>
      {running && (
        <Text size="sm" c="dimmed" role="status">
          Checking on the router; a silent DNS server or web target takes up to 15 s.
        </Text>
      )}
      {error && (
        <Alert color="red" title="The check did not run" data-testid="troubleshoot-error">
          {error.message}
        </Alert>
      )}
      {report?.uplinks.map((u) => (
        <UplinkCard key={u.name} uplink={u} routerId={routerId} busy={running} />
      ))}
      {report && (
        <Text size="xs" c="dimmed">
          Checked {dateTimeText(report.checkedMs)}
          {report.target ? ` with target ${report.target}` : ''}; DNS asked for {report.dnsName}.
        </Text>
      )}
    </Stack>
  );
}
