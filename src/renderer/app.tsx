// The application shell: header with the theme switch, and the current page.
import { ActionIcon, AppShell, Group, MantineProvider, Title, Tooltip, useMantineColorScheme } from '@mantine/core';
import { IconMoon, IconSun } from '@tabler/icons-react';
import { FailoverBanner } from './components/failover-banner.tsx';
import { RouterPage } from './pages/router-page.tsx';
import { SitePage } from './pages/site-page.tsx';
import { SitesPage } from './pages/sites-page.tsx';
import { useNavigationStore } from './stores/navigation-store.ts';
import { theme } from './theme.ts';

export function App() {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <AppShell header={{ height: 56 }} padding="md">
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between">
            <Title order={3}>Switchyard</Title>
            <ColorSchemeToggle />
          </Group>
        </AppShell.Header>
        <AppShell.Main>
          <FailoverBanner />
          <CurrentPage />
        </AppShell.Main>
      </AppShell>
    </MantineProvider>
  );
}

function CurrentPage() {
  const view = useNavigationStore((s) => s.view);
  switch (view.kind) {
    case 'sites':
      return <SitesPage />;
    case 'site':
      return <SitePage siteId={view.siteId} />;
    case 'router':
      return <RouterPage routerId={view.routerId} tab={view.tab} />;
  }
}

function ColorSchemeToggle() {
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const dark = colorScheme === 'dark';
  const label = dark ? 'Use the light theme' : 'Use the dark theme';
  return (
    <Tooltip label={label}>
      <ActionIcon variant="default" size="lg" aria-label={label} onClick={() => setColorScheme(dark ? 'light' : 'dark')}>
        {dark ? <IconSun size={18} /> : <IconMoon size={18} />}
      </ActionIcon>
    </Tooltip>
  );
}
