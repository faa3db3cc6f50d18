// Second step of adding a router: connect, and if the host key is new, show its fingerprint
// for the user to compare before trusting it (trust on first use, made explicit).
import { Alert, Button, Code, Group, Loader, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconShieldCheck } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { ResponseOf } from '../../shared/api/contract.ts';
import type { ApiError } from '../../shared/errors.ts';
import { api, ApiCallError, errorMessage } from '../api/api.ts';
import { hostKeyMismatch, RepinHostKeyButton } from './repin-host-key.tsx';

type Test = ResponseOf<'routers.testConnection'>;

/**
 * `onKeep`: while adding, a router that could not be reached is not kept unless the user asks
 * for it; this offers that choice (absent when editing a router already in the inventory).
 */
export function TrustHostKeyStep({ routerId, routerName, onTrusted, onBack, onKeep }: { routerId: string; routerName: string; onTrusted: () => void; onBack: () => void; onKeep?: () => void }) {
  const [test, setTest] = useState<Test | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const connect = async () => {
    setTest(null);
    setError(null);
    try {
      const result = await api.call('routers.testConnection', { id: routerId });
      if (result.status === 'trusted') onTrusted();
      else setTest(result);
    } catch (e) {
      setError(e instanceof ApiCallError ? e.error : { code: 'internal', message: errorMessage(e) });
    }
  };

  useEffect(() => {
    void connect();
    // Connect once per router shown, not on every render.
  }, [routerId]);

  if (error) {
    const mismatch = error.code === 'host-key-mismatch' ? hostKeyMismatch(error.details) : null;
    return (
      <Stack data-testid="connect-failed" data-code={error.code}>
        <Alert color="red" icon={<IconAlertTriangle />} title={error.code === 'host-key-mismatch' ? 'The router’s identity has changed' : 'Switchyard could not connect'}>
          <Text size="sm">{error.message}</Text>
        </Alert>
        {onKeep && (
          <Text size="sm" data-testid="not-kept-note">
            {routerName} is not kept unless you choose “Keep it anyway”: change the connection, try again, or close this window to add nothing.
          </Text>
        )}
        <Group justify="flex-end">
          {mismatch && <RepinHostKeyButton routerId={routerId} routerName={routerName} mismatch={mismatch} onReplaced={() => void connect()} />}
          {onKeep && (
            <Button variant="subtle" onClick={onKeep} data-testid="keep-anyway">
              Keep it anyway
            </Button>
          )}
          <Button variant="default" onClick={onBack}>
            Change the connection
          </Button>
          <Button onClick={() => void connect()}>Try again</Button>
        </Group>
      </Stack>
    );
  }
  if (!test) {
    return (
      <Group>
        <Loader size="sm" />
        <Text>Connecting to the router…</Text>
      </Group>
    );
  }
  return (
    <Stack>
      <Text>This is the first time Switchyard connects to this router. It presents this {test.keyType} key:</Text>
      <Code block data-testid="offered-fingerprint">
        {test.fingerprint}
      </Code>
      <Text size="sm" c="dimmed">
        Compare it with the router’s own fingerprint (on the router: <Code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</Code>, or its web interface). Trust it only if they match: from then on Switchyard refuses any other key.
      </Text>
      <Group justify="flex-end">
        <Button variant="default" onClick={onBack}>
          Cancel
        </Button>
        <Button
          leftSection={<IconShieldCheck size={16} />}
          loading={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await api.call('routers.trustHostKey', { id: routerId, keyType: test.keyType, fingerprint: test.fingerprint });
              // Connect again: the key is settled, now the login itself is tried.
              await connect();
            } catch (e) {
              setError(e instanceof ApiCallError ? e.error : { code: 'internal', message: errorMessage(e) });
            } finally {
              setBusy(false);
            }
          }}
        >
          Trust this key
        </Button>
      </Group>
    </Stack>
  );
}
