// Editing a saved router with the same form as adding one. When the edit made the core forget
// the pinned host key (new address or port), the new key is shown to compare and trust at once.
import { Modal } from '@mantine/core';
import { useState } from 'react';
import type { Router } from '../../shared/api/routers-schemas.ts';
import { errorMessage } from '../api/api.ts';
import { useRoutersStore } from '../stores/routers-store.ts';
import { RouterConnectionForm } from './router-connection-form.tsx';
import type { RouterPatch } from './router-form-model.ts';
import { savedRouterConnection, TrustHostKeyStep } from './trust-host-key-step.tsx';

/** The parts of an edit that change who Switchyard is on the router, or which router it reaches. */
const loginKeys = ['host', 'port', 'username', 'auth', 'jumpRouterId'] as const;

/**
 * `onLoginChanged`: after a saved edit of the login or the address (and its new key trusted),
 * so the page can detect again: what detection found, e.g. "not root", was for the old login.
 */
export function EditRouterModal({ router, opened, onClose, onLoginChanged }: { router: Router; opened: boolean; onClose: () => void; onLoginChanged?: () => void }) {
  const update = useRoutersStore((s) => s.update);
  const [step, setStep] = useState<'form' | 'trust'>('form');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    setStep('form');
    setError(null);
    onClose();
  };

  const save = async (patch: RouterPatch) => {
    if (Object.keys(patch).length === 0) return close();
    setBusy(true);
    setError(null);
    try {
      const saved = await update(router.id, patch);
      if (router.hostKey && !saved.hostKey) setStep('trust');
      else {
        close();
        if (saved.hostKey && loginKeys.some((k) => k in patch)) onLoginChanged?.();
      }
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={close} title={step === 'form' ? `Edit ${router.name}` : `Trust the key of ${router.name}`} size="xl">
      {opened && step === 'form' && <RouterConnectionForm mode={{ kind: 'edit', router, onSubmit: (patch) => void save(patch) }} busy={busy} error={error} onCancel={close} />}
      {opened && step === 'trust' && <TrustHostKeyStep connection={savedRouterConnection(router.id)} routerName={router.name} onTrusted={() => {
            close();
            onLoginChanged?.();
          }}
          onBack={() => setStep('form')} />}
    </Modal>
  );
}
