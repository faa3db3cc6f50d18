// A failover must not go unnoticed: when a router's status shows an uplink going offline or the
// traffic moving to another uplink, a banner appears above every page, and a notification on
// this computer when the user allowed them (browser Notification in serve mode).
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconBell, IconCircleCheck } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import type { RouterStatus } from '../../shared/failover-schemas.ts';
import { useFailoverStore } from '../stores/failover-store.ts';
import { useRoutersStore } from '../stores/routers-store.ts';

export interface FailoverNotice {
  readonly id: string;
  readonly routerId: string;
  readonly kind: 'failover' | 'recovered';
  readonly title: string;
  readonly message: string;
  readonly atMs: number;
  /** Where the traffic was when the notice was made: its words are about that. */
  readonly activeWans: readonly string[];
}

const activeOf = (status: RouterStatus): string[] => status.wans.filter((w) => w.active).map((w) => w.wan);

/**
 * A notice no longer true of the router: failover was turned off or removed, or the traffic is
 * on other uplinks now (forced elsewhere by hand, say) with nothing new to tell. Seen in a
 * technician's walk: "traffic on eth1 – eth1 is back online" stayed above every page while the
 * router was forced onto wwan0, and after failover was removed.
 */
export function outdated(notice: Pick<FailoverNotice, 'activeWans'>, status: RouterStatus | null): boolean {
  if (!status) return false;
  return !status.enabled || activeOf(status).join() !== notice.activeWans.join();
}

/**
 * What changed between two statuses of one router, in words; null when nothing worth telling.
 * `seenOffline`: the uplinks seen offline since they were last online. An engine's way back is
 * often offline → connecting → online, so "back online" cannot wait for offline just before.
 */
export function describeChange(
  before: RouterStatus | null,
  after: RouterStatus | null,
  routerName: string,
  seenOffline: ReadonlySet<string> = new Set(),
): Omit<FailoverNotice, 'id' | 'routerId' | 'atMs' | 'activeWans'> | null {
  if (!before || !after || !before.enabled || !after.enabled) return null;
  const stateBefore = (wan: string) => before.wans.find((b) => b.wan === wan)?.state;
  const wentOffline = after.wans.filter((w) => w.state === 'offline' && stateBefore(w.wan) !== 'offline').map((w) => w.wan);
  const cameBack = after.wans.filter((w) => w.state === 'online' && stateBefore(w.wan) !== 'online' && (stateBefore(w.wan) === 'offline' || seenOffline.has(w.wan))).map((w) => w.wan);
  const activeBefore = before.wans.filter((w) => w.active).map((w) => w.wan);
  const activeAfter = after.wans.filter((w) => w.active).map((w) => w.wan);
  const moved = activeAfter.length > 0 && activeBefore.length > 0 && activeAfter.join() !== activeBefore.join();
  const traffic = moved ? ` Traffic moved from ${activeBefore.join(' + ')} to ${activeAfter.join(' + ')}.` : '';
  if (wentOffline.length > 0) {
    return { kind: 'failover', title: `${routerName}: ${wentOffline.join(', ')} offline`, message: `${wentOffline.join(', ')} stopped answering its checks.${traffic}` };
  }
  if (moved && after.forced === 'auto' && before.forced === 'auto') {
    const backOnline = cameBack.length > 0 ? `${cameBack.join(', ')} is back online. ` : '';
    return { kind: cameBack.length > 0 ? 'recovered' : 'failover', title: `${routerName}: traffic on ${activeAfter.join(' + ')}`, message: `${backOnline}${traffic.trim()}` };
  }
  if (cameBack.length > 0) {
    return { kind: 'recovered', title: `${routerName}: ${cameBack.join(', ')} back online`, message: `${cameBack.join(', ')} answers its checks again.` };
  }
  return null;
}

function notifyDesktop(notice: FailoverNotice): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    new Notification(notice.title, { body: notice.message, tag: `switchyard-${notice.routerId}` });
  } catch {
    // A browser that refuses page notifications still shows the banner.
  }
}

/** Watches every router status the app reads and keeps the notices to show. */
function useFailoverNotices(): { notices: FailoverNotice[]; dismiss(id: string): void } {
  const [notices, setNotices] = useState<FailoverNotice[]>([]);
  // Per router: the uplinks seen offline since they were last online.
  const seenOffline = useRef(new Map<string, Set<string>>());
  useEffect(
    () =>
      useFailoverStore.subscribe((state, previous) => {
        for (const [routerId, slice] of Object.entries(state.routers)) {
          const before = previous.routers[routerId]?.status ?? null;
          if (slice.status === before) continue;
          const name = useRoutersStore.getState().routers.find((r) => r.id === routerId)?.name ?? 'Router';
          const offline = seenOffline.current.get(routerId) ?? new Set<string>();
          const change = describeChange(before, slice.status, name, offline);
          for (const w of slice.status?.wans ?? []) {
            if (w.state === 'offline') offline.add(w.wan);
            else if (w.state === 'online') offline.delete(w.wan);
          }
          seenOffline.current.set(routerId, offline);
          if (!change) {
            const now = slice.status;
            setNotices((list) => (list.some((n) => n.routerId === routerId && outdated(n, now)) ? list.filter((n) => n.routerId !== routerId || !outdated(n, now)) : list));
            continue;
          }
          const notice: FailoverNotice = { ...change, id: `${routerId}-${Date.now()}`, routerId, atMs: Date.now(), activeWans: slice.status ? activeOf(slice.status) : [] };
          notifyDesktop(notice);
          // One notice per router: the newest says where the traffic is now.
          setNotices((list) => [notice, ...list.filter((n) => n.routerId !== routerId)]);
        }
      }),
    [],
  );
  return { notices, dismiss: (id) => setNotices((list) => list.filter((n) => n.id !== id)) };
}

export function FailoverBanner() {
  const { notices, dismiss } = useFailoverNotices();
  const [permission, setPermission] = useState(() => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission));
  if (notices.length === 0) return null;
  return (
    <Stack gap="xs" mb="md" data-testid="failover-banner">
      {notices.map((n) => (
        <Alert
          key={n.id}
          role="alert"
          color={n.kind === 'failover' ? 'red' : 'teal'}
          data-color={n.kind === 'failover' ? 'red' : 'teal'}
          icon={n.kind === 'failover' ? <IconAlertTriangle /> : <IconCircleCheck />}
          title={n.title}
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => dismiss(n.id)}
        >
          <Group justify="space-between" wrap="wrap">
            <Text size="sm">{n.message}</Text>
            {permission === 'default' && (
              <Button size="xs" variant="light" leftSection={<IconBell size={14} />} onClick={() => void Notification.requestPermission().then(setPermission)}>
                Also notify me on this computer
              </Button>
            )}
          </Group>
        </Alert>
      ))}
    </Stack>
  );
}
