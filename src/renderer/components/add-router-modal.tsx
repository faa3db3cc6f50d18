// Adding a router: the connection profile first; the router is saved only when valid.
import { Modal } from '@mantine/core';
import { useState } from 'react';
import type { RouterInput } from '../../shared/api/routers-schemas.ts';
import { errorMessage } from '../api/api.ts';
import { useRoutersStore } from '../stores/routers-store.ts';
import { RouterConnectionForm } from './router-connection-form.tsx';

export function AddRouterModal({ siteId, opened, onClose }: { siteId: string; opened: boolean; onClose: () => void }) {
  const create = useRoutersStore((s) => s.create);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    setError(null);
    onClose();
  };

  const save = async (input: RouterInput) => {
    setBusy(true);
    setError(null);
    try {
      await create(input);
      close();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={close} title="Add a router" size="lg">
      {opened && <RouterConnectionForm siteId={siteId} busy={busy} error={error} onSubmit={(input) => void save(input)} onCancel={close} />}
    </Modal>
  );
}
