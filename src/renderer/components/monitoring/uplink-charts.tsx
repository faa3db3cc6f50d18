// One uplink's card on the Monitoring tab: its name and probe status, the latest values, and
// its latency, loss/jitter and throughput charts over the chosen window. The card reads its
// points through a row feed: a new second re-renders the latest values, not the card or charts.
import { Box, Card, Group, Stack, Text } from '@mantine/core';
import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import type { HistoryPoint, MonitorStatus } from '../../../shared/api/monitor-schemas.ts';
import type { LinkEvent, WanKind } from '../../../shared/model.ts';
import { WanKindIcon } from '../wan-kind-icon.tsx';
import { uplinkLabel } from '../failover/uplink-label.ts';
import { formatBps, formatClock, formatMs, formatPct, lossBuckets, type ChartRow } from './chart-rows.ts';
import { LatencyChart } from './latency-chart.tsx';
import { LossJitterChart } from './loss-jitter-chart.tsx';
import { ThroughputChart } from './throughput-chart.tsx';
import { chartMargin, valueAxisWidth, type TimeWindow } from './chart-axes.tsx';
import { UplinkStatusLine } from './uplink-status-line.tsx';
import { monitoringRowFeed, useRowFeed, type RowFeed } from './row-feed.ts';
import { useMonitoringStore } from '../../stores/monitoring-store.ts';

interface Props {
  routerId: string;
  wan: string;
  kind: WanKind | undefined;
  stepMs: number;
  /** The router's events in the window; this card shows its own and the router-wide ones. */
  events: readonly LinkEvent[];
  window: TimeWindow;
  status: MonitorStatus | null;
  width: number;
}

export const UplinkCharts = memo(function UplinkCharts({ routerId, wan, kind, stepMs, events, window, status, width }: Props) {
  const feed = useMemo(() => monitoringRowFeed(routerId, wan), [routerId, wan]);
  const hasPoints = useRowFeed(feed, anyPoints);
  const ownEvents = useMemo(() => events.filter((e) => !e.wan || e.wan === wan), [events, wan]);
  const uplink = status?.uplinks.find((u) => u.wan === wan);
  const chartWidth = chartWidthOf(width);
  const [hover, setHover] = useState<{ row: ChartRow; xPx: number } | null>(null);
  // The hover read-out is plain DOM over the charts: moving the mouse never re-renders them.
  const plotLeft = chartMargin.left + valueAxisWidth;
  const plotWidth = chartWidth - plotLeft - chartMargin.right;
  const onMove = (e: MouseEvent<HTMLDivElement>) => {
    const x = e.clientX - e.currentTarget.getBoundingClientRect().left;
    const t = window.fromMs + ((x - plotLeft) / plotWidth) * (window.toMs - window.fromMs);
    const row = nearest(feed.rows(), t);
    setHover(row && x >= plotLeft && x <= plotLeft + plotWidth ? { row, xPx: plotLeft + ((row.t - window.fromMs) / (window.toMs - window.fromMs)) * plotWidth } : null);
  };
  return (
    <Card withBorder padding="sm" data-testid="uplink-monitor" data-wan={wan}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="wrap" gap="xs">
          <UplinkTitle wan={wan} kind={kind} />
          <Readout hover={hover?.row ?? null} feed={feed} routerId={routerId} wan={wan} />
        </Group>
        <UplinkStatusLine uplink={uplink} status={status} />
        {!hasPoints ? (
          <Box py="lg">
            <Text size="sm" c="dimmed" ta="center" data-testid="uplink-waiting">
              {uplink?.state === 'failed'
                ? 'No samples: the probe on the router failed (see above).'
                : uplink?.state === 'standby'
                  ? 'No samples while it stands by: not probed until it is needed, or until you probe it now.'
                  : 'Waiting for the first samples…'}
            </Text>
          </Box>
        ) : width > 0 ? (
          <Box pos="relative" onMouseMove={onMove} onMouseLeave={() => setHover(null)}>
            <LatencyChart wan={wan} feed={feed} events={ownEvents} window={window} width={chartWidth} />
            <LossLegend />
            <LossJitterChart wan={wan} feed={feed} stepMs={stepMs} events={ownEvents} window={window} width={chartWidth} />
            <ThroughputChart wan={wan} feed={feed} events={ownEvents} window={window} width={chartWidth} />
            {hover && <Box pos="absolute" top={0} bottom={0} left={hover.xPx} w={1} bg="var(--mantine-color-dimmed)" style={{ pointerEvents: 'none', opacity: 0.6 }} />}
          </Box>
        ) : null}
      </Stack>
    </Card>
  );
});

/** The charts' width for a card `width` CSS pixels wide inside. */
export function chartWidthOf(width: number): number {
  return Math.max(200, width);
}

