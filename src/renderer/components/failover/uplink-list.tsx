// The uplinks in priority order, reordered by dragging with the mouse or with the keyboard
// (Space, arrows, Space), each move announced; empty slots invite a second uplink.
import { DragDropContext, Draggable, Droppable, type DraggableProvidedDragHandleProps } from '@hello-pangea/dnd';
import { Button, Card, Group, Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { predictFailoverSec } from '../../../shared/failover-defaults.ts';
import { trackingSchema, type Wan } from '../../../shared/model.ts';
import { useNavigationStore } from '../../stores/navigation-store.ts';
import { useFailoverStore, type RouterFailover } from '../../stores/failover-store.ts';
import { dragHandleUsageInstructions, droppedMessage, liftedMessage, movedMessage } from './drag-announcements.ts';
import { balanceShares, wanIssues } from './policy-issues.ts';
import { UplinkCard } from './uplink-card.tsx';
import { UplinkDialog } from './uplink-dialog.tsx';
import { uplinkLabel } from './uplink-label.ts';

const minUplinks = 2;

export function UplinkList({ routerId, state, locked }: { routerId: string; state: RouterFailover; locked: boolean }) {
  const { reorder, updateWan, force, addWan } = useFailoverStore.getState();
  const go = useNavigationStore((s) => s.go);
  const [settingsOf, setSettingsOf] = useState<string | null>(null);
  const { draft, snapshot, status } = state;
  if (!draft || !snapshot) return null;
  const wans = draft.wans;
  const shares = balanceShares(draft);
  const applied = new Set(snapshot.policy?.wans.map((w) => w.name) ?? []);
  const unused = snapshot.candidates.filter((c) => !wans.some((w) => w.name === c.name));
  const canAdd = wans.length < Math.min(snapshot.capabilities.maxWans, 8) && !locked;
  const emptySlots = Math.max(0, minUplinks - wans.length);
  const extras = (
    <>
      {Array.from({ length: emptySlots }, (_, i) => (
        <Card key={`slot-${i}`} withBorder padding="md" style={{ borderStyle: 'dashed' }} data-testid="empty-slot">
          <Text fw={600}>Empty uplink slot</Text>
          {unused.length > 0 ? (
            <Text size="sm" c="dimmed">
              Add one of the router’s other uplinks below.
            </Text>
          ) : (
            <Group justify="space-between" gap="xs">
              <Text size="sm" c="dimmed">
                Failover needs a second way out: plug in a phone by USB, a cellular modem, a Wi-Fi repeater or a second cable, then run detection again.
              </Text>
              <Button size="xs" variant="default" onClick={() => go({ kind: 'router', routerId, tab: 'overview' })}>
                Go to Overview
              </Button>
            </Group>
          )}
        </Card>
      ))}
      {canAdd && unused.length > 0 && (
        <Group gap="xs">
          {unused.map((candidate) => (
            <Button key={candidate.name} size="xs" variant="default" leftSection={<IconPlus size={14} />} onClick={() => addWan(routerId, candidate.name)}>
              Add {uplinkLabel(candidate)}
            </Button>
          ))}
        </Group>
      )}
      {settingsOf && <UplinkDialog routerId={routerId} wanName={settingsOf} onClose={() => setSettingsOf(null)} />}
    </>
  );

  // Balance mode has no order to drag: the cards stand still and show their ratio.
  const card = (wan: Wan, index: number, dragHandleProps: DraggableProvidedDragHandleProps | null) => (
    <UplinkCard
      wan={wan}
      index={index}
      total={wans.length}
      mode={draft.mode}
      candidate={snapshot.candidates.find((c) => c.device === wan.device)}
      status={status?.wans.find((s) => s.wan === wan.name)}
      sharePct={shares.get(wan.name)}
      predictedSec={
        wans.slice(index + 1).some((w) => w.enabled) && trackingSchema.safeParse(wan.tracking).success ? predictFailoverSec(snapshot.platform, wan.tracking) : null
      }
      issues={wanIssues(state.issues, wan.name)}
      locked={locked}
      forced={status?.forced === wan.name}
      anyForced={!!status && status.forced !== 'auto'}
      canForce={snapshot.capabilities.supportsManualFailover && !!status?.enabled && applied.has(wan.name)}
      forcing={state.forcing === wan.name}
      metricsStale={state.metricsStale}
      forceClearsConnections={snapshot.platform === 'linux'}
      dragHandleProps={dragHandleProps}
      onSettings={() => setSettingsOf(wan.name)}
      onForce={() => void force(routerId, wan.name)}
      onEnabled={(enabled) => updateWan(routerId, wan.name, { enabled })}
      onWeight={(weight) => updateWan(routerId, wan.name, { weight })}
    />
  );

  if (draft.mode === 'balance') {
    return (
      <Stack gap="sm">
        <Stack gap="sm" aria-label="Uplinks and their ratios">
          {wans.map((wan, index) => (
            <div key={wan.name}>{card(wan, index, null)}</div>
          ))}
        </Stack>
        {extras}
      </Stack>
    );
  }
  return (
    <Stack gap="sm">
      <DragDropContext
        dragHandleUsageInstructions={dragHandleUsageInstructions}
        onDragStart={(start, provided) => {
          const wan = wans[start.source.index];
          if (wan) provided.announce(liftedMessage(wan, start.source.index, wans.length));
        }}
        onDragUpdate={(update, provided) => {
          const wan = wans[update.source.index];
          if (wan && update.destination) provided.announce(movedMessage(wan, update.destination.index, wans.length));
        }}
        onDragEnd={(result, provided) => {
          const wan = wans[result.source.index];
          if (!wan) return;
          const to = result.reason === 'DROP' && result.destination ? result.destination.index : null;
          provided.announce(droppedMessage(wan, result.source.index, to, wans.length));
          if (to !== null && to !== result.source.index) reorder(routerId, result.source.index, to);
        }}
      >
        <Droppable droppableId="uplinks">
          {(dropProvided) => (
            <Stack gap="sm" ref={dropProvided.innerRef} {...dropProvided.droppableProps} aria-label="Uplinks in priority order">
              {wans.map((wan, index) => (
                <Draggable key={wan.name} draggableId={wan.name} index={index} isDragDisabled={locked || wans.length < 2}>
                  {(dragProvided) => (
                    <div ref={dragProvided.innerRef} {...dragProvided.draggableProps}>
                      {card(wan, index, dragProvided.dragHandleProps)}
                    </div>
                  )}
                </Draggable>
              ))}
              {dropProvided.placeholder}
            </Stack>
          )}
        </Droppable>
      </DragDropContext>
      {extras}
    </Stack>
  );
}
