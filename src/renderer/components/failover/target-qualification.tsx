// Target qualification before apply (issue 14 item 4): every target of the draft tested through
// every uplink from the router, the findings with their evidence, and a one-click fix for each.
import { Alert, Button, Card, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { TargetFinding, TargetFix, TargetProbe } from '../../../shared/api/qualify-schemas.ts';
import type { FailoverPolicy, PlatformId } from '../../../shared/model.ts';
import { useQualifyStore } from '../../stores/qualify-store.ts';

const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function fixLabel(fix: TargetFix): string {
  switch (fix.kind) {
    case 'replace-target':
      return `Replace ${fix.from} with ${fix.to} on ${fix.wan}`;
    case 'remove-target':
      return `Remove ${fix.target} from ${fix.wan}`;
    case 'add-target':
      return `Add ${fix.target} to ${fix.wan}`;
    case 'use-preset':
      return 'Use Balanced timing';
  }
}

export function TargetQualification(props: { routerId: string; platform: PlatformId; draft: FailoverPolicy; locked: boolean }) {
  const { routerId, platform, draft, locked } = props;
  const state = useQualifyStore((s) => s.routers[routerId]);
  const [spare, setSpare] = useState('');
  const spareList = spare.split(/[\s,]+/).filter(Boolean);
  const badSpare = spareList.find((a) => !ipv4.test(a));
  const spareError = badSpare ? `“${badSpare}” is not an IPv4 address; write addresses like 9.9.9.9, separated by commas.` : spareList.length > 8 ? 'At most 8 spare addresses.' : null;
  const run = () => void useQualifyStore.getState().run(routerId, draft, spareList);
  return (
    <Card withBorder data-testid="target-qualification">
      <Stack gap="sm">
        <Group justify="space-between" align="baseline">
          <Title order={4}>Targets</Title>
          <Text size="sm" c="dimmed">
            Tested from the router before you apply: through each uplink that has a route of its own yet (each result says which way it went).
          </Text>
        </Group>
        <Group align="flex-end">
          <TextInput
            style={{ flex: 1 }}
            label="Spare addresses to try (optional)"
            description="Offered as replacements when a target fails; they are tested too."
            placeholder="e.g. 9.9.9.9, 1.0.0.1"
            value={spare}
            error={spareError}
            onChange={(e) => setSpare(e.currentTarget.value)}
          />
          <Button onClick={run} loading={state?.running} disabled={locked || spareError !== null} data-testid="qualify-run">
            Test targets
          </Button>
        </Group>
        {state?.error && (
          <Alert color="red" title="The test did not run" data-testid="qualify-error">
            {state.error.message}
          </Alert>
        )}
        {state?.result && (
          <Stack gap="xs" data-testid="qualify-result">
            {state.result.findings.length === 0 && (
              <Alert color="green" data-testid="qualify-ok">
                Every target answers through its uplink, steadily and at full rate, and no two uplinks share a target.
              </Alert>
            )}
            {state.result.findings.map((f, i) => (
              <FindingRow key={`${f.kind}-${f.wan}-${f.target}`} finding={f} fixed={state.fixed.includes(i)} locked={locked} onFix={(fix) => useQualifyStore.getState().fix(routerId, platform, i, fix)} />
            ))}
            {state.result.notes?.map((note) => (
              <Alert color="gray" key={note} data-testid="qualify-note">
                {note}
              </Alert>
            ))}
            <ProbeTable probes={state.result.probes} />
            {state.result.pingTool && (
              <Text size="xs" c="dimmed" data-testid="qualify-ping-tool">
                Probed with the router&apos;s own {state.result.pingTool === 'busybox' ? 'BusyBox' : 'iputils'} ping{state.result.pingTool === 'busybox' ? ' (echoes from each uplink’s address; path from BusyBox traceroute)' : ''}.
              </Text>
            )}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

function FindingRow({ finding, fixed, locked, onFix }: { finding: TargetFinding; fixed: boolean; locked: boolean; onFix: (fix: TargetFix) => void }) {
  return (
    <Alert color={finding.severity === 'problem' ? 'red' : 'yellow'} data-testid={`finding-${finding.kind}`} title={finding.severity === 'problem' ? 'Problem' : 'Warning'}>
      <Stack gap={6}>
        <Text size="sm">{finding.text}</Text>
        {finding.fix &&
          (fixed ? (
            <Text size="sm" c="green.8" data-testid="finding-fixed">
              Done in the draft: {fixLabel(finding.fix)}. Test again to check it.
            </Text>
          ) : (
            <Group>
              <Button size="xs" variant="light" disabled={locked} onClick={() => onFix(finding.fix!)} data-testid="finding-fix">
                {fixLabel(finding.fix)}
              </Button>
            </Group>
          ))}
      </Stack>
    </Alert>
  );
}

function ProbeTable({ probes }: { probes: readonly TargetProbe[] }) {
  return (
    <Table striped withTableBorder fz="xs" data-testid="qualify-probes">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Uplink</Table.Th>
          <Table.Th>Address</Table.Th>
          <Table.Th>Answered (0.5 s apart)</Table.Th>
          <Table.Th>At 10 a second</Table.Th>
          <Table.Th>Round trip</Table.Th>
          <Table.Th>Path (TTL 1, 2, 3)</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {probes.map((p) => (
          <Table.Tr key={`${p.wan}-${p.target}`}>
            <Table.Td>{p.wan}</Table.Td>
            <Table.Td>
              {p.target}
              {p.role === 'candidate' ? ' (not its target)' : ''}
            </Table.Td>
            <Table.Td>
              {p.slow.received} of {p.slow.sent}
            </Table.Td>
            <Table.Td>{p.fast.sent === 0 ? 'not run' : `${p.fast.received} of ${p.fast.sent}`}</Table.Td>
            <Table.Td>{p.rttMs ? `${p.rttMs.avg.toFixed(1)} ms (max ${p.rttMs.max.toFixed(1)})` : '—'}</Table.Td>
            <Table.Td>{p.hops.map((h) => h ?? '*').join(' → ') || '—'}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
