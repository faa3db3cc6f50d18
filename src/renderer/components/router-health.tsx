// A router's health at a glance, the same words on the sites page, the site page and the router
// page: failover on or off, which uplink carries the traffic, any uplink offline, a change
// waiting for confirmation. Read from the router's own status (failover.status), polled while
// shown; when the router does not answer the health is "unknown", never a reassuring green.
import { Badge, Group } from '@mantine/core';
import { useEffect } from 'react';
import type { ApiError } from '../../shared/errors.ts';
import type { RouterStatus } from '../../shared/failover-schemas.ts';
import { awaitingFirstProbe } from '../../shared/probed-words.ts';
import { useFailoverStore } from '../stores/failover-store.ts';

/** The site and sites pages check each router this often (one short SSH command each). */
export const healthPollMs = 5_000;

export interface HealthSummary {
  /** The colour role: teal all fine, yellow something to look at, red an uplink offline, gray unknown. */
  readonly level: 'ok' | 'attention' | 'offline' | 'unknown';
  /** When unknown, why, in a few words (the full reason is the badge's title). */
  readonly unknown?: { readonly words: string; readonly reason: string };
  readonly failover: 'on' | 'off' | 'unknown';
  readonly activeWans: readonly string[];
  readonly offlineWans: readonly string[];
  /** Backups probed only when needed that stand by now: fine, not degraded (Cellular saver). */
  readonly standbyWans: readonly string[];
  /** Uplinks the router has no probe result for yet (just applied): neither online nor offline. */
  readonly checkingWans: readonly string[];
  readonly pending: boolean;
  readonly forced: string | null;
}

/**
 * `error`: why the last status read failed, if it did. No status and no error is the first read
 * still on its way, which is not the router failing to answer.
 */
export function summarizeHealth(status: RouterStatus | null, error: ApiError | null = null): HealthSummary {
  if (!status || error) {
    return { level: 'unknown', unknown: unknownWords(error), failover: status ? (status.enabled ? 'on' : 'off') : 'unknown', activeWans: [], offlineWans: [], standbyWans: [], checkingWans: [], pending: false, forced: null };
  }
  const activeWans = status.wans.filter((w) => w.active).map((w) => w.wan);
  const offlineWans = status.wans.filter((w) => w.state === 'offline').map((w) => w.wan);
  const standbyWans = status.wans.filter((w) => w.standby === true).map((w) => w.wan);
  const checkingWans = status.wans.filter((w) => awaitingFirstProbe(w)).map((w) => w.wan);
  const pending = status.pendingRevertAtMs !== null;
  const forced = status.forced !== 'auto' ? status.forced : null;
  const level = offlineWans.length > 0 ? 'offline' : pending || forced !== null || !status.enabled ? 'attention' : 'ok';
  return { level, failover: status.enabled ? 'on' : 'off', activeWans, offlineWans, standbyWans, checkingWans, pending, forced };
}

function unknownWords(error: ApiError | null): { words: string; reason: string } {
  if (!error) return { words: 'Checking the router…', reason: 'Reading the router\'s status for the first time.' };
  // Not the router's fault: Switchyard cannot read this platform's failover, or has not detected it.
  if (error.code === 'unsupported') return { words: 'No failover status here', reason: error.message };
  if (error.code === 'conflict') return { words: 'Not detected yet', reason: error.message };
  return { words: 'Not answering', reason: error.message };
}

/** The badges, each with its words (colour is never the only sign). */
export function HealthBadges({ health, routerName }: { health: HealthSummary; routerName?: string }) {
  const label = routerName ? `Health of ${routerName}` : 'Router health';
  return (
    <Group gap={6} wrap="wrap" data-testid="router-health" data-level={health.level} aria-label={label} role="group">
      {health.level === 'unknown' ? (
        <Badge color="gray" variant="light" data-color="gray" data-testid="health-unknown" title={health.unknown?.reason}>
          {health.unknown?.words ?? 'Health unknown'}
        </Badge>
      ) : (
        <>
          <Badge color={health.failover === 'on' ? 'teal' : 'gray'} variant="light" data-color={health.failover === 'on' ? 'teal' : 'gray'} data-testid="health-failover">
            {health.failover === 'on' ? 'Failover on' : 'Failover off'}
          </Badge>
          {health.activeWans.length > 0 && (
            <Badge color="teal" variant="outline" data-color="teal" data-testid="health-traffic">
              Traffic on {health.activeWans.join(' + ')}
            </Badge>
          )}
          {health.offlineWans.map((wan) => (
            <Badge key={wan} color="red" variant="filled" data-color="red" data-testid="health-offline">
              {wan} offline
            </Badge>
          ))}
          {health.standbyWans.length > 0 && (
            <Badge color="gray" variant="outline" data-color="gray" data-testid="health-standby" title="Probed only when needed: the router does not probe it while the primary is healthy, to save data">
              {health.standbyWans.join(' + ')} standing by
            </Badge>
          )}
          {health.checkingWans.length > 0 && (
            <Badge color="blue" variant="outline" data-color="blue" data-testid="health-checking" title="The router has no probe result for it yet: online or not is not known until the first one">
              {health.checkingWans.join(' + ')} checking…
            </Badge>
          )}
          {health.forced && (
            <Badge color="orange" variant="light" data-color="orange">
              Forced onto {health.forced}
            </Badge>
          )}
          {health.pending && (
            <Badge color="yellow" variant="light" data-color="yellow" data-testid="health-pending">
              Waiting for your confirmation
            </Badge>
          )}
        </>
      )}
    </Group>
  );
}

/** Polls the routers' status while mounted: at once, then every `everyMs`. */
export function useHealthPolling(routerIds: readonly string[], everyMs: number): void {
  const key = routerIds.join(',');
  useEffect(() => {
    if (key === '') return;
    const ids = key.split(',');
    const poll = () => ids.forEach((id) => void useFailoverStore.getState().pollStatus(id));
    poll();
    const timer = setInterval(poll, everyMs);
    return () => clearInterval(timer);
  }, [key, everyMs]);
}

/** One router's health badges, read from the failover store (polled by the page). */
export function RouterHealth({ routerId, routerName }: { routerId: string; routerName?: string }) {
  const status = useFailoverStore((s) => s.routers[routerId]?.status ?? null);
  const error = useFailoverStore((s) => s.routers[routerId]?.statusError ?? null);
  return <HealthBadges health={summarizeHealth(status, error)} {...(routerName !== undefined && { routerName })} />;
}
