// Seconds left before the router undoes the change by itself, with the wall-clock moment, so
// a technician who looks away still knows when to look again. The deadline is the router's
// own, translated with a measured clock offset; seconds are rounded down so the screen never
// promises more time than the router gives.
import { Progress, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { confirmCutoffSec, revertSecondsLeft, tooLateToConfirm } from '../../../shared/revert-clock.ts';
import { clockTime } from './uplink-label.ts';

/** The current time, refreshed four times a second while a countdown shows. */
export function useNowMs(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function RevertCountdown({ revertAtMs, totalSec, nowMs }: { revertAtMs: number; totalSec?: number; nowMs: number }) {
  const leftSec = revertSecondsLeft(revertAtMs, nowMs);
  const late = tooLateToConfirm(revertAtMs, nowMs);
  return (
    <Stack gap={4} data-testid="revert-countdown" role="timer" data-seconds-left={leftSec} data-revert-at-ms={revertAtMs}>
      <Text fw={600}>
        {leftSec > 0
          ? `If you do not confirm, the router restores the previous settings by itself at ${clockTime(revertAtMs)} (in ${leftSec} s).`
          : 'Time is up: the router is restoring the previous settings by itself. Switchyard is checking…'}
      </Text>
      {leftSec > 0 && late && (
        <Text size="sm" c="red" data-testid="confirm-too-late">
          Too late to confirm: with less than {confirmCutoffSec} s left, a confirmation could reach the router after it has begun restoring. Let it finish, then apply again if you want these settings.
        </Text>
      )}
      {!late && (
        <Text size="sm" c="dimmed">
          Confirm keeps the new settings for good. Revert now goes back to the previous ones at once.
        </Text>
      )}
      {totalSec !== undefined && totalSec > 0 && <Progress value={Math.min(100, (leftSec / totalSec) * 100)} color={leftSec > 10 ? 'blue' : 'red'} aria-hidden />}
    </Stack>
  );
}
