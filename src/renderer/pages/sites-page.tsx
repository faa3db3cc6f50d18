// The Sites page: every place the user looks after, with loading, empty and error states, and
// the inventory as a JSON file (export, import) to move it to another computer.
import { Alert, Button, Card, Center, FileButton, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconBuildingStore, IconCheck, IconDownload, IconPlus, IconUpload } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { healthPollMs, RouterHealth, useHealthPolling } from '../components/router-health.tsx';
import { SiteFormModal } from '../components/site-form-modal.tsx';
import { useRoutersStore } from '../stores/routers-store.ts';
import { useInventoryTransfer, type InventoryNotice } from '../components/use-inventory-transfer.ts';
import { useNavigationStore } from '../stores/navigation-store.ts';
import { useSitesStore } from '../stores/sites-store.ts';

export function SitesPage() {
  const { sites, status, error, load, watch } = useSitesStore();
  const { routers, load: loadRouters } = useRoutersStore();
  useHealthPolling(
    routers.filter((r) => r.hostKey).map((r) => r.id),
    healthPollMs,
  );
  const [adding, setAdding] = useState(false);
  const go = useNavigationStore((s) => s.go);
  const transfer = useInventoryTransfer();
  // Cleared after each choice, so the same file can be chosen again (after fixing a clash).
  const resetFileRef = useRef<() => void>(null);

  useEffect(() => {
    void load();
    void loadRouters();
    return watch();
  }, [load, loadRouters, watch]);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Sites</Title>
        <Group>
          <Button variant="default" leftSection={<IconDownload size={16} />} loading={transfer.busy === 'export'} onClick={() => void transfer.exportToFile()}>
            Export inventory
          </Button>
          <FileButton accept="application/json,.json" resetRef={resetFileRef} onChange={(file) => void transfer.importFromFile(file).finally(() => resetFileRef.current?.())}>
            {(props) => (
              <Button {...props} variant="default" leftSection={<IconUpload size={16} />} loading={transfer.busy === 'import'}>
                Import inventory
              </Button>
            )}
          </FileButton>
          <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
            Add site
          </Button>
        </Group>
      </Group>
      {transfer.notice && <InventoryNoticeAlert notice={transfer.notice} onClose={transfer.dismiss} />}
      {status === 'loading' || status === 'idle' ? (
        <Center py="xl">
          <Loader aria-label="Loading sites" />
        </Center>
      ) : status === 'error' ? (
        <Alert color="red" icon={<IconAlertTriangle />} title="The sites could not be loaded">
          <Text size="sm">{error}</Text>
          <Button mt="sm" variant="light" color="red" onClick={() => void load()}>
            Try again
          </Button>
        </Alert>
      ) : sites.length === 0 ? (
        <Card withBorder padding="xl" data-testid="sites-empty">
          <Stack align="center" gap="xs">
            <IconBuildingStore size={40} stroke={1.5} />
            <Text fw={600}>No sites yet</Text>
            <Text c="dimmed" ta="center" maw={420}>
              A site is a place you look after — a shop, a client, an office — with one or more routers. Add your first site to get started.
            </Text>
          </Stack>
        </Card>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {sites.map((site) => (
            <Card
              key={site.id}
              withBorder
              data-testid="site-card"
              component="button"
              style={{ textAlign: 'left', cursor: 'pointer' }}
              onClick={() => go({ kind: 'site', siteId: site.id })}
            >
              <Text fw={600}>{site.name}</Text>
              <Text size="sm" c="dimmed">
                {site.routerCount === 1 ? '1 router' : `${site.routerCount} routers`}
              </Text>
              {site.notes && <Text size="sm" mt="xs">{site.notes}</Text>}
              <Stack gap={4} mt="xs">
                {routers
                  .filter((r) => r.siteId === site.id && r.hostKey)
                  .map((r) => (
                    <Group key={r.id} gap={6} wrap="nowrap">
                      <Text size="sm">{r.name}:</Text>
                      <RouterHealth routerId={r.id} routerName={r.name} />
                    </Group>
                  ))}
              </Stack>
            </Card>
          ))}
        </SimpleGrid>
      )}
      <SiteFormModal opened={adding} onClose={() => setAdding(false)} />
    </Stack>
  );
}

function InventoryNoticeAlert({ notice, onClose }: { notice: InventoryNotice; onClose: () => void }) {
  const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  switch (notice.kind) {
    case 'error':
      return (
        <Alert color="red" icon={<IconAlertTriangle />} title={notice.title} withCloseButton closeButtonLabel="Dismiss" onClose={onClose} data-testid="inventory-notice">
          <Text size="sm">{notice.message}</Text>
        </Alert>
      );
    case 'exported':
      return (
        <Alert color="teal" icon={<IconCheck />} title="Inventory exported" withCloseButton closeButtonLabel="Dismiss" onClose={onClose} data-testid="inventory-notice">
          <Text size="sm">
            {count(notice.sites, 'site')} and {count(notice.routers, 'router')} saved as {notice.fileName}. The file holds no passwords, keys or SNMP secrets.
          </Text>
        </Alert>
      );
    case 'imported':
      return (
        <Alert color="teal" icon={<IconCheck />} title="Inventory imported" withCloseButton closeButtonLabel="Dismiss" onClose={onClose} data-testid="inventory-notice">
          <Text size="sm">
            Imported {count(notice.sites, 'site')} and {count(notice.routers, 'router')}. The file holds no secrets: open each router that logs in with a password and enter it with Edit.
          </Text>
        </Alert>
      );
  }
}
