// The Sites page: every place the user looks after, with loading, empty and error states.
import { Alert, Button, Card, Center, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconBuildingStore, IconPlus } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { AddSiteModal } from '../components/add-site-modal.tsx';
import { useNavigationStore } from '../stores/navigation-store.ts';
import { useSitesStore } from '../stores/sites-store.ts';

export function SitesPage() {
  const { sites, status, error, load, watch } = useSitesStore();
  const [adding, setAdding] = useState(false);
  const go = useNavigationStore((s) => s.go);

  useEffect(() => {
    void load();
    return watch();
  }, [load, watch]);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Sites</Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
          Add site
        </Button>
      </Group>
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
            </Card>
          ))}
        </SimpleGrid>
      )}
      <AddSiteModal opened={adding} onClose={() => setAdding(false)} />
    </Stack>
  );
}
