// Second step of adding a router: connect, and if the host key is new, show its fingerprint
// for the user to compare before trusting it (trust on first use, made explicit). The same step
// serves a saved router (after an edit) and one being added, which is not saved yet: what
// connecting and trusting mean for each is a HostKeyConnection.
import { Alert, Button, Code, Group, Loader, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconShieldCheck } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { ResponseOf } from '../../shared/api/contract.ts';
import type { ApiError } from '../../shared/errors.ts';
import { api, ApiCallError, errorMessage } from '../api/api.ts';
import { hostKeyMismatch, RepinHostKeyButton, replaceSavedKey, type HostKeyMismatch } from './repin-host-key.tsx';

type Test = ResponseOf<'routers.testConnection'>;

export interface HostKeyConnection {
  /** Changes when another router (or other details) is shown: the step connects again. */
  readonly key: string;
  test(): Promise<Test>;
  /** The user compared the fingerprint and trusts it. */
  trust(keyType: string, fingerprint: string): Promise<void>;
  /** The user confirmed replacing a key that differs from the one expected. */
  replaceKey(mismatch: HostKeyMismatch): Promise<void>;
}

/** A router already in the inventory: tested and pinned by its id. */
export function savedRouterConnection(routerId: string): HostKeyConnection {
  return {
    key: routerId,
    test: () => api.call('routers.testConnection', { id: routerId }),
    trust: async (keyType, fingerprint) => {
      await api.call('routers.trustHostKey', { id: routerId, keyType, fingerprint });
    },
    replaceKey: replaceSavedKey(routerId),
  };
}

/**
 * `onKeep`: while adding, a router that could not be reached is not kept unless the user asks
 * for it; this offers that choice (absent when editing a router already in the inventory).
 */
/** `onFailed`: told each time connecting fails (the error) and each time it is tried again (null). */
export function TrustHostKeyStep({
  connection,
  routerName,
  onTrusted,
  onBack,
  onKeep,
  onFailed,
}: {
  connection: HostKeyConnection;
  routerName: string;
  onTrusted: () => void;
  onBack: () => void;
  onKeep?: () => void;
  onFailed?: (error: ApiError | null) => void;
}) {
  const [test, setTest] = useState<Test | null>(null);
  const [error, setErrorState] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const setError = (e: ApiError | null) => {
    setErrorState(e);
    onFailed?.(e);
  };

  const connect = async () => {
    setTest(null);
    setError(null);
    try {
      const result = await connection.test();
      if (result.status === 'trusted') onTrusted();
      else setTest(result);
    } catch (e) {
      setError(e instanceof ApiCallError ? e.error : { code: 'internal', message: errorMessage(e) });
    }
  };

  useEffect(() => {
    void connect();
    // Connect once per router (or set of details) shown, not on every render.
  }, [connection.key]);

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
          {mismatch && <RepinHostKeyButton routerName={routerName} mismatch={mismatch} replaceKey={(m) => connection.replaceKey(m)} onReplaced={() => void connect()} />}
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
              await connection.trust(test.keyType, test.fingerprint);
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
