// The Monitoring tab: starts live monitoring when it opens and stops it when it closes, and
// shows per uplink the latency band with the loss-coloured median, loss, jitter and throughput
// over 5 min, 1 h or 24 h, with the window's events marked; plus every empty and error state.
import { Alert, Button, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { IconAlertTriangle, IconPlugConnectedX } from '@tabler/icons-react';
import { memo, useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MonitorStatus } from '../../../shared/api/monitor-schemas.ts';
import type { ApiError } from '../../../shared/errors.ts';
import { isMetered } from '../../../shared/failover-presets.ts';
import type { WanKind } from '../../../shared/model.ts';
import { useNavigationStore } from '../../stores/navigation-store.ts';
import { emptyRouterMonitoring, monitorWindows, uplinkOrder, useMonitoringStore, type MonitorWindow, type RouterMonitoring } from '../../stores/monitoring-store.ts';
import { errorAdvice } from '../failover/error-advice.ts';
import { timeTicks } from './chart-rows.ts';
import { plotAreaOf, type TimeWindow } from './chart-axes.tsx';
import { pixelSlideMs } from './chart-geometry.ts';
import { chartWidthOf, UplinkCharts } from './uplink-charts.tsx';
import { throughputSourceLabel } from './uplink-status-line.tsx';

/** Card padding and border: the charts get the card's inner width. */
const cardInsetPx = 26;

/**
 * What the tab shows apart from the series themselves. A new second changes none of it (the
 * window's right edge moves only when the window slides), so the tab does not re-render for it:
 * the charts paint new points from their own row feeds.
 */
type TabView = Pick<RouterMonitoring, 'monitor' | 'monitorError' | 'status' | 'window' | 'history' | 'historyError' | 'stepMs' | 'events'> & {
  /** The window's right edge, rounded up to its slide; 0 before anything arrived. */
  toMs: number;
  /** uplinkOrder, one per line (a string compares by value). */
  wansKey: string;
  anyPoints: boolean;
};

/** `slideMs` per window: how far the time axis moves at a time (pixelSlideMs). */
function useTabView(routerId: string, slideMs: Readonly<Record<MonitorWindow, number>>): TabView {
  return useMonitoringStore(
    useShallow((s): TabView => {
      const state = s.routers[routerId] ?? emptyRouterMonitoring;
      return {
        monitor: state.monitor,
        monitorError: state.monitorError,
        status: state.status,
        window: state.window,
        history: state.history,
        historyError: state.historyError,
        stepMs: state.stepMs,
        events: state.events,
        toMs: state.nowMs ? Math.ceil(state.nowMs / slideMs[state.window]) * slideMs[state.window] : 0,
        wansKey: uplinkOrder(state).join('\n'),
        anyPoints: Object.values(state.series).some((points) => points.length > 0),
      };
    }),
  );
}

export function MonitoringTab({ routerId, kinds = {} }: { routerId: string; kinds?: Readonly<Record<string, WanKind>> }) {
  const { ref, width: tabWidth } = useElementSize();
  // Whole CSS pixels: at a whole device pixel ratio the plot is then whole device pixels wide.
  const width = Math.max(0, Math.floor(tabWidth - cardInsetPx));
  const slideMs = useSlideMs(width);
  const state = useTabView(routerId, slideMs);
  const open = useMonitoringStore((s) => s.open);

  useEffect(() => open(routerId), [routerId, open]);

  const windowMs = monitorWindows[state.window].ms;
  const toMs = state.toMs || Math.ceil(Date.now() / slideMs[state.window]) * slideMs[state.window];
  const timeWindow = useMemo<TimeWindow>(() => ({ fromMs: toMs - windowMs, toMs, ticks: timeTicks(toMs - windowMs, toMs, windowMs) }), [toMs, windowMs]);
  const wans = useMemo(() => (state.wansKey ? state.wansKey.split('\n') : []), [state.wansKey]);

  return (
    <Stack data-testid="monitoring-tab" data-view={viewOf(state, wans)} ref={ref}>
      <Group justify="space-between" wrap="wrap">
        <Group gap="sm">
          <Title order={3}>Monitoring</Title>
          {state.monitor === 'starting' && <Loader size="xs" aria-label="Starting the probes" />}
        </Group>
        <WindowButtons routerId={routerId} value={state.window} busy={state.history === 'loading'} />
      </Group>
      <RouterLine status={state.status} metered={Object.entries(kinds).flatMap(([wan, kind]) => (isMetered(kind) ? [wan] : [])).join(',')} />
      <Body routerId={routerId} state={state} wans={wans} kinds={kinds} timeWindow={timeWindow} width={width} />
    </Stack>
  );
}

/** Each window's slide for charts `width` CSS pixels wide (UplinkCharts' width). */
function useSlideMs(width: number): Readonly<Record<MonitorWindow, number>> {
  const plotPx = Math.round(plotAreaOf(chartWidthOf(width), 1, true).width * (window.devicePixelRatio || 1));
  return useMemo(() => {
    const out = {} as Record<MonitorWindow, number>;
    for (const w of Object.keys(monitorWindows) as MonitorWindow[]) out[w] = pixelSlideMs(monitorWindows[w].ms, monitorWindows[w].slideMs, plotPx);
    return out;
  }, [plotPx]);
}

function viewOf(state: TabView, wans: readonly string[]): string {
  if (state.history === 'error') return 'error';
  if (wans.length === 0) return state.history === 'loading' || state.monitor === 'starting' ? 'loading' : state.monitor === 'error' ? 'no-uplinks' : 'waiting';
  return 'charts';
}

function Body(props: { routerId: string; state: TabView; wans: readonly string[]; kinds: Readonly<Record<string, WanKind>>; timeWindow: TimeWindow; width: number }) {
  const { routerId, state, wans } = props;
  if (state.history === 'error' && state.historyError) {
    return (
      <Stack>
        {state.monitorError && <MonitorProblem routerId={routerId} error={state.monitorError} hasHistory={false} />}
        <Problem routerId={routerId} title="Switchyard could not read this router’s history" error={state.historyError} />
      </Stack>
    );
  }
  if (wans.length === 0) {
    if (state.history === 'loading' || state.monitor === 'starting' || state.monitor === 'idle') {
      return (
        <Center py="xl">
          <Group gap="sm">
            <Loader size="sm" />
            <Text>{state.monitor === 'starting' ? 'Starting the probes on the router…' : `Loading the last ${monitorWindows[state.window].label}…`}</Text>
          </Group>
        </Center>
      );
    }
    if (state.monitorError) return <MonitorProblem routerId={routerId} error={state.monitorError} hasHistory={false} />;
    return (
      <Center py="xl">
        <Text c="dimmed" data-testid="monitoring-waiting">
          Waiting for the first samples…
        </Text>
      </Center>
    );
  }
  const { anyPoints } = state;
  return (
    <Stack gap="sm">
      {state.monitorError && <MonitorProblem routerId={routerId} error={state.monitorError} hasHistory={anyPoints} />}
      {!anyPoints && state.monitor === 'running' && (
        <Text c="dimmed" size="sm" data-testid="monitoring-waiting">
          Waiting for the first samples… The first ones arrive a second or two after the probes start.
        </Text>
      )}
      {wans.map((wan) => (
        <UplinkCharts
          key={wan}
          routerId={routerId}
          wan={wan}
          kind={props.kinds[wan]}
          stepMs={state.stepMs}
          events={state.events}
          window={props.timeWindow}
          status={state.status}
          width={props.width}
        />
      ))}
    </Stack>
  );
}

// Memoised, like RouterLine: the tab re-renders every second, these only when their props change.
const WindowButtons = memo(function WindowButtons({ routerId, value, busy }: { routerId: string; value: MonitorWindow; busy: boolean }) {
  const setWindow = useMonitoringStore((s) => s.setWindow);
  return (
    <Group gap="xs">
      {busy && <Loader size="xs" aria-label="Loading the window" />}
      <Button.Group aria-label="Time window">
        {(Object.keys(monitorWindows) as MonitorWindow[]).map((w) => (
          <Button key={w} size="xs" variant={w === value ? 'filled' : 'default'} aria-pressed={w === value} onClick={() => void setWindow(routerId, w)}>
            {monitorWindows[w].label}
          </Button>
        ))}
      </Button.Group>
    </Group>
  );
});

/**
 * Router-wide facts: whose probes the charts show, what they cost on metered uplinks, where
 * throughput comes from and why, and the failover engine's status poll. `metered`: the metered
 * uplinks' names, comma-separated (a string, so the memo holds while nothing changes).
 */
const RouterLine = memo(function RouterLine({ status, metered }: { status: MonitorStatus | null; metered: string }) {
  if (!status) return null;
  const standingBy = status.uplinks.filter((u) => u.state === 'standby').map((u) => u.wan);
  const meteredProbed = status.running ? status.uplinks.filter((u) => u.state === 'running' && metered.split(',').includes(u.wan)).map((u) => u.wan) : [];
  return (
    <Stack gap={2} data-testid="monitor-status">
      <Text size="xs" c="dimmed">
        {status.running ? `These charts: Switchyard probes every second${standingBy.length ? ` (not ${standingBy.join(' or ')}: standing by)` : ''}; the router's failover, when on, decides on probes of its own, not charted here` : 'Switchyard is not probing'} · {throughputSourceLabel(status.throughputSource)}
        {status.throughputNotes.length > 0 && ` (${status.throughputNotes.join('; ')})`}
      </Text>
      {meteredProbed.length > 0 && (
        // One echo a second (84 B out, 84 B back, ping's -i 0.95: src/main/core/monitor/router-monitor.ts) ≈ 15 MB a day.
        <Text size="xs" c="yellow.8" data-testid="monitor-metered-cost">
          {meteredProbed.join(' and ')} {meteredProbed.length === 1 ? 'is' : 'are'} metered: these probes cost about 15 MB a day on {meteredProbed.length === 1 ? 'its' : 'each'} bill while Switchyard runs, on top of the failover&apos;s own.
        </Text>
      )}
      {status.routerStatus && !status.routerStatus.ok && status.routerStatus.message && (
        <Text size="xs" c="yellow.8">
          Failover engine status: {status.routerStatus.message}
        </Text>
      )}
    </Stack>
  );
});

function MonitorProblem({ routerId, error, hasHistory }: { routerId: string; error: ApiError; hasHistory: boolean }) {
  const go = useNavigationStore((s) => s.go);
  if (error.code === 'invalid-input') {
    // The core refuses to start when it knows no uplink of this router.
    return (
      <Alert color="blue" title="No uplinks to watch yet" data-testid="monitoring-no-uplinks">
        <Stack gap={6}>
          <Text size="sm">{error.message}</Text>
          <Text size="sm">
            Switchyard watches the uplinks that detection found or that WAN failover uses. Run detection on the Overview tab, or set up failover on the WAN Failover tab.
            {hasHistory && ' The charts below show the history recorded so far.'}
          </Text>
          <Group gap="xs">
            <Button size="xs" variant="default" onClick={() => go({ kind: 'router', routerId, tab: 'overview' })}>
              Go to Overview
            </Button>
            <Button size="xs" variant="default" onClick={() => go({ kind: 'router', routerId, tab: 'failover' })}>
              Go to WAN Failover
            </Button>
          </Group>
        </Stack>
      </Alert>
    );
  }
  return <Problem routerId={routerId} title={hasHistory ? 'Live monitoring is not running; the charts show history only' : 'Live monitoring could not start'} error={error} />;
}

function Problem({ routerId, title, error }: { routerId: string; title: string; error: ApiError }) {
  const go = useNavigationStore((s) => s.go);
  const retry = useMonitoringStore((s) => s.retry);
  const advice = errorAdvice(error.code, 'load');
  const lost = ['timeout', 'connection-lost', 'connection-refused', 'host-unreachable'].includes(error.code);
  return (
    <Alert color={lost ? 'yellow' : 'red'} icon={lost ? <IconPlugConnectedX /> : <IconAlertTriangle />} title={title} data-testid="monitoring-error" data-code={error.code}>
      <Stack gap={6}>
        <Text size="sm">{error.message}</Text>
        <Text size="sm">{advice.nextStep}</Text>
        <Group gap="xs">
          {advice.action === 'overview' && (
            <Button size="xs" variant="default" onClick={() => go({ kind: 'router', routerId, tab: 'overview' })}>
              Go to Overview
            </Button>
          )}
          {(advice.action === 'retry' || advice.action === 'reload') && (
            <Button size="xs" variant="default" onClick={() => void retry(routerId)}>
              Try again
            </Button>
          )}
        </Group>
      </Stack>
    </Alert>
  );
}
