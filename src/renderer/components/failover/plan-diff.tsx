// What Apply will change on the router, in the user's words first and the router's own config
// text on request, with the predicted failover time and anything that blocks the change.
import { Alert, Badge, Button, Code, Collapse, List, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import type { ApplyPlan, PlanChange } from '../../../shared/failover-schemas.ts';
import { formatSeconds } from './uplink-label.ts';

const changeWords: Readonly<Record<PlanChange['kind'], { label: string; color: string }>> = {
  add: { label: 'add', color: 'teal' },
  change: { label: 'change', color: 'blue' },
  remove: { label: 'remove', color: 'red' },
};

export function PlanDiff({ plan }: { plan: ApplyPlan }) {
  const [showNative, setShowNative] = useState(false);
  return (
    <Stack gap="sm" data-testid="plan-diff">
      {plan.problems.length > 0 && (
        <Alert color="red" title="The router cannot take this change" data-testid="plan-problems">
          <List size="sm">
            {plan.problems.map((p) => (
              <List.Item key={p}>{p}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      {plan.changes.length === 0 ? (
        <Text size="sm">Nothing changes on the router: it already has these settings.</Text>
      ) : (
        <Table striped withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Change</Table.Th>
              <Table.Th>What</Table.Th>
              <Table.Th>Now</Table.Th>
              <Table.Th>After Apply</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {plan.changes.map((c, i) => (
              <Table.Tr key={`${c.subject}-${i}`} data-testid="plan-change">
                <Table.Td>
                  <Badge variant="light" color={changeWords[c.kind].color} style={{ overflow: 'visible' }}>
                    {changeWords[c.kind].label}
                  </Badge>
                </Table.Td>
                <Table.Td>{c.subject}</Table.Td>
                <Table.Td>{c.from ?? '—'}</Table.Td>
                <Table.Td>{c.to ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Text size="sm">When the active uplink fails, traffic moves within about {formatSeconds(plan.predictedFailoverSec)} (worst case).</Text>
      {plan.nativeDiff && (
        <div>
          <Button variant="subtle" size="xs" px={0} onClick={() => setShowNative((v) => !v)} aria-expanded={showNative}>
            {showNative ? 'Hide the router’s config change' : 'Show the router’s config change'}
          </Button>
          <Collapse expanded={showNative}>
            <Code block mt="xs" data-testid="native-diff" style={{ maxHeight: 320, overflow: 'auto' }}>
              {plan.nativeDiff}
            </Code>
          </Collapse>
        </div>
      )}
    </Stack>
  );
}
