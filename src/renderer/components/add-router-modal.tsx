// Adding a router, in the order a technician thinks: where it is and how to log in, then
// whether this is really the router (its host key), then what it is and what uplinks it has.
import { Alert, Button, Group, Loader, Modal, Stepper, Text } from '@mantine/core';
import { useState } from 'react';
import type { ResponseOf } from '../../shared/api/contract.ts';
import type { Router, RouterInput } from '../../shared/api/routers-schemas.ts';
import { api, errorMessage } from '../api/api.ts';
import { useNavigationStore } from '../stores/navigation-store.ts';
import { useRoutersStore } from '../stores/routers-store.ts';
import { DetectionSummary } from './detection-summary.tsx';
import { RouterConnectionForm } from './router-connection-form.tsx';
import type { RouterFormValues } from './router-form-model.ts';
import { TrustHostKeyStep } from './trust-host-key-step.tsx';

type Detection = ResponseOf<'routers.detect'>['detection'];

export function AddRouterModal({ siteId, opened, onClose }: { siteId: string; opened: boolean; onClose: () => void }) {
  const create = useRoutersStore((s) => s.create);
  const update = useRoutersStore((s) => s.update);
  const go = useNavigationStore((s) => s.go);
  const [step, setStep] = useState(0);
  const [router, setRouter] = useState<Router | null>(null);
  // What was typed, so going back from the host key step shows the form as it was left.
  const [values, setValues] = useState<RouterFormValues | undefined>(undefined);
  const [detection, setDetection] = useState<Detection | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    setStep(0);
    setRouter(null);
    setValues(undefined);
    setDetection(null);
    setError(null);
    onClose();
  };

  const save = async (input: RouterInput, typed: RouterFormValues) => {
    setBusy(true);
    setError(null);
    setValues(typed);
    try {
      // A second pass through step 1 edits the router already saved instead of adding another.
      const saved = router
        ? await update(router.id, { name: input.name, host: input.host, port: input.port ?? 22, username: input.username, auth: input.auth, jumpRouterId: input.jumpRouterId ?? null, snmp: input.snmp ?? null, notes: input.notes ?? '' })
        : await create(input);
      setRouter(saved);
      setStep(1);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const detect = async (id: string) => {
    setStep(2);
    setError(null);
    setDetection(null);
    try {
      setDetection((await api.call('routers.detect', { id })).detection);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <Modal opened={opened} onClose={close} title="Add a router" size="xl">
      <Stepper active={step} size="sm" mb="md">
        <Stepper.Step label="Connection" description="Address and login" />
        <Stepper.Step label="Identity" description="Trust its host key" />
        <Stepper.Step label="Detection" description="Platform and uplinks" />
      </Stepper>
      {step === 0 && opened && <RouterConnectionForm mode={{ kind: 'add', siteId, ...(values && { initial: values }), onSubmit: (input, typed) => void save(input, typed) }} busy={busy} error={error} onCancel={close} />}
      {step === 1 && router && <TrustHostKeyStep routerId={router.id} onTrusted={() => void detect(router.id)} onBack={() => setStep(0)} />}
      {step === 2 && router && (
        <>
          {error ? (
            <Alert color="red" title="Detection failed">
              <Text size="sm">{error}</Text>
            </Alert>
          ) : detection ? (
            <DetectionSummary detection={detection} />
          ) : (
            <Group>
              <Loader size="sm" />
              <Text>Looking at the router…</Text>
            </Group>
          )}
          <Group justify="flex-end" mt="md">
            {error && <Button variant="default" onClick={() => void detect(router.id)}>Try again</Button>}
            <Button
              disabled={!detection && !error}
              onClick={() => {
                close();
                go({ kind: 'router', routerId: router.id, tab: 'overview' });
              }}
            >
              Open the router
            </Button>
          </Group>
        </>
      )}
    </Modal>
  );
}
