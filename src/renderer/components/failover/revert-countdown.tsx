// Seconds left before the router undoes the change by itself, with the wall-clock moment, so
// a technician who looks away still knows when to look again.
import { Progress, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { clockTime } from './uplink-label.ts';

export function RevertCountdown({ revertAtMs, totalSec }: { revertAtMs: number; totalSec?: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  const leftSec = Math.max(0, Math.ceil((revertAtMs - now) / 1000));
  return (
    <Stack gap={4} data-testid="revert-countdown" role="timer" data-seconds-left={leftSec}>
      <Text fw={600}>
        {leftSec > 0
          ? `The router restores the previous settings in ${leftSec} s (at ${clockTime(revertAtMs)}) unless you confirm.`
          : 'Time is up: the router is restoring the previous settings by itself. Switchyard is checking…'}
      </Text>
      {totalSec !== undefined && totalSec > 0 && <Progress value={Math.min(100, (leftSec / totalSec) * 100)} color={leftSec > 10 ? 'blue' : 'red'} aria-hidden />}
    </Stack>
  );
}
