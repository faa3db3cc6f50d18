// The router's connection profile and what detection found, with the actions a technician
// reaches for first: edit, detect again, remove.
import { Alert, Button, Card, Code, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconPencil, IconRefresh, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { Router } from '../../shared/api/routers-schemas.ts';
import type { DetectionResult } from '../../shared/detect-schemas.ts';
import type { ApiError } from '../../shared/errors.ts';
import { api, ApiCallError, errorMessage } from '../api/api.ts';
import { useNavigationStore } from '../stores/navigation-store.ts';
import { useRoutersStore } from '../stores/routers-store.ts';
import { ConfirmButton } from './confirm-button.tsx';
import { DetectionSummary } from './detection-summary.tsx';
import { EditRouterModal } from './edit-router-modal.tsx';
import { hostKeyMismatch, RepinHostKeyButton, replaceSavedKey } from './repin-host-key.tsx';

const authLabels: Record<Router['authKind'], string> = { password: 'password', 'keyboard-interactive': 'keyboard-interactive', key: 'key file', agent: 'SSH agent' };

export function RouterOverview({ router, detection }: { router: Router; detection: DetectionResult | null }) {
  const go = useNavigationStore((s) => s.go);
  const remove = useRoutersStore((s) => s.remove);
  const jumpRouter = useRoutersStore((s) => s.routers.find((r) => r.id === router.jumpRouterId));
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  // Detection runs by itself the first time a trusted router is opened: the user should not have
  // to find a "Detect" button to learn what the router is.
  const needsFirstDetection = detection === null && router.hostKey !== null;
  useEffect(() => {
    if (needsFirstDetection) void detect();
    // Once per router: a failed first try leaves the button and the error.
  }, [router.id, needsFirstDetection]);

  const detect = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.call('routers.detect', { id: router.id });
    } catch (e) {
      setError(e instanceof ApiCallError ? e.error : { code: 'internal', message: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };
  const mismatch = error?.code === 'host-key-mismatch' ? hostKeyMismatch(error.details) : null;

  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={4} mb="xs">
            Connection
          </Title>
          <Text size="sm">
            {router.username}@{router.host}:{router.port}, logs in with {authLabels[router.authKind]}
            {router.authKind.startsWith('password') || router.authKind === 'keyboard-interactive' ? (router.hasSecret ? '' : ' — no password saved: edit the router to enter it') : ''}
          </Text>
          <Text size="sm" mt="xs">
            Host key: {router.hostKey ? <Code>{`${router.hostKey.type} ${router.hostKey.fingerprint}`}</Code> : 'not trusted yet'}
          </Text>
          {router.jumpRouterId && (
            <Text size="sm" mt="xs" data-testid="jump-host">
              Through jump host {jumpRouter ? `${jumpRouter.name} (${jumpRouter.host})` : 'that is no longer in the inventory'}
            </Text>
          )}
          <Text size="sm" mt="xs" data-testid="snmp-settings">
            SNMP: {snmpText(router.snmp)}
          </Text>
        </Card>
        <Card withBorder>
          <Title order={4} mb="xs">
            System
          </Title>
          {detection ? (
            <>
              <Text size="sm">
                {systemLine(detection)}
              </Text>
              {detection.facts.init === 'unknown' && (
                <Text size="xs" c="dimmed" mt={4} data-testid="init-explained">
                  {initUnknownText(detection)}
                </Text>
              )}
            </>
          ) : busy ? (
            <Text size="sm" c="dimmed">
              Detecting the platform and uplinks…
            </Text>
          ) : (
            <Text size="sm" c="dimmed">
              Not detected yet.
            </Text>
          )}
        </Card>
      </SimpleGrid>
      {error && (
        <Alert color="red" data-testid="overview-error" title={mismatch ? 'The router’s identity has changed' : undefined}>
          <Text size="sm">{error.message}</Text>
          {mismatch && (
            <Group mt="sm">
              <RepinHostKeyButton routerName={router.name} mismatch={mismatch} replaceKey={replaceSavedKey(router.id)} onReplaced={() => void detect()} />
            </Group>
          )}
        </Alert>
      )}
      {detection && <DetectionSummary detection={detection} />}
      <Group>
        <Button leftSection={<IconPencil size={16} />} variant="light" onClick={() => setEditing(true)}>
          Edit
        </Button>
        <Button leftSection={<IconRefresh size={16} />} variant="light" loading={busy} onClick={() => void detect()} disabled={!router.hostKey}>
          {detection ? 'Detect again' : 'Detect'}
        </Button>
        <ConfirmButton
          label="Remove router"
          icon={<IconTrash size={16} />}
          title={`Remove ${router.name}?`}
          message="The router leaves Switchyard's inventory with its saved password. Nothing changes on the router itself."
          onConfirm={async () => {
            await remove(router.id);
            go({ kind: 'site', siteId: router.siteId });
          }}
        />
      </Group>
      <EditRouterModal router={router} opened={editing} onClose={() => setEditing(false)} onLoginChanged={() => void detect()} />
    </Stack>
  );
}

/** "Debian GNU/Linux 12 (bookworm) · r01 · init unknown": the version only when the name lacks it (PRETTY_NAME has it). */
export function systemLine(detection: DetectionResult): string {
  const { os, hostname, init } = detection.facts;
  const name = os.name ?? os.id ?? 'Unknown system';
  const version = os.version && !name.includes(os.version) ? ` ${os.version}` : '';
  return [`${name}${version}`, hostname, `init ${init}`].filter(Boolean).join(' · ');
}

/** "init unknown" in words: which program runs as PID 1 and what that means for Switchyard. */
function initUnknownText(detection: DetectionResult): string {
  const pid1 = detection.evidence.map((e) => /^init unknown: PID 1 is (.+)$/.exec(e)?.[1]).find((x) => x !== undefined);
  const who = pid1 && pid1 !== 'not readable' ? `PID 1 is ${pid1}, not a service manager Switchyard knows (systemd, procd, OpenRC, BusyBox init)` : 'Switchyard could not read which program runs as PID 1';
  return `${who}: usually a container or a test router. Failover still works, but Switchyard's agent then runs as a plain background process, which does not start again by itself after a reboot.`;
}

/** The settings only: SNMP secrets never come back from the core, so they show as "saved". */
function snmpText(snmp: Router['snmp']): string {
  if (!snmp) return 'off';
  return snmp.version === '2c'
    ? `v2c on port ${snmp.port}, community saved`
    : `v3 as ${snmp.user} on port ${snmp.port}, ${snmp.authProtocol} / ${snmp.privProtocol}, keys saved`;
}
