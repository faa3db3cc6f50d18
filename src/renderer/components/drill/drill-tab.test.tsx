// @vitest-environment happy-dom
// The Failover drill tab against a mocked contract: past drills with their time as every other
// list in the app writes it.
import { MantineProvider } from '@mantine/core';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { routeApiCalls } from '../../api/route-api-calls.test-util.ts';
import { useDrillStore } from '../../stores/drill-store.ts';
import { theme } from '../../theme.ts';
import { DrillTab } from './drill-tab.tsx';

vi.mock('../../api/api.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/api.ts')>()), api: { call: vi.fn(), on: vi.fn(() => () => {}) } }));

// 15:59:36 local time on 5 December 2026.
const createdMs = new Date(2026, 11, 5, 15, 59, 36).getTime();

beforeEach(() => {
  useDrillStore.setState({ routers: {} });
  routeApiCalls({
    'drill.list': () => ({ reports: [{ id: 'd1', routerId: 'r1', createdMs, trials: 1, verdict: { ok: true, text: 'Card payments stay up.' } }], running: null, lastFailure: null }),
  });
});
afterEach(cleanup);

describe('past drills', () => {
  it('says when on the 24-hour clock, as the Events tab does ("Dec 5, 15:59:36", not "12/5/2026, 3:59:36 PM")', async () => {
    // Seen on the lab walk: the drill list wrote US-style 12-hour times beside the Events tab's.
    render(
      <MantineProvider theme={theme}>
        <DrillTab routerId="r1" />
      </MantineProvider>,
    );
    await screen.findByText('Card payments stay up.');
    expect(screen.getByRole('table').querySelector('tbody td')!.textContent).toBe('Dec 5, 15:59:36');
  });
});
