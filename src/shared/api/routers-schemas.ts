// Routers as they cross the contract. Secrets go in (password, passphrase, SNMP keys) and
// never come back out: a router tells only whether it has one.
import { z } from 'zod';
import { idSchema, platformIdSchema } from '../model.ts';

const hostSchema = z
  .string()
  .trim()
  .min(1, 'a host name or address is needed')
  .max(253)
  .regex(/^[A-Za-z0-9.:_-]+$/, 'a host is a name like router.local or an address like 192.0.2.1');
const portSchema = z.int('the port is a whole number').min(1).max(65535, 'ports go from 1 to 65535');
const usernameSchema = z.string().min(1, 'a user name is needed').max(64).regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits, . _ @ - only');
const secretSchema = z.string().min(1).max(4096);

export const authInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('password'), password: secretSchema }).strict(),
  z.object({ kind: z.literal('keyboard-interactive'), password: secretSchema }).strict(),
  z.object({ kind: z.literal('key'), keyPath: z.string().min(1).max(4096), passphrase: secretSchema.optional() }).strict(),
  z.object({ kind: z.literal('agent') }).strict(),
]);
export type AuthInput = z.infer<typeof authInputSchema>;
export const authKinds = ['password', 'keyboard-interactive', 'key', 'agent'] as const;

export const snmpAuthProtocols = ['sha', 'sha256', 'sha512', 'md5'] as const;
// No DES: Node 17+ needs a legacy OpenSSL provider for it, and it is broken anyway.
export const snmpPrivProtocols = ['aes', 'aes256b', 'aes256r'] as const;

export const snmpInputSchema = z.discriminatedUnion('version', [
  z.object({ version: z.literal('2c'), port: portSchema.default(161), community: secretSchema }).strict(),
  z
    .object({
      version: z.literal('3'),
      port: portSchema.default(161),
      user: z.string().min(1).max(64),
      authProtocol: z.enum(snmpAuthProtocols),
      authKey: z.string().min(8, 'SNMPv3 keys need at least 8 characters').max(256),
      privProtocol: z.enum(snmpPrivProtocols),
      privKey: z.string().min(8, 'SNMPv3 keys need at least 8 characters').max(256),
    })
    .strict(),
]);
export type SnmpInput = z.infer<typeof snmpInputSchema>;

/** SNMP settings without their secrets. */
export const snmpSettingsSchema = z.discriminatedUnion('version', [
  z.object({ version: z.literal('2c'), port: portSchema }),
  z.object({ version: z.literal('3'), port: portSchema, user: z.string(), authProtocol: z.enum(snmpAuthProtocols), privProtocol: z.enum(snmpPrivProtocols) }),
]);
export type SnmpSettings = z.infer<typeof snmpSettingsSchema>;

export const routerInputSchema = z
  .object({
    siteId: idSchema,
    name: z.string().trim().min(1, 'a router needs a name').max(80),
    host: hostSchema,
    port: portSchema.default(22),
    username: usernameSchema,
    auth: authInputSchema,
    jumpRouterId: idSchema.optional(),
    snmp: snmpInputSchema.optional(),
    notes: z.string().max(2000).default(''),
  })
  .strict();
export type RouterInput = z.input<typeof routerInputSchema>;

/** A host key the user compared and trusted while adding a router, before anything was saved. */
export const trustedHostKeySchema = z
  .object({ keyType: z.string().min(1).max(64), fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a fingerprint looks like SHA256: followed by 43 characters') })
  .strict();
export type TrustedHostKey = z.infer<typeof trustedHostKeySchema>;

/**
 * A router to add, with the host key to pin if the user trusted one: adding tests the connection
 * with these details first and saves the router, its key and its secrets in one transaction.
 */
export const newRouterSchema = routerInputSchema.extend({ hostKey: trustedHostKeySchema.optional() });
export type NewRouter = z.input<typeof newRouterSchema>;

export const routerPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(80).optional(),
    host: hostSchema.optional(),
    port: portSchema.optional(),
    username: usernameSchema.optional(),
    auth: authInputSchema.optional(),
    jumpRouterId: idSchema.nullable().optional(),
    /** null removes SNMP. */
    snmp: snmpInputSchema.nullable().optional(),
    notes: z.string().max(2000).optional(),
  })
  .strict();

export const hostKeySchema = z.object({ type: z.string(), fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/), pinnedMs: z.number() });

export const routerSchema = z.object({
  id: idSchema,
  siteId: idSchema,
  name: z.string(),
  host: z.string(),
  port: z.int(),
  username: z.string(),
  authKind: z.enum(authKinds),
  keyPath: z.string().nullable(),
  hasSecret: z.boolean(),
  jumpRouterId: idSchema.nullable(),
  hostKey: hostKeySchema.nullable(),
  snmp: snmpSettingsSchema.nullable(),
  platform: platformIdSchema.nullable(),
  /** What detection found, as detection reported it (schema owned by detection). */
  facts: z.record(z.string(), z.unknown()).nullable(),
  detectedMs: z.number().nullable(),
  notes: z.string(),
  createdMs: z.number(),
  updatedMs: z.number(),
});
export type Router = Readonly<z.infer<typeof routerSchema>>;
