// What the router form holds and how it becomes a new router or a patch of a saved one. Kept
// apart from the component so the rules (empty secret keeps the saved one, …) are unit-tested.
import type { RequestOf, ResponseOf } from '../../shared/api/contract.ts';
import { routerInputSchema, routerPatchSchema, snmpAuthProtocols, snmpPrivProtocols } from '../../shared/api/routers-schemas.ts';
import type { AuthInput, Router, RouterInput, SnmpInput } from '../../shared/api/routers-schemas.ts';

export type RouterPatch = RequestOf<'routers.update'>['patch'];
export type SshConfigHost = ResponseOf<'routers.sshConfigHosts'>['hosts'][number];
export type AuthChoice = Router['authKind'];
export type SnmpChoice = 'none' | '2c' | '3';

export interface RouterFormValues {
  readonly name: string;
  readonly host: string;
  /** NumberInput gives '' while the field is empty. */
  readonly port: number | string;
  readonly username: string;
  readonly authKind: AuthChoice;
  /** The password, or the answer to keyboard-interactive prompts. Empty in edit: keep the saved one. */
  readonly password: string;
  readonly keyPath: string;
  readonly passphrase: string;
  readonly jumpRouterId: string | null;
  readonly snmpVersion: SnmpChoice;
  readonly snmpPort: number | string;
  readonly community: string;
  readonly snmpUser: string;
  readonly authProtocol: (typeof snmpAuthProtocols)[number];
  readonly authKey: string;
  readonly privProtocol: (typeof snmpPrivProtocols)[number];
  readonly privKey: string;
  readonly notes: string;
}

/** A problem with one field; `path` as the schemas name it (`auth.password`, `snmp.authKey`). */
export interface FormIssue {
  readonly path: string;
  readonly message: string;
}

export type FormOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly FormIssue[] };

export const blankRouterForm: RouterFormValues = {
  name: '',
  host: '',
  port: 22,
  username: 'root',
  authKind: 'password',
  password: '',
  keyPath: '~/.ssh/id_ed25519',
  passphrase: '',
  jumpRouterId: null,
  snmpVersion: 'none',
  snmpPort: 161,
  community: '',
  snmpUser: '',
  authProtocol: 'sha256',
  authKey: '',
  privProtocol: 'aes',
  privKey: '',
  notes: '',
};

/** A saved router in the form; secrets start empty, since they never come back from the core. */
export function routerFormFrom(router: Router): RouterFormValues {
  const snmp = router.snmp;
  return {
    ...blankRouterForm,
    name: router.name,
    host: router.host,
    port: router.port,
    username: router.username,
    authKind: router.authKind,
    keyPath: router.keyPath ?? blankRouterForm.keyPath,
    jumpRouterId: router.jumpRouterId,
    snmpVersion: snmp ? snmp.version : 'none',
    snmpPort: snmp ? snmp.port : 161,
    ...(snmp?.version === '3' && { snmpUser: snmp.user, authProtocol: snmp.authProtocol, privProtocol: snmp.privProtocol }),
    notes: router.notes,
  };
}

export function toRouterInput(siteId: string, values: RouterFormValues): FormOutcome<RouterInput> {
  const issues = [...missingSshSecret(values, null), ...missingSnmpSecrets(values, null)];
  const snmp = snmpFrom(values);
  const input: RouterInput = {
    siteId,
    name: values.name,
    host: values.host,
    port: toNumber(values.port),
    username: values.username,
    auth: authFrom(values),
    ...(values.jumpRouterId && { jumpRouterId: values.jumpRouterId }),
    ...(snmp && { snmp }),
    notes: values.notes,
  };
  return outcome(input, issues, routerInputSchema.safeParse(input));
}

