// One drill report as it will print: the same self-contained HTML the PDF is made from, in a
// sandboxed frame (no script runs in it), with the exports beside it.
import { Button, Card, Group, Text } from '@mantine/core';
import { useMemo } from 'react';
import type { DrillReport } from '../../../shared/api/drill-schemas.ts';
import { drillReportHtml } from '../../../shared/drill-report-html.ts';
import { useDrillStore, emptyRouterDrills } from '../../stores/drill-store.ts';

export function DrillReportView({ routerId, report }: { routerId: string; report: DrillReport }) {
  const html = useMemo(() => drillReportHtml(report), [report]);
  const exporting = useDrillStore((s) => (s.routers[routerId] ?? emptyRouterDrills).exporting);
  const { exportReport, closeReport } = useDrillStore();
  return (
    <Card withBorder padding="sm" data-testid="drill-report">
      <Group justify="space-between" mb="xs">
        <Text fw={600}>Drill report</Text>
        <Group gap="xs">
          {(['pdf', 'html', 'json', 'csv'] as const).map((format) => (
            <Button key={format} size="xs" variant="default" loading={exporting === format} disabled={exporting !== null} onClick={() => void exportReport(routerId, format)}>
              {format.toUpperCase()}
            </Button>
          ))}
          <Button size="xs" variant="subtle" onClick={() => closeReport(routerId)}>
            Close
          </Button>
        </Group>
      </Group>
      <iframe title="Drill report" sandbox="" srcDoc={html} style={{ width: '100%', height: 640, border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4, background: 'white' }} />
    </Card>
  );
}
