// What Apply will change on the router, in the user's words first and the router's own config
// text on request, with the predicted failover time and anything that blocks the change.
import { Alert, Badge, Button, Code, Collapse, List, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import type { ApplyPlan, PlanChange } from '../../../shared/failover-schemas.ts';
import { balanceShares } from './policy-issues.ts';
import { formatSeconds, uplinkLabel } from './uplink-label.ts';

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
      <PlanOutcome plan={plan} />
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

/** What the uplinks will do after Apply, in the mode's own words: an order for Failover, shares for Load balance. */
function PlanOutcome({ plan }: { plan: ApplyPlan }) {
  const enabled = plan.policy.wans.filter((w) => w.enabled).toSorted((a, b) => a.priority - b.priority);
  const within = formatSeconds(plan.predictedFailoverSec);
  if (plan.policy.mode === 'balance') {
    const shares = balanceShares(plan.policy);
    return (
      <Stack gap={4} data-testid="plan-outcome">
        <Text size="sm">
          New connections are spread by ratio: {enabled.map((w) => `${uplinkLabel(w)} ratio ${w.weight} (${shares.get(w.name) ?? 0} %)`).join(', ')}.
        </Text>
        <Text size="sm">If one of them stops passing its checks, the others take its share of new connections within about {within} (worst case).</Text>
      </Stack>
    );
  }
  return (
    <Stack gap={4} data-testid="plan-outcome">
      <Text size="sm">Priority order: {enabled.map((w, i) => `${i + 1}. ${uplinkLabel(w)}`).join(' → ')}.</Text>
      <Text size="sm">When the uplink in use fails, traffic moves to the next within about {within} (worst case).</Text>
    </Stack>
  );
}
