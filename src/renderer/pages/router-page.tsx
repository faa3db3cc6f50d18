// One router: what Switchyard knows about it, with its tabs. Tabs appear as their features
// land; Overview and Troubleshoot show what connection and detection already know.
import { Anchor, Badge, Breadcrumbs, Center, Group, Loader, Stack, Tabs, Text, Title } from '@mantine/core';
import { useEffect } from 'react';
import { detectionResultSchema } from '../../shared/detect-schemas.ts';
import { DrillTab } from '../components/drill/drill-tab.tsx';
import { EventsTab } from '../components/events/events-tab.tsx';
import { FailoverTab } from '../components/failover/failover-tab.tsx';
import { MonitoringTab } from '../components/monitoring/monitoring-tab.tsx';
import { RouterHealth, useHealthPolling } from '../components/router-health.tsx';
import { RouterOverview } from '../components/router-overview.tsx';
import { RouterTroubleshoot } from '../components/router-troubleshoot.tsx';
import { platformLabel } from '../format.ts';
import { statusPollMs } from '../stores/failover-store.ts';
import { useNavigationStore, viewHash, type RouterTab } from '../stores/navigation-store.ts';
import { useMonitoringStore } from '../stores/monitoring-store.ts';
import { useRoutersStore } from '../stores/routers-store.ts';
import { useSitesStore } from '../stores/sites-store.ts';

const availableTabs: readonly RouterTab[] = ['overview', 'failover', 'monitoring', 'events', 'drill', 'troubleshoot'];

/** Said where failover is confirmed on a Linux router whose PID 1 is no service manager (the Overview says why). */
const agentRebootCaveat =
  'Not after a reboot of the router, though: its PID 1 is not a service manager Switchyard knows, so the agent runs as a plain background process and does not start again by itself (see Overview). Apply the settings again after a reboot.';

export function RouterPage({ routerId, tab }: { routerId: string; tab: RouterTab }) {
  const go = useNavigationStore((s) => s.go);
  const { routers, status, load, watch } = useRoutersStore();
  const { sites, load: loadSites } = useSitesStore();
  const router = routers.find((r) => r.id === routerId);
  const site = sites.find((s) => s.id === router?.siteId);
  // The WAN Failover tab polls the same status itself; elsewhere the header keeps it fresh.
  useHealthPolling(router?.hostKey && tab !== 'failover' ? [routerId] : [], statusPollMs);

  useEffect(() => {
    void load();
    void loadSites();
    return watch();
  }, [load, loadSites, watch]);

  // While a detected router is open, its monitor runs whatever the tab: the core then pushes the
  // router's status and logged events at once, so every tab follows the router within a second.
  const detected = Boolean(router?.platform && router.hostKey);
  useEffect(() => (detected ? useMonitoringStore.getState().open(routerId) : undefined), [detected, routerId]);

  if (!router) {
    return <Center py="xl">{status === 'ready' ? <Text>This router is no longer in the inventory.</Text> : <Loader aria-label="Loading the router" />}</Center>;
  }
  const detection = router.facts ? detectionResultSchema.safeParse(router.facts) : null;
  const shownTab = availableTabs.includes(tab) ? tab : 'overview';

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor href={viewHash({ kind: 'sites' })}>Sites</Anchor>
        {site && <Anchor href={viewHash({ kind: 'site', siteId: site.id })}>{site.name}</Anchor>}
        <Text>{router.name}</Text>
      </Breadcrumbs>
      <Group justify="space-between">
        <Title order={2}>{router.name}</Title>
        <Group gap="xs">
          {router.hostKey && <RouterHealth routerId={router.id} />}
          {router.platform && <Badge variant="light">{platformLabel(router.platform)}</Badge>}
          {router.hostKey ? <Badge color="teal" variant="light">host key trusted</Badge> : <Badge color="gray" variant="light">host key not trusted yet</Badge>}
        </Group>
      </Group>
      <Tabs value={shownTab} onChange={(value) => value && go({ kind: 'router', routerId, tab: value as RouterTab })} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          <Tabs.Tab value="failover">WAN Failover</Tabs.Tab>
          <Tabs.Tab value="monitoring">Monitoring</Tabs.Tab>
          <Tabs.Tab value="events">Events</Tabs.Tab>
          <Tabs.Tab value="drill">Failover drill</Tabs.Tab>
          <Tabs.Tab value="troubleshoot">Troubleshoot</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md">
          <RouterOverview router={router} detection={detection?.success ? detection.data : null} />
        </Tabs.Panel>
        <Tabs.Panel value="failover" pt="md">
          <FailoverTab
            routerId={router.id}
            cannotChange={detection?.success && !detection.data.supported ? detection.data.reason : null}
            rebootCaveat={detection?.success && detection.data.platform === 'linux' && detection.data.facts.init === 'unknown' ? agentRebootCaveat : null}
          />
        </Tabs.Panel>
        <Tabs.Panel value="monitoring" pt="md">
          <MonitoringTab routerId={router.id} kinds={detection?.success ? Object.fromEntries(detection.data.uplinks.map((u) => [u.name, u.kind])) : {}} />
        </Tabs.Panel>
        <Tabs.Panel value="events" pt="md">
          <EventsTab routerId={router.id} routerName={router.name} />
        </Tabs.Panel>
        <Tabs.Panel value="drill" pt="md">
          <DrillTab routerId={router.id} />
        </Tabs.Panel>
        <Tabs.Panel value="troubleshoot" pt="md">
          <RouterTroubleshoot router={router} detection={detection?.success ? detection.data : null} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
