// The router's connection profile, for adding one and for editing it: where it is, how to log
// in, the jump host and SNMP. Validates as you type with the schemas the core enforces; in edit,
// secrets are never shown back: an empty field keeps the saved one.
import { Alert, Button, Code, Group, NumberInput, PasswordInput, SegmentedControl, Select, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconFileImport } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { snmpAuthProtocols, snmpPrivProtocols, type Router, type RouterInput } from '../../shared/api/routers-schemas.ts';
import { useRoutersStore } from '../stores/routers-store.ts';
import { useSitesStore } from '../stores/sites-store.ts';
import {
  blankRouterForm,
  dropsHostKey,
  fillFromSshConfig,
  routerFormFrom,
  toRouterInput,
  toRouterPatch,
  type AuthChoice,
  type RouterFormValues,
  type RouterPatch,
  type SnmpChoice,
  type SshConfigFill,
  type SshConfigHost,
} from './router-form-model.ts';

export type RouterFormMode =
  | { readonly kind: 'add'; readonly siteId: string; readonly initial?: RouterFormValues; readonly onSubmit: (input: RouterInput, values: RouterFormValues) => void }
  | { readonly kind: 'edit'; readonly router: Router; readonly onSubmit: (patch: RouterPatch) => void };

const noJump = 'none';

