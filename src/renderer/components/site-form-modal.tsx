// Adding a site or editing one (name, notes): validates as you type with the schema the core
// enforces; an edit sends only what changed, so renaming never touches the notes.
import { Button, Group, Modal, Stack, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { siteInputSchema } from '../../shared/api/sites-schemas.ts';
import type { Site } from '../../shared/api/sites-schemas.ts';
import { errorMessage } from '../api/api.ts';
import { useSitesStore } from '../stores/sites-store.ts';

/** `site` given: edit it; otherwise add a new one. */
export function SiteFormModal({ site, opened, onClose }: { site?: Site; opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={site ? `Edit ${site.name}` : 'Add a site'}>
      {/* Mounted only while open, so every opening starts from the saved values. */}
      {opened && <SiteForm site={site} onDone={onClose} />}
    </Modal>
  );
}

function SiteForm({ site, onDone }: { site: Site | undefined; onDone: () => void }) {
  const create = useSitesStore((s) => s.create);
  const update = useSitesStore((s) => s.update);
  const [name, setName] = useState(site?.name ?? '');
  const [notes, setNotes] = useState(site?.notes ?? '');
  const [touched, setTouched] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);

  const parsed = siteInputSchema.safeParse({ name, notes });
  const nameError = touched && !parsed.success ? parsed.error.issues.find((i) => i.path[0] === 'name')?.message : undefined;
  const notesError = !parsed.success ? parsed.error.issues.find((i) => i.path[0] === 'notes')?.message : undefined;

  const submit = async () => {
    setTouched(true);
    if (!parsed.success) return;
    setSaving(true);
    try {
      if (!site) await create(parsed.data);
      else {
        const patch = { ...(parsed.data.name !== site.name && { name: parsed.data.name }), ...(parsed.data.notes !== site.notes && { notes: parsed.data.notes }) };
        if (Object.keys(patch).length > 0) await update(site.id, patch);
      }
      onDone();
    } catch (error) {
      setServerError(errorMessage(error));
    } finally {
      setSaving(false);
    }
  };

  return (
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
        <Textarea label="Notes" placeholder="Address, contact, anything useful on site" value={notes} onChange={(event) => setNotes(event.currentTarget.value)} error={notesError} autosize minRows={2} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={saving} disabled={touched && !parsed.success}>
            {site ? 'Save changes' : 'Add site'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
