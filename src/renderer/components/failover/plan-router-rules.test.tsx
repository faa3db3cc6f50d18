// @vitest-environment happy-dom
// The plan dialog's router rules (issue 16 item 8): each rule ahead of Switchyard's is shown with its
// three choices; picking one plans again with that choice in the policy. The contract is mocked: the
// plan below has the shape the mwan3 driver gives for the stock sticky https rule.
import { MantineProvider } from '@mantine/core';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MethodName } from '../../../shared/api/contract.ts';
import type { FailoverPolicy } from '../../../shared/model.ts';
import { routeApiCalls } from '../../api/route-api-calls.test-util.ts';
import { useFailoverStore } from '../../stores/failover-store.ts';
import { theme } from '../../theme.ts';
import { appliedPolicy, plan, snapshot, status } from './failover-fixtures.test-util.ts';
import { FailoverTab } from './failover-tab.tsx';

vi.mock('../../api/api.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/api.ts')>()), api: { call: vi.fn(), on: vi.fn(() => () => {}) } }));

const calls: { method: string; params: Record<string, unknown> }[] = [];
const planWithRules = (policy: FailoverPolicy) => {
  const choice = policy.routerRules?.https ?? 'first';
  return plan(policy, {
    platform: 'openwrt-mwan3',
    routerRules: [{ rule: 'https', summary: 'TCP to port 443, sticky → mwan3 policy "balanced"', choice, defaultChoice: 'first', allowed: ['leave', 'disable', 'first'], unavailable: [] }],
    ...(choice === 'leave' ? { notes: ['The router\'s rule "https" (TCP to port 443, sticky → mwan3 policy "balanced") stays ahead of Switchyard\'s, as chosen, so that traffic does not follow your uplink order.'] } : {}),
  });
};

beforeEach(() => {
  const handlers: Partial<Record<MethodName, (params: Record<string, unknown>) => unknown>> = {
    'failover.get': () => snapshot({ policy: appliedPolicy, status: status({ enabled: true, mode: 'failover' }) }),
    'failover.status': () => status({ enabled: true, mode: 'failover' }),
    'failover.plan': (p) => planWithRules(p.policy as FailoverPolicy),
  };
  calls.length = 0;
  routeApiCalls(handlers, calls);
  useFailoverStore.setState({ routers: {} });
});
afterEach(() => cleanup());

describe('router rules in the plan', () => {
  it('shows the https rule with its three choices, and choosing Leave plans again with that choice', async () => {
    render(
      <MantineProvider theme={theme}>
        <FailoverTab routerId="r1" />
      </MantineProvider>,
    );
    await screen.findByText('Uplinks');
    fireEvent.click(within(screen.getByTestId('forced-refresh-switch').closest('.mantine-Switch-root')!).getByRole('switch'));
    fireEvent.click(screen.getByTestId('apply-button'));
    const rule = await screen.findByTestId('plan-router-rule');
    expect(rule.textContent).toContain('https');
    expect(rule.textContent).toContain('TCP to port 443, sticky → mwan3 policy "balanced"');
    const radios = within(rule).getAllByRole('radio') as HTMLInputElement[];
    expect(radios.map((r) => r.value)).toEqual(['leave', 'disable', 'first']);
    expect(radios.find((r) => r.checked)?.value).toBe('first');
    expect(rule.textContent).toContain('Switchyard’s rule first (default)');
    fireEvent.click(radios[0]!);
    await waitFor(() => expect(calls.filter((c) => c.method === 'failover.plan')).toHaveLength(2));
    expect((calls.filter((c) => c.method === 'failover.plan')[1]!.params.policy as FailoverPolicy).routerRules).toEqual({ https: 'leave' });
    await waitFor(() => expect((within(screen.getByTestId('plan-router-rule')).getAllByRole('radio') as HTMLInputElement[]).find((r) => r.checked)?.value).toBe('leave'));
    expect(screen.getByTestId('plan-notes').textContent).toContain('stays ahead of Switchyard\'s, as chosen');
  });
});