/** Only what changed; an empty patch means there is nothing to save. */
export function toRouterPatch(router: Router, values: RouterFormValues): FormOutcome<RouterPatch> {
  const issues = [...missingSshSecret(values, router), ...missingSnmpSecrets(values, router)];
  const patch: { -readonly [K in keyof RouterPatch]: RouterPatch[K] } = {};
  if (values.name.trim() !== router.name) patch.name = values.name;
  if (values.host.trim() !== router.host) patch.host = values.host;
  if (toNumber(values.port) !== router.port) patch.port = toNumber(values.port);
  if (values.username !== router.username) patch.username = values.username;
  if (values.notes !== router.notes) patch.notes = values.notes;
  if (values.jumpRouterId !== router.jumpRouterId) patch.jumpRouterId = values.jumpRouterId;
  if (authChanged(router, values)) patch.auth = authFrom(values);
  if (values.snmpVersion === 'none') {
    if (router.snmp) patch.snmp = null;
  } else if (snmpChanged(router, values)) {
    patch.snmp = snmpFrom(values);
  }
  return outcome(patch, issues, routerPatchSchema.safeParse(patch));
}

/** True when saving these values makes the core forget the pinned host key. */
export function dropsHostKey(router: Router, values: RouterFormValues): boolean {
  return router.hostKey !== null && (values.host.trim() !== router.host || toNumber(values.port) !== router.port);
}

export interface SshConfigFill {
  readonly values: RouterFormValues;
  /** The ProxyJump hops of the entry, outermost first; empty when it has none. */
  readonly jumpHops: readonly string[];
  /** The inventory router that looks like the (single) jump host, picked as jump host. */
  readonly jumpMatch: Router | null;
}

/** Fills the form from one ~/.ssh/config entry; a name already typed is kept. */
export function fillFromSshConfig(values: RouterFormValues, entry: SshConfigHost, routers: readonly Router[]): SshConfigFill {
  const jumpMatch = entry.proxyJump.length === 1 ? (routers.find((r) => matchesJump(r, entry.proxyJump[0]!)) ?? null) : null;
  return {
    values: {
      ...values,
      name: values.name.trim() ? values.name : entry.alias,
      host: entry.hostName,
      port: entry.port,
      username: entry.user ?? values.username,
      ...(entry.identityFiles[0] !== undefined && { authKind: 'key' as const, keyPath: entry.identityFiles[0], password: '' }),
      jumpRouterId: jumpMatch?.id ?? values.jumpRouterId,
    },
    jumpHops: entry.proxyJump,
    jumpMatch,
  };
}

/** `user@host:port` as ~/.ssh/config writes a hop: a router matches on its address or its name. */
function matchesJump(router: Router, hop: string): boolean {
  const m = /^(?:[^@]+@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hop);
  if (!m) return false;
  const host = m[1]!.replace(/^\[|\]$/g, '');
  const port = m[2] ? Number(m[2]) : undefined;
  return (router.host === host || router.name.toLowerCase() === host.toLowerCase()) && (port === undefined || router.port === port);
}

function authFrom(values: RouterFormValues): AuthInput {
  switch (values.authKind) {
    case 'password':
    case 'keyboard-interactive':
      return { kind: values.authKind, password: values.password };
    case 'key':
      return { kind: 'key', keyPath: values.keyPath.trim(), ...(values.passphrase && { passphrase: values.passphrase }) };
    case 'agent':
      return { kind: 'agent' };
  }
}

function authChanged(router: Router, values: RouterFormValues): boolean {
  if (values.authKind !== router.authKind) return true;
  switch (values.authKind) {
    case 'password':
    case 'keyboard-interactive':
      return values.password !== '';
    case 'key':
      // The core drops the saved passphrase when a key is saved without one: only send the key
      // when it changed, or when a new passphrase was typed.
      return values.keyPath.trim() !== router.keyPath || values.passphrase !== '';
    case 'agent':
      return false;
  }
}

function snmpFrom(values: RouterFormValues): SnmpInput | null {
  switch (values.snmpVersion) {
    case 'none':
      return null;
    case '2c':
      return { version: '2c', port: toNumber(values.snmpPort), community: values.community };
    case '3':
      return {
        version: '3',
        port: toNumber(values.snmpPort),
        user: values.snmpUser.trim(),
        authProtocol: values.authProtocol,
        authKey: values.authKey,
        privProtocol: values.privProtocol,
        privKey: values.privKey,
      };
  }
}

