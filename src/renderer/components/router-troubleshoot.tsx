// What a technician checks first when something is off: can we connect, how long it takes,
// each uplink checked from the router, and the evidence detection went by.
import { Alert, Button, Code, Group, List, Stack, Text, Title } from '@mantine/core';
import { IconPlugConnected } from '@tabler/icons-react';
import { useState } from 'react';
import type { ResponseOf } from '../../shared/api/contract.ts';
import type { Router } from '../../shared/api/routers-schemas.ts';
import type { DetectionResult } from '../../shared/detect-schemas.ts';
import { api, ApiCallError, errorMessage } from '../api/api.ts';
import { UplinkTroubleshoot } from './troubleshoot/uplink-troubleshoot.tsx';

export function RouterTroubleshoot({ router, detection }: { router: Router; detection: DetectionResult | null }) {
  const [result, setResult] = useState<ResponseOf<'routers.testConnection'> | null>(null);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);

  return (
    <Stack>
      <Title order={4}>Connection</Title>
      <Group>
        <Button
          leftSection={<IconPlugConnected size={16} />}
          loading={busy}
          onClick={async () => {
            setBusy(true);
            setError(null);
            setResult(null);
            try {
              setResult(await api.call('routers.testConnection', { id: router.id }));
            } catch (e) {
              setError(e instanceof ApiCallError ? e.error : { code: 'internal', message: errorMessage(e) });
            } finally {
              setBusy(false);
            }
          }}
        >
          Test the connection
        </Button>
      </Group>
      {result?.status === 'trusted' && <Alert color="teal">Connected in {result.connectMs} ms; the router presented its trusted key.</Alert>}
      {result?.status === 'unknown-host-key' && (
        <Alert color="yellow">
          The router presents a key Switchyard has not trusted yet: <Code>{result.fingerprint}</Code>
        </Alert>
      )}
      {error && (
        <Alert color="red" title={error.code}>
          {error.message}
        </Alert>
      )}
      {router.hostKey && router.platform && <UplinkTroubleshoot routerId={router.id} />}
      <Title order={4}>What detection went by</Title>
      {detection ? (
        <List size="sm">
          {detection.evidence.map((line) => (
            <List.Item key={line}>{line}</List.Item>
          ))}
          {detection.ignoredInterfaces.map((i) => (
            <List.Item key={i.name}>
              Not an uplink: {i.name} — {i.reason}
            </List.Item>
          ))}
        </List>
      ) : (
        <Text size="sm" c="dimmed">
          Detection has not run yet.
        </Text>
      )}
    </Stack>
  );
}
