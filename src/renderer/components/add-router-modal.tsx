// Adding a router, in the order a technician thinks: where it is and how to log in, then
// whether this is really the router (its host key), then what it is and what uplinks it has.
// The connection is tested with the details as entered before anything is saved; the router,
// its pinned key and its secrets are written together only once the connection worked or the
// user chose "Keep it anyway". A failed add, a closed window or a crash leaves nothing behind.
import { Alert, Button, Group, Loader, Modal, Stepper, Text } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import { useMemo, useRef, useState } from 'react';
import type { ResponseOf } from '../../shared/api/contract.ts';
import type { Router, RouterInput, TrustedHostKey } from '../../shared/api/routers-schemas.ts';
import type { ApiError } from '../../shared/errors.ts';
import { api, errorMessage } from '../api/api.ts';
import { useNavigationStore } from '../stores/navigation-store.ts';
import { useRoutersStore } from '../stores/routers-store.ts';
import { useSitesStore } from '../stores/sites-store.ts';
import { DetectionSummary } from './detection-summary.tsx';
import { RouterConnectionForm } from './router-connection-form.tsx';
import type { RouterFormValues } from './router-form-model.ts';
import { TrustHostKeyStep, type HostKeyConnection } from './trust-host-key-step.tsx';

type Detection = ResponseOf<'routers.detect'>['detection'];

/** Failures of the router's identity (its host key); any other failure is the connection's. */
const identityCodes: ReadonlySet<string> = new Set(['host-key-mismatch', 'host-key-unknown']);
const failedProps = { color: 'red', completedIcon: <IconX size={18} />, icon: <IconX size={18} /> } as const;

/** A router already in the inventory at the same address and port, the same machine to SSH. */
export function sameHost(routers: readonly Router[], host: string, port: number, except?: string): Router | undefined {
  const wanted = host.trim().toLowerCase();
  return routers.find((r) => r.id !== except && r.host.trim().toLowerCase() === wanted && r.port === port);
}

export function AddRouterModal({ siteId, opened, onClose }: { siteId: string; opened: boolean; onClose: () => void }) {
  const create = useRoutersStore((s) => s.create);
  const sites = useSitesStore((s) => s.sites);
  const go = useNavigationStore((s) => s.go);
  const [duplicate, setDuplicate] = useState<{ input: RouterInput; typed: RouterFormValues; existing: Router } | null>(null);
  const [step, setStep] = useState(0);
  // The details as entered, not saved yet; `attempt` counts the times they were submitted.
  const [draft, setDraft] = useState<{ input: RouterInput; attempt: number } | null>(null);
  // The key the user trusted (or confirmed as a replacement) for these details, pinned when the router is saved.
  const trustedKey = useRef<TrustedHostKey | undefined>(undefined);
  // Saved: the connection worked or the user kept it anyway.
  const [router, setRouter] = useState<Router | null>(null);
  // What was typed, so going back from the host key step shows the form as it was left.
  const [values, setValues] = useState<RouterFormValues | undefined>(undefined);
  const [detection, setDetection] = useState<Detection | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Why connecting with these details failed: the step it failed at is marked failed, not done.
  const [connectError, setConnectError] = useState<ApiError | null>(null);
  const failedStep = connectError ? (identityCodes.has(connectError.code) ? 1 : 0) : null;

  const close = () => {
    // Nothing to undo: until the router is saved, nothing was written. The login the connection
    // test made is closed now rather than minutes later (after a save the router took it over:
    // then there is nothing to close). Best effort: the core closes it by itself in the end.
    if (draft) void api.call('routers.dropTestedConnection', {}).catch(() => undefined);
    setStep(0);
    setDraft(null);
    trustedKey.current = undefined;
    setRouter(null);
    setDuplicate(null);
    setValues(undefined);
    setDetection(null);
    setError(null);
    setConnectError(null);
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
        const existing = sameHost(routers, input.host, input.port ?? 22);
        if (existing) {
          setDuplicate({ input, typed, existing });
          return;
        }
      }
      // Another address or port is another machine as far as trust goes.
      if (draft && (draft.input.host.trim().toLowerCase() !== input.host.trim().toLowerCase() || (draft.input.port ?? 22) !== (input.port ?? 22))) trustedKey.current = undefined;
      setConnectError(null);
      setDraft({ input, attempt: (draft?.attempt ?? 0) + 1 });
      setStep(1);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const connection = useMemo<HostKeyConnection | null>(
    () =>
      draft && {
        key: `draft-${draft.attempt}`,
        test: () => api.call('routers.testNewConnection', { ...draft.input, ...(trustedKey.current && { hostKey: trustedKey.current }) }),
        trust: async (keyType, fingerprint) => {
          trustedKey.current = { keyType, fingerprint };
        },
        replaceKey: async (mismatch) => {
          trustedKey.current = { keyType: mismatch.keyType, fingerprint: mismatch.offeredFingerprint };
        },
      },
    [draft],
  );

  /** Writes the router with its key and secrets in one go; then detects it, or (kept anyway) closes. */
  const saveDraft = async (then: 'detect' | 'close') => {
    if (!draft) return;
    try {
      const saved = await create({ ...draft.input, ...(trustedKey.current && { hostKey: trustedKey.current }) });
      setRouter(saved);
      if (then === 'detect') await detect(saved.id);
      else close();
    } catch (e) {
      // Not saved (a name taken meanwhile, say): back to the form, with what to change.
      setStep(0);
      setError(errorMessage(e));
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
    <Modal opened={opened} onClose={() => close()} title="Add a router" size="xl">
      {/* A failed step is the current one again, marked failed: never shown as done. */}
      <Stepper active={failedStep ?? step} size="sm" mb="md">
        <Stepper.Step
          label="Connection"
          description={failedStep === 0 ? 'Failed: see below' : 'Address and login'}
          data-failed={failedStep === 0 || undefined}
          {...(failedStep === 0 && failedProps)}
        />
        <Stepper.Step
          label="Identity"
          description={failedStep === 1 ? 'Failed: see below' : 'Trust its host key'}
          data-failed={failedStep === 1 || undefined}
          {...(failedStep === 1 && failedProps)}
        />
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
      {step === 1 && draft && connection && (
        <TrustHostKeyStep
          connection={connection}
          routerName={draft.input.name}
          onTrusted={() => void saveDraft('detect')}
          onBack={() => {
            // The form again, with what went wrong beside the field to fix.
            setError(connectError && failedStep === 0 ? connectError.message : null);
            setStep(0);
          }}
          onKeep={() => void saveDraft('close')}
          onFailed={setConnectError}
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