/** Whether the SNMP part must be sent: its settings differ from the saved ones, or a key was typed. */
function snmpChanged(router: Router, values: RouterFormValues): boolean {
  const saved = router.snmp;
  if (!saved || saved.version !== values.snmpVersion || saved.port !== toNumber(values.snmpPort)) return true;
  if (saved.version === '2c') return values.community !== '';
  return saved.user !== values.snmpUser.trim() || saved.authProtocol !== values.authProtocol || saved.privProtocol !== values.privProtocol || values.authKey !== '' || values.privKey !== '';
}

function missingSshSecret(values: RouterFormValues, router: Router | null): FormIssue[] {
  if (values.authKind === 'key' && !values.keyPath.trim()) return [{ path: 'auth.keyPath', message: 'the path of the private key file is needed' }];
  if (values.authKind !== 'password' && values.authKind !== 'keyboard-interactive') return [];
  if (values.password !== '') return [];
  // In edit, an empty field keeps the saved password, unless the login method changes.
  if (router && router.authKind === values.authKind) return [];
  return [{ path: 'auth.password', message: router ? 'enter the password: a new login method needs it again' : 'the password is needed' }];
}

function missingSnmpSecrets(values: RouterFormValues, router: Router | null): FormIssue[] {
  if (values.snmpVersion === 'none' || (router && !snmpChanged(router, values))) return [];
  const again = router?.snmp ? ' (enter it again to change the SNMP settings)' : '';
  if (values.snmpVersion === '2c') return values.community ? [] : [{ path: 'snmp.community', message: `the community is needed${again}` }];
  return [
    ...(values.authKey ? [] : [{ path: 'snmp.authKey', message: `the authentication key is needed${again}` }]),
    ...(values.privKey ? [] : [{ path: 'snmp.privKey', message: `the privacy key is needed${again}` }]),
    ...(values.snmpUser.trim() ? [] : [{ path: 'snmp.user', message: 'the SNMPv3 user is needed' }]),
  ];
}

/** What the user calls each field, for messages in their words. */
const fieldWords: Readonly<Record<string, string>> = {
  name: 'The name',
  host: 'The address',
  port: 'The SSH port',
  username: 'The user name',
  'auth.password': 'The password',
  'auth.keyPath': 'The key file path',
  'auth.passphrase': 'The passphrase',
  'snmp.port': 'The SNMP port',
  'snmp.community': 'The community',
  'snmp.user': 'The SNMP user',
  'snmp.authKey': 'The authentication key',
  'snmp.privKey': 'The privacy key',
};

interface SchemaIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly origin?: string;
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
}

/** The schema's issue in plain words ("The name is too long: at most 80 characters"). A message
 * the schema wrote itself is kept; zod's generic ones ("Too big: expected …") are rephrased. */
export function humanIssue(issue: SchemaIssue): string {
  if (!/^(Too big|Too small|Invalid input)\b/.test(issue.message)) return issue.message;
  const path = issue.path.map(String).join('.');
  const field = fieldWords[path] ?? 'This field';
  if (path.endsWith('port') && (issue.code === 'too_big' || issue.code === 'too_small' || issue.code === 'invalid_type')) {
    return `${field} must be a whole number from 1 to 65535.`;
  }
  if (issue.code === 'too_big' && issue.origin === 'string') return `${field} is too long: at most ${String(issue.maximum)} characters.`;
  if (issue.code === 'too_small' && issue.origin === 'string') return Number(issue.minimum) <= 1 ? `${field} is empty: fill it in.` : `${field} is too short: at least ${String(issue.minimum)} characters.`;
  if (issue.code === 'too_big' && issue.origin === 'number') return `${field} must be at most ${String(issue.maximum)}.`;
  if (issue.code === 'too_small' && issue.origin === 'number') return `${field} must be at least ${String(issue.minimum)}.`;
  return issue.message;
}

function outcome<T>(value: T, issues: FormIssue[], parsed: { success: boolean; error?: { issues: readonly SchemaIssue[] } }): FormOutcome<T> {
  const all = [...issues];
  for (const issue of parsed.success ? [] : (parsed.error?.issues ?? [])) {
    const path = issue.path.map(String).join('.');
    // Our own message for a field wins over the schema's generic one.
    if (!all.some((i) => i.path === path)) all.push({ path, message: humanIssue(issue) });
  }
  return all.length === 0 ? { ok: true, value } : { ok: false, issues: all };
}

function toNumber(value: number | string): number {
  return typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
}