// The card's parts are memoised on their own props: a new second re-renders the read-out and
// the charts, not the title, the probe's status line or the legend (Mantine components cost a
// little each, and a card has dozens of them).
const UplinkTitle = memo(function UplinkTitle({ wan, kind }: { wan: string; kind: WanKind | undefined }) {
  return (
    <Group gap="xs">
      {kind && <WanKindIcon kind={kind} />}
      <Text fw={600}>{kind ? uplinkLabel({ kind, name: wan }) : wan}</Text>
    </Group>
  );
});

const anyPoints = (feed: RowFeed) => feed.points().length > 0;
const newest = (feed: RowFeed): HistoryPoint | undefined => feed.points().at(-1);

/** The newest values as the card's read-out line. */
function latestText(last: HistoryPoint): string {
  return `now ${formatMs(last.latencyMs)} · loss ${formatPct(last.lossPct)} · jitter ${formatMs(last.jitterMs)} · ↓ ${formatBps(last.rxBps)} ↑ ${formatBps(last.txBps)}`;
}

/**
 * The hovered row's values, else the newest live second's (else the newest point's, for an uplink
 * with history only). A new second writes its values straight into the element: React renders
 * the read-out only when hovering starts or stops or the first values arrive, not every second.
 */
const Readout = memo(function Readout({ hover, feed, routerId, wan }: { hover: ChartRow | null; feed: RowFeed; routerId: string; wan: string }) {
  const lastOf = useCallback(() => useMonitoringStore.getState().routers[routerId]?.latest[wan] ?? newest(feed), [routerId, wan, feed]);
  const hasValues = useMonitoringStore(() => lastOf() !== undefined);
  const ref = useRef<HTMLParagraphElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (hover || !el) return;
    let shown: HistoryPoint | undefined;
    const write = () => {
      const last = lastOf();
      if (!last || last === shown) return;
      shown = last;
      writeText(el, latestText(last));
      el.dataset.atMs = String(last.atMs);
    };
    write();
    return useMonitoringStore.subscribe(write);
  }, [lastOf, hover, hasValues]);
  if (hover) {
    return (
      // Its own key: React must not reuse the read-out's element, whose text it does not know of.
      <Text key="hover" size="sm" ff="monospace" data-testid="uplink-hover">
        {formatClock(hover.t)} · median {formatMs(hover.med)} (min {formatMs(hover.band?.[0] ?? null)}, max {formatMs(hover.band?.[1] ?? null)}) · loss {formatPct(hover.loss)} · jitter {formatMs(hover.jitter)} · ↓{' '}
        {formatBps(hover.rx)} ↑ {formatBps(hover.tx)}
      </Text>
    );
  }
  if (!hasValues) return null;
  return (
    // The wrapper is the header's flex item: Chromium never starts layout at a flex item.
    <div key="latest" style={latestSlot}>
      <Text ref={ref} size="sm" ff="monospace" data-testid="uplink-latest" style={latestBox} />
    </div>
  );
});

const latestSlot = { minWidth: 0, maxWidth: '100%' } as const;

/**
 * The "now" line's box does not depend on its text: one line of a width that fits the longest
 * read-out, right-aligned where the text ended before. Its layout is contained (a relayout
 * boundary), so a new second lays out this line only, not the card, the tab and the page up to
 * the root (31 objects every second, seen in Chromium's trace), and repaints only this box.
 */
const latestBox = {
  contain: 'strict',
  width: '70ch',
  maxWidth: '100%',
  height: '1lh',
  whiteSpace: 'nowrap',
  overflow: 'hidden',
  textOverflow: 'ellipsis',
  textAlign: 'right',
} as const;

/**
 * Sets an element's text by changing its text node's data: assigning textContent replaces the
 * node (a removal, an insertion, its style and a layout-tree rebuild every second); unchanged
 * text is not written at all.
 */
function writeText(el: HTMLElement, text: string): void {
  const node = el.firstChild;
  if (node && node.nodeType === node.TEXT_NODE && node === el.lastChild) {
    if (node.nodeValue !== text) node.nodeValue = text;
  } else el.textContent = text;
}

/** The row nearest to `t` (rows are sorted by time). */
function nearest(rows: readonly ChartRow[], t: number): ChartRow | null {
  if (rows.length === 0) return null;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  const before = rows[lo - 1];
  return before && Math.abs(before.t - t) < Math.abs(rows[lo]!.t - t) ? before : rows[lo]!;
}

/** Static HTML legend, readable without colour. */
const LossLegend = memo(function LossLegend() {
  return (
    <Group gap="md" px={valueAxisWidth} wrap="wrap">
      <Group gap={4}>
        <Box w={14} h={8} bg="gray.5" opacity={0.6} />
        <Text size="xs" c="dimmed">
          min–max
        </Text>
      </Group>
      {lossBuckets.map((b) => (
        <Group gap={4} key={b.key}>
          <Box w={14} h={3} style={{ background: b.color }} />
          <Text size="xs" c="dimmed">
            median, {b.label}
          </Text>
        </Group>
      ))}
      <Text size="xs" c="dimmed">
        Below: loss (red, %) and jitter (blue, ms); received (teal) and sent (purple)
      </Text>
    </Group>
  );
});