export function RouterConnectionForm(props: { mode: RouterFormMode; busy: boolean; error: string | null; onCancel: () => void }) {
  const { mode } = props;
  const saved = mode.kind === 'edit' ? mode.router : null;
  const [values, setValues] = useState<RouterFormValues>(() => (mode.kind === 'edit' ? routerFormFrom(mode.router) : (mode.initial ?? blankRouterForm)));
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [sshHosts, setSshHosts] = useState<readonly SshConfigHost[]>([]);
  const [sshFill, setSshFill] = useState<(SshConfigFill & { alias: string }) | null>(null);
  const routers = useRoutersStore((s) => s.routers);
  const sshConfigHosts = useRoutersStore((s) => s.sshConfigHosts);
  const sites = useSitesStore((s) => s.sites);

  useEffect(() => {
    if (mode.kind !== 'add') return;
    let live = true;
    // No ~/.ssh/config, or none readable, simply means no import choice.
    sshConfigHosts().then(
      (hosts) => live && setSshHosts(hosts),
      () => live && setSshHosts([]),
    );
    return () => {
      live = false;
    };
  }, [mode.kind, sshConfigHosts]);

  const outcome = mode.kind === 'edit' ? toRouterPatch(mode.router, values) : toRouterInput(mode.siteId, values);
  // A field shows its problem once it (or its section: auth, snmp) was touched, or on submit.
  const issue = (path: string): string | undefined => {
    if (outcome.ok || !touched.has(path.split('.')[0]!)) return undefined;
    return outcome.issues.find((i) => i.path === path || i.path.startsWith(`${path}.`))?.message;
  };
  const set = (field: string, patch: Partial<RouterFormValues>) => {
    setValues((v) => ({ ...v, ...patch }));
    setTouched((t) => new Set([...t, field]));
  };
  const savedSecret = (what: string) => (saved ? `saved — leave empty to keep the saved ${what}` : undefined);

  // Not itself, nor a router that goes through this one (the simplest loop to refuse).
  const jumpCandidates = routers.filter((r) => !saved || (r.id !== saved.id && r.jumpRouterId !== saved.id));
  const jumpData = [
    { value: noJump, label: 'None — connect directly' },
    ...sites
      .map((site) => ({ group: site.name, items: jumpCandidates.filter((r) => r.siteId === site.id).map((r) => ({ value: r.id, label: `${r.name} (${r.username}@${r.host}:${r.port})` })) }))
      .filter((g) => g.items.length > 0),
  ];

  const submit = () => {
    setTouched(new Set(['name', 'host', 'port', 'username', 'auth', 'snmp', 'notes', 'jumpRouterId']));
    if (!outcome.ok) return;
    if (mode.kind === 'edit') mode.onSubmit(outcome.value as RouterPatch);
    else mode.onSubmit(outcome.value as RouterInput, values);
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Stack>
        {props.error && <FormError message={props.error} />}
        {mode.kind === 'add' && sshHosts.length > 0 && (
          <Select
            label="Import from ~/.ssh/config"
            description="Fills the address, user, port and key file from one of your Host entries"
            placeholder="Choose a Host entry"
            leftSection={<IconFileImport size={16} />}
            searchable
            clearable
            value={sshFill?.alias ?? null}
            data={sshHosts.map((h) => ({ value: h.alias, label: `${h.alias} — ${h.user ? `${h.user}@` : ''}${h.hostName}:${h.port}` }))}
            onChange={(alias) => {
              const entry = sshHosts.find((h) => h.alias === alias);
              if (!entry) return setSshFill(null);
              const fill = fillFromSshConfig(values, entry, routers);
              setValues(fill.values);
              setSshFill({ ...fill, alias: entry.alias });
            }}
          />
        )}
        {sshFill && sshFill.jumpHops.length > 0 && (
          <Alert color={sshFill.jumpMatch ? 'blue' : 'yellow'} data-testid="proxyjump-note" title={`${sshFill.alias} is reached through ${sshFill.jumpHops.join(', then ')} (ProxyJump)`}>
            <Text size="sm">
              {sshFill.jumpMatch
                ? `“${sshFill.jumpMatch.name}” in your inventory looks like that jump host, so it is chosen as the jump host below. Check that it is the right one.`
                : 'Switchyard connects through a jump host only when it is a router in the inventory: add the jump host as its own router first, then choose it as the jump host here.'}
            </Text>
          </Alert>
        )}
        <TextInput label="Name" description="How you call it, e.g. “Shop router”" data-autofocus value={values.name} onChange={(e) => set('name', { name: e.currentTarget.value })} error={issue('name')} />
        <Group grow align="flex-start">
          <TextInput label="Address" placeholder="192.0.2.1 or router.local" value={values.host} onChange={(e) => set('host', { host: e.currentTarget.value })} error={issue('host')} />
          <NumberInput label="SSH port" maw={120} value={values.port} onChange={(v) => set('port', { port: v })} error={issue('port')} allowDecimal={false} min={1} max={65535} clampBehavior="none" />
        </Group>
        {saved?.hostKey && dropsHostKey(saved, values) && (
          <Alert color="yellow" icon={<IconAlertTriangle />} data-testid="host-key-drop-note" title="The trusted host key will be forgotten">
            <Text size="sm">
              A new address or port may be another machine, so Switchyard forgets the key it trusts now (<Code>{saved.hostKey.fingerprint}</Code>) when you save, and shows you the key offered at the new address to compare and trust.
            </Text>
          </Alert>
        )}
        <TextInput label="User" value={values.username} onChange={(e) => set('username', { username: e.currentTarget.value })} error={issue('username')} />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Log in with
          </Text>
          <SegmentedControl
            value={values.authKind}
            onChange={(v) => setValues((s) => ({ ...s, authKind: v as AuthChoice }))}
            data={[
              { value: 'password', label: 'Password' },
              { value: 'keyboard-interactive', label: 'Keyboard-interactive' },
              { value: 'key', label: 'Key file' },
              { value: 'agent', label: 'SSH agent' },
            ]}
          />
        </Stack>
        {(values.authKind === 'password' || values.authKind === 'keyboard-interactive') && (
          <PasswordInput
            label="Password"
            description={values.authKind === 'keyboard-interactive' ? 'Switchyard answers the router’s password prompt with it' : undefined}
            placeholder={saved?.authKind === values.authKind && saved.hasSecret ? savedSecret('password') : undefined}
            value={values.password}
            onChange={(e) => set('auth', { password: e.currentTarget.value })}
            error={issue('auth.password')}
          />
        )}
        {values.authKind === 'key' && (
          <>
            <TextInput label="Private key file" value={values.keyPath} onChange={(e) => set('auth', { keyPath: e.currentTarget.value })} error={issue('auth.keyPath')} />
            <PasswordInput
              label="Key passphrase"
              description={saved?.authKind === 'key' ? 'Leave empty to keep the saved one (a new key file drops it)' : 'Leave empty if the key has none'}
              value={values.passphrase}
              onChange={(e) => set('auth', { passphrase: e.currentTarget.value })}
              error={issue('auth.passphrase')}
            />
          </>
        )}
        {values.authKind === 'agent' && <Text size="sm" c="dimmed">Switchyard asks the SSH agent running on this computer (SSH_AUTH_SOCK, or Pageant on Windows) for a key.</Text>}
        <Select
          label="Jump host"
          description="Connect through another router of the inventory (like ssh -J)"
          data={jumpData}
          value={values.jumpRouterId ?? noJump}
          allowDeselect={false}
          onChange={(v) => set('jumpRouterId', { jumpRouterId: v && v !== noJump ? v : null })}
          error={issue('jumpRouterId')}
        />
        <SnmpFields values={values} saved={saved} set={set} issue={issue} />
        <Textarea label="Notes" rows={2} value={values.notes} onChange={(e) => set('notes', { notes: e.currentTarget.value })} error={issue('notes')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={props.busy}>
            {mode.kind === 'edit' ? 'Save changes' : 'Save and connect'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function SnmpFields({ values, saved, set, issue }: { values: RouterFormValues; saved: Router | null; set: (field: string, patch: Partial<RouterFormValues>) => void; issue: (path: string) => string | undefined }) {
  // A saved key is never shown, only that there is one; typing replaces it.
  const keyPlaceholder = saved?.snmp && saved.snmp.version === values.snmpVersion ? 'saved' : undefined;
  return (
    <Stack gap="xs">
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          SNMP (traffic counters)
        </Text>
        <SegmentedControl
          value={values.snmpVersion}
          onChange={(v) => set('snmp', { snmpVersion: v as SnmpChoice })}
          data={[
            { value: 'none', label: 'None' },
            { value: '2c', label: 'v2c' },
            { value: '3', label: 'v3' },
          ]}
        />
      </Stack>
      {values.snmpVersion !== 'none' && <NumberInput label="SNMP port" maw={140} value={values.snmpPort} onChange={(v) => set('snmp', { snmpPort: v })} error={issue('snmp.port')} allowDecimal={false} min={1} max={65535} clampBehavior="none" />}
      {values.snmpVersion === '2c' && (
        <PasswordInput label="Community" placeholder={keyPlaceholder} value={values.community} onChange={(e) => set('snmp', { community: e.currentTarget.value })} error={issue('snmp.community')} />
      )}
      {values.snmpVersion === '3' && (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="SNMPv3 user" value={values.snmpUser} onChange={(e) => set('snmp', { snmpUser: e.currentTarget.value })} error={issue('snmp.user')} />
          <div />
          <Select
            label="Authentication protocol"
            data={[...snmpAuthProtocols]}
            value={values.authProtocol}
            allowDeselect={false}
            onChange={(v) => v && set('snmp', { authProtocol: v as RouterFormValues['authProtocol'] })}
          />
          <PasswordInput label="Authentication key" placeholder={keyPlaceholder} value={values.authKey} onChange={(e) => set('snmp', { authKey: e.currentTarget.value })} error={issue('snmp.authKey')} />
          <Select
            label="Privacy protocol"
            data={[...snmpPrivProtocols]}
            value={values.privProtocol}
            allowDeselect={false}
            onChange={(v) => v && set('snmp', { privProtocol: v as RouterFormValues['privProtocol'] })}
          />
          <PasswordInput label="Privacy key" placeholder={keyPlaceholder} value={values.privKey} onChange={(e) => set('snmp', { privKey: e.currentTarget.value })} error={issue('snmp.privKey')} />
        </SimpleGrid>
      )}
    </Stack>
  );
}

/**
 * Why the last attempt failed, at the top of the form where the fields to fix begin. It is
 * scrolled into view when it appears: after a failed connection the form opens at the top on a
 * short screen, after a refused save the user is at the bottom by the button.
 */
function FormError({ message }: { message: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, [message]);
  return (
    <Alert ref={ref} color="red" icon={<IconAlertTriangle />} role="alert" data-testid="router-form-error">
      <Text size="sm">{message}</Text>
    </Alert>
  );
}
