// What Apply will change on the router, in the user's words first and the router's own config
// text on request, with the predicted failover time and anything that blocks the change.
import { Alert, Badge, Button, Code, Collapse, Group, List, SegmentedControl, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useState } from 'react';
import type { ApplyPlan, PlanChange, PlanRouterRule } from '../../../shared/failover-schemas.ts';
import type { RouterRuleChoice } from '../../../shared/model.ts';
import { balanceShares } from './policy-issues.ts';
import { formatSeconds, uplinkLabel } from './uplink-label.ts';

const changeWords: Readonly<Record<PlanChange['kind'], { label: string; color: string }>> = {
  add: { label: 'add', color: 'teal' },
  change: { label: 'change', color: 'blue' },
  remove: { label: 'remove', color: 'red' },
};

const ruleChoiceLabels: Readonly<Record<RouterRuleChoice, string>> = {
  leave: 'Leave it',
  disable: 'Disable it for Switchyard',
  first: 'Switchyard’s rule first',
};

const ruleChoiceWords: Readonly<Record<RouterRuleChoice, string>> = {
  leave: 'It stays ahead: this traffic keeps its own policy, not your uplink order.',
  disable: 'It moves below Switchyard’s rule: for this traffic it no longer applies, so it follows your uplink order (IPv6 still uses it). Remove puts it back.',
  first: 'Switchyard’s rule goes above it: this traffic follows your uplink order; the router’s rule itself is not touched.',
};

/** The router's own rules ahead of Switchyard's that would send traffic elsewhere, each with its three choices. */
function RouterRules({ rules, onChoose }: { rules: readonly PlanRouterRule[]; onChoose?: ((rule: string, choice: RouterRuleChoice) => void) | undefined }) {
  return (
    <Alert color="yellow" title="Router rules ahead of Switchyard’s" data-testid="plan-router-rules">
      <Stack gap="sm">
        <Text size="sm">These rules on the router come first and would send their traffic elsewhere, not along your uplink order. Choose for each; the default keeps your order for all traffic.</Text>
        {rules.map((r) => (
          <Stack key={r.rule} gap={4} data-testid="plan-router-rule">
            <Group gap="xs">
              <Text size="sm" fw={600}>
                {r.rule}
              </Text>
              <Text size="sm">{r.summary}</Text>
            </Group>
            <SegmentedControl
              size="xs"
              aria-label={`What to do with the router’s rule ${r.rule}`}
              value={r.choice}
              disabled={!onChoose}
              onChange={(v) => onChoose?.(r.rule, v as RouterRuleChoice)}
              data={(['leave', 'disable', 'first'] as const).map((c) => {
                const why = r.unavailable.find((u) => u.choice === c)?.why;
                const label = `${ruleChoiceLabels[c]}${c === r.defaultChoice ? ' (default)' : ''}`;
                return { value: c, disabled: !r.allowed.includes(c), label: why ? <Tooltip label={why} multiline w={280}><span>{label}</span></Tooltip> : label };
              })}
            />
            <Text size="xs" c="dimmed">
              {ruleChoiceWords[r.choice]}
            </Text>
            {r.unavailable.map((u) => (
              <Text key={u.choice} size="xs" c="dimmed">
                {ruleChoiceLabels[u.choice]} is not possible: {u.why}
              </Text>
            ))}
          </Stack>
        ))}
      </Stack>
    </Alert>
  );
}

export function PlanDiff({ plan, onRouterRule }: { plan: ApplyPlan; onRouterRule?: (rule: string, choice: RouterRuleChoice) => void }) {
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
                  {/* max-content: a narrow dialog squeezed this column until the label read "CHA…" */}
                  <Badge variant="light" color={changeWords[c.kind].color} style={{ overflow: 'visible', minWidth: 'max-content' }}>
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
      {plan.routerRules && plan.routerRules.length > 0 && <RouterRules rules={plan.routerRules} onChoose={onRouterRule} />}
      <PlanOutcome plan={plan} />
      {plan.notes && plan.notes.length > 0 && (
        <List size="sm" data-testid="plan-notes">
          {plan.notes.map((n) => (
            <List.Item key={n}>{n}</List.Item>
          ))}
        </List>
      )}
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
