// Adding a site: validates as you type with the same schema the core enforces.
import { Button, Group, Modal, Stack, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { siteInputSchema } from '../../shared/api/sites-schemas.ts';
import { errorMessage } from '../api/api.ts';
import { useSitesStore } from '../stores/sites-store.ts';

export function AddSiteModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const create = useSitesStore((s) => s.create);
  const [name, setName] = useState('');
  const [notes, setNotes] = useState('');
  const [touched, setTouched] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);

  const parsed = siteInputSchema.safeParse({ name, notes });
  const nameError = touched && !parsed.success ? parsed.error.issues.find((i) => i.path[0] === 'name')?.message : undefined;

  const close = () => {
    setName('');
    setNotes('');
    setTouched(false);
    setServerError(null);
    onClose();
  };

  const submit = async () => {
    setTouched(true);
    if (!parsed.success) return;
    setSaving(true);
    try {
      await create(parsed.data);
      close();
    } catch (error) {
      setServerError(errorMessage(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal opened={opened} onClose={close} title="Add a site">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Stack>
          <TextInput
            label="Name"
            placeholder="Corner Bakery"
            data-autofocus
            value={name}
            onChange={(event) => {
              setName(event.currentTarget.value);
              setTouched(true);
              setServerError(null);
            }}
            error={nameError ?? serverError}
          />
          <Textarea label="Notes" placeholder="Address, contact, anything useful on site" value={notes} onChange={(event) => setNotes(event.currentTarget.value)} autosize minRows={2} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={saving} disabled={touched && !parsed.success}>
              Add site
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
