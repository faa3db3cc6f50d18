// Replacing a pinned host key after a mismatch: an explicit action that shows both fingerprints
// side by side, says when it is right (a reset or replaced router) and when it is not.
import { Alert, Button, Code, Group, Modal, Stack, Text } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import { useState } from 'react';
import { api, errorMessage } from '../api/api.ts';

export interface HostKeyMismatch {
  readonly keyType: string;
  readonly expectedFingerprint: string;
  readonly offeredFingerprint: string;
}

/** The two fingerprints from a host-key-mismatch error's details; null when they are missing. */
export function hostKeyMismatch(details: unknown): HostKeyMismatch | null {
  if (!details || typeof details !== 'object') return null;
  const d = details as Record<string, unknown>;
  return typeof d.keyType === 'string' && typeof d.expectedFingerprint === 'string' && typeof d.offeredFingerprint === 'string'
    ? { keyType: d.keyType, expectedFingerprint: d.expectedFingerprint, offeredFingerprint: d.offeredFingerprint }
    : null;
}

/** Replaces a saved router's pinned key with the one offered now. */
export const replaceSavedKey = (routerId: string) => async (mismatch: HostKeyMismatch) => {
  await api.call('routers.trustHostKey', { id: routerId, keyType: mismatch.keyType, fingerprint: mismatch.offeredFingerprint, replace: true });
};

/** `replaceKey` does the replacing once confirmed: a saved router's pin (replaceSavedKey), or the key a router being added is tested with. */
export function RepinHostKeyButton({ routerName, mismatch, replaceKey, onReplaced }: { routerName: string; mismatch: HostKeyMismatch; replaceKey: (mismatch: HostKeyMismatch) => Promise<void>; onReplaced: () => void }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <Button variant="default" color="red" leftSection={<IconKey size={16} />} onClick={() => setOpen(true)} data-testid="repin-button">
        Replace the pinned key…
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Replace the host key of ${routerName}?`} size="lg">
        <Stack data-testid="repin-confirm">
          <Text size="sm">Pinned now (the key you trusted before):</Text>
          <Code block data-testid="repin-old">
            {mismatch.expectedFingerprint}
          </Code>
          <Text size="sm">Offered now by {routerName} ({mismatch.keyType}):</Text>
          <Code block data-testid="repin-new">
            {mismatch.offeredFingerprint}
          </Code>
          <Text size="sm">
            Replace it only if you know why the key changed: the router was reset, reinstalled or replaced, and the new fingerprint matches the one the router itself shows. Otherwise do not
            replace it: someone may be intercepting the connection.
          </Text>
          {error && <Alert color="red">{error}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Keep the old key
            </Button>
            <Button
              color="red"
              loading={busy}
              onClick={async () => {
                setBusy(true);
                setError(null);
                try {
                  await replaceKey(mismatch);
                  setOpen(false);
                  onReplaced();
                } catch (e) {
                  setError(errorMessage(e));
                } finally {
                  setBusy(false);
                }
              }}
            >
              Replace the key
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
