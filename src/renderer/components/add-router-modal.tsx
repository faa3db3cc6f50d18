// Adding a router, in the order a technician thinks: where it is and how to log in, then
// whether this is really the router (its host key), then what it is and what uplinks it has.
// The router is saved to test the connection, and removed again unless the connection worked or
// the user chose "Keep it anyway": a failed add leaves nothing behind.
import { Alert, Button, Group, Loader, Modal, Stepper, Text } from '@mantine/core';
import { useState } from 'react';
import type { ResponseOf } from '../../shared/api/contract.ts';
import type { Router, RouterInput } from '../../shared/api/routers-schemas.ts';
import { api, errorMessage } from '../api/api.ts';
import { useNavigationStore } from '../stores/navigation-store.ts';
import { useRoutersStore } from '../stores/routers-store.ts';
import { useSitesStore } from '../stores/sites-store.ts';
import { DetectionSummary } from './detection-summary.tsx';
import { RouterConnectionForm } from './router-connection-form.tsx';
import type { RouterFormValues } from './router-form-model.ts';
import { TrustHostKeyStep } from './trust-host-key-step.tsx';

type Detection = ResponseOf<'routers.detect'>['detection'];

/** A router already in the inventory at the same address and port, the same machine to SSH. */
export function sameHost(routers: readonly Router[], host: string, port: number, except?: string): Router | undefined {
  const wanted = host.trim().toLowerCase();
  return routers.find((r) => r.id !== except && r.host.trim().toLowerCase() === wanted && r.port === port);
}

export function AddRouterModal({ siteId, opened, onClose }: { siteId: string; opened: boolean; onClose: () => void }) {
  const create = useRoutersStore((s) => s.create);
  const update = useRoutersStore((s) => s.update);
  const remove = useRoutersStore((s) => s.remove);
  const sites = useSitesStore((s) => s.sites);
  const go = useNavigationStore((s) => s.go);
  // The connection worked (or the user kept the router anyway): closing no longer removes it.
  const [kept, setKept] = useState(false);
  const [duplicate, setDuplicate] = useState<{ input: RouterInput; typed: RouterFormValues; existing: Router } | null>(null);
  const [step, setStep] = useState(0);
  const [router, setRouter] = useState<Router | null>(null);
  // What was typed, so going back from the host key step shows the form as it was left.
  const [values, setValues] = useState<RouterFormValues | undefined>(undefined);
  const [detection, setDetection] = useState<Detection | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const close = (keep = kept) => {
    if (router && !keep) {
      // Not reached and not kept: the add is undone, so the site shows nothing half-made.
      void remove(router.id).catch(() => undefined);
    }
    setStep(0);
    setRouter(null);
    setKept(false);
    setDuplicate(null);
    setValues(undefined);
    setDetection(null);
    setError(null);
    onClose();
  };

  const save = async (input: RouterInput, typed: RouterFormValues, allowDuplicate = false) => {
    setBusy(true);
    setError(null);
    setValues(typed);
    setDuplicate(null);
    try {
      if (!allowDuplicate) {
        const { routers } = await api.call('routers.list', {});
        const existing = sameHost(routers, input.host, input.port ?? 22, router?.id);
        if (existing) {
          setDuplicate({ input, typed, existing });
          return;
        }
      }
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
    setKept(true);
    try {
      setDetection((await api.call('routers.detect', { id })).detection);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <Modal opened={opened} onClose={() => close()} title="Add a router" size="xl">
      <Stepper active={step} size="sm" mb="md">
        <Stepper.Step label="Connection" description="Address and login" />
        <Stepper.Step label="Identity" description="Trust its host key" />
        <Stepper.Step label="Detection" description="Platform and uplinks" />
      </Stepper>
      {step === 0 && opened && <RouterConnectionForm mode={{ kind: 'add', siteId, ...(values && { initial: values }), onSubmit: (input, typed) => void save(input, typed) }} busy={busy} error={error} onCancel={() => close()} />}
      {step === 0 && duplicate && (
        // Under the form, next to the button that was pressed, and scrolled to: at 1366×768 the
        // top of this long dialog is out of sight.
        <Alert ref={(el) => el?.scrollIntoView({ block: 'nearest' })} color="yellow" title="This router may already be in Switchyard" mt="md" data-testid="duplicate-host">
          <Text size="sm">
            {duplicate.existing.name} at {sites.find((s) => s.id === duplicate.existing.siteId)?.name ?? 'another site'} already uses {duplicate.existing.host} port {duplicate.existing.port}. Two entries
            for one router show it twice and can change its failover from two places. Open the one you have, or add this one anyway (for example the same address seen through another
            network).
          </Text>
          <Group justify="flex-end" mt="sm">
            <Button
              variant="default"
              onClick={() => {
                close();
                go({ kind: 'router', routerId: duplicate.existing.id, tab: 'overview' });
              }}
            >
              Open {duplicate.existing.name}
            </Button>
            <Button onClick={() => void save(duplicate.input, duplicate.typed, true)} data-testid="add-anyway">
              Add it anyway
            </Button>
          </Group>
        </Alert>
      )}
      {step === 1 && router && (
        <TrustHostKeyStep
          routerId={router.id}
          routerName={router.name}
          onTrusted={() => void detect(router.id)}
          onBack={() => setStep(0)}
          onKeep={() => close(true)}
        />
      )}
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
