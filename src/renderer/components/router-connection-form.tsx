// The connection half of adding a router: where it is and how to log in. Validates as you
// type with the schema the core enforces, so Save is only possible with a valid profile.
import { Button, Group, NumberInput, PasswordInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { routerInputSchema, type RouterInput } from '../../shared/api/routers-schemas.ts';

type AuthChoice = 'password' | 'key' | 'agent';

export function RouterConnectionForm(props: { siteId: string; busy: boolean; error: string | null; onSubmit: (input: RouterInput) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [host, setHost] = useState('');
  const [port, setPort] = useState<number | string>(22);
  const [username, setUsername] = useState('root');
  const [authChoice, setAuthChoice] = useState<AuthChoice>('password');
  const [password, setPassword] = useState('');
  const [keyPath, setKeyPath] = useState('~/.ssh/id_ed25519');
  const [passphrase, setPassphrase] = useState('');
  const [touched, setTouched] = useState<Record<string, boolean>>({});

  const auth =
    authChoice === 'password' ? { kind: 'password' as const, password } : authChoice === 'key' ? { kind: 'key' as const, keyPath, ...(passphrase ? { passphrase } : {}) } : { kind: 'agent' as const };
  const input: RouterInput = { siteId: props.siteId, name, host, port: typeof port === 'number' ? port : Number.NaN, username, auth };
  const parsed = routerInputSchema.safeParse(input);
  const issue = (field: string) => (touched[field] && !parsed.success ? parsed.error.issues.find((i) => i.path.join('.').startsWith(field))?.message : undefined);
  const touch = (field: string) => setTouched((t) => ({ ...t, [field]: true }));

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        setTouched({ name: true, host: true, port: true, username: true, auth: true });
        if (parsed.success) props.onSubmit(input);
      }}
    >
      <Stack>
        <TextInput label="Name" description="How you call it, e.g. “Shop router”" data-autofocus value={name} onChange={(e) => (setName(e.currentTarget.value), touch('name'))} error={issue('name')} />
        <Group grow align="flex-start">
          <TextInput label="Address" placeholder="192.0.2.1 or router.local" value={host} onChange={(e) => (setHost(e.currentTarget.value), touch('host'))} error={issue('host')} />
          <NumberInput label="SSH port" maw={120} value={port} onChange={(v) => (setPort(v), touch('port'))} error={issue('port')} allowDecimal={false} min={1} max={65535} />
        </Group>
        <TextInput label="User" value={username} onChange={(e) => (setUsername(e.currentTarget.value), touch('username'))} error={issue('username')} />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Log in with
          </Text>
          <SegmentedControl
            value={authChoice}
            onChange={(v) => setAuthChoice(v as AuthChoice)}
            data={[
              { value: 'password', label: 'Password' },
              { value: 'key', label: 'Key file' },
              { value: 'agent', label: 'SSH agent' },
            ]}
          />
        </Stack>
        {authChoice === 'password' && <PasswordInput label="Password" value={password} onChange={(e) => (setPassword(e.currentTarget.value), touch('auth'))} error={issue('auth')} />}
        {authChoice === 'key' && (
          <>
            <TextInput label="Private key file" value={keyPath} onChange={(e) => (setKeyPath(e.currentTarget.value), touch('auth'))} error={issue('auth')} />
            <PasswordInput label="Key passphrase" description="Leave empty if the key has none" value={passphrase} onChange={(e) => setPassphrase(e.currentTarget.value)} />
          </>
        )}
        {authChoice === 'agent' && <Text size="sm" c="dimmed">Switchyard asks the SSH agent running on this computer (SSH_AUTH_SOCK, or Pageant on Windows) for a key.</Text>}
        {props.error && (
          <Text c="red" size="sm" role="alert">
            {props.error}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={props.busy}>
            Save and connect
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
