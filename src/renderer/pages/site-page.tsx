// One site: its routers, adding one, editing and removing the site.
import { Anchor, Badge, Breadcrumbs, Button, Card, Center, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { IconPencil, IconPlus, IconRouter, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { AddRouterModal } from '../components/add-router-modal.tsx';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { healthPollMs, RouterHealth, useHealthPolling } from '../components/router-health.tsx';
import { SiteFormModal } from '../components/site-form-modal.tsx';
import { platformLabel } from '../format.ts';
import { useNavigationStore, viewHash } from '../stores/navigation-store.ts';
import { useRoutersStore } from '../stores/routers-store.ts';
import { useSitesStore } from '../stores/sites-store.ts';

export function SitePage({ siteId }: { siteId: string }) {
  const go = useNavigationStore((s) => s.go);
  const { sites, load: loadSites, remove: removeSite } = useSitesStore();
  const { routers, status, load, watch } = useRoutersStore();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState(false);
  const site = sites.find((s) => s.id === siteId);
  const siteRouters = routers.filter((r) => r.siteId === siteId);
  useHealthPolling(
    siteRouters.filter((r) => r.hostKey).map((r) => r.id),
    healthPollMs,
  );

  useEffect(() => {
    void loadSites();
    void load();
    return watch();
  }, [load, loadSites, watch]);

  if (!site) {
    return (
      <Center py="xl">
        {status === 'ready' ? <Text>This site no longer exists. <Anchor href={viewHash({ kind: 'sites' })}>Back to the sites</Anchor></Text> : <Loader aria-label="Loading the site" />}
      </Center>
    );
  }

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor href={viewHash({ kind: 'sites' })}>Sites</Anchor>
        <Text>{site.name}</Text>
      </Breadcrumbs>
      <Group justify="space-between">
        <Title order={2}>{site.name}</Title>
        <Group>
          <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => setEditing(true)}>
            Edit site
          </Button>
          <ConfirmButton
            label="Remove site"
            icon={<IconTrash size={16} />}
            title={`Remove ${site.name}?`}
            message="The site and its routers leave Switchyard's inventory, with their saved passwords. Nothing changes on the routers."
            onConfirm={async () => {
              await removeSite(site.id);
              go({ kind: 'sites' });
            }}
          />
          <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
            Add router
          </Button>
        </Group>
      </Group>
      {site.notes && <Text c="dimmed">{site.notes}</Text>}
      {siteRouters.length === 0 ? (
        <Card withBorder padding="xl" data-testid="routers-empty">
          <Stack align="center" gap="xs">
            <IconRouter size={40} stroke={1.5} />
            <Text fw={600}>No routers at this site yet</Text>
            <Text c="dimmed" ta="center" maw={440}>
              Add the router that connects this site to the internet. Switchyard reaches it over SSH from this computer.
            </Text>
          </Stack>
        </Card>
      ) : (
        <Table highlightOnHover verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Router</Table.Th>
              <Table.Th>Address</Table.Th>
              <Table.Th>Platform</Table.Th>
              <Table.Th>Host key</Table.Th>
              <Table.Th>Health</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {siteRouters.map((router) => (
              <Table.Tr key={router.id} style={{ cursor: 'pointer' }} onClick={() => go({ kind: 'router', routerId: router.id, tab: 'overview' })} data-testid="router-row">
                <Table.Td fw={600}>
                  {/* A real link: reached with Tab, opened with Enter, like any link. */}
                  <Anchor href={viewHash({ kind: 'router', routerId: router.id, tab: 'overview' })} fw={600} onClick={(e) => e.stopPropagation()}>
                    {router.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  {router.username}@{router.host}
                  {router.port !== 22 ? `:${router.port}` : ''}
                </Table.Td>
                <Table.Td>{router.platform ? platformLabel(router.platform) : <Text c="dimmed" size="sm">not detected yet</Text>}</Table.Td>
                <Table.Td>{router.hostKey ? <Badge color="teal" variant="light">trusted</Badge> : <Badge color="gray" variant="light">not trusted yet</Badge>}</Table.Td>
                <Table.Td>{router.hostKey ? <RouterHealth routerId={router.id} routerName={router.name} /> : <Text size="sm" c="dimmed">not connected yet</Text>}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <AddRouterModal siteId={site.id} opened={adding} onClose={() => setAdding(false)} />
      <SiteFormModal site={site} opened={editing} onClose={() => setEditing(false)} />
    </Stack>
  );
}
