// The one API contract between the renderer (or CLI, or tests) and the core: every method is
// `domain.verb` with a zod request and response schema; every event is `onDidX`. Both
// transports (Electron IPC and WebSocket) carry exactly this, so a wrong name or payload
// fails to compile on either side and is refused at run time on the main side.
import { z } from 'zod';
import { apiErrorSchema } from '../errors.ts';
import { failoverPolicySchema, idSchema, linkEventSchema, platformIdSchema } from '../model.ts';
import { detectionResultSchema } from '../detect-schemas.ts';
import { applyPlanSchema, driverCapabilitiesSchema, removePlanSchema, routerStatusSchema, targetSuggestionSchema, wanCandidateSchema } from '../failover-schemas.ts';
import { drillEvents, drillMethods } from './drill-schemas.ts';
import { inventoryFileSchema } from './inventory-schemas.ts';
import { monitorEvents, monitorMethods } from './monitor-schemas.ts';
import { qualifyMethods } from './qualify-schemas.ts';
import { newRouterSchema, routerPatchSchema, routerSchema } from './routers-schemas.ts';
import { siteInputSchema, sitePatchSchema, siteSchema } from './sites-schemas.ts';
import { troubleshootMethods } from './troubleshoot-schemas.ts';

const empty = z.object({}).strict();
const connectionTestSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('trusted'), keyType: z.string(), fingerprint: z.string(), connectMs: z.number() }),
  z.object({ status: z.literal('unknown-host-key'), keyType: z.string(), fingerprint: z.string() }),
]);

export const contract = {
  'app.info': {
    request: empty,
    response: z.object({
      name: z.literal('Switchyard'),
      version: z.string(),
      transport: z.enum(['electron', 'websocket', 'direct']),
      /** Where secrets are kept, so the UI can warn when that is plain text. */
      secretStorage: z.enum(['os-encrypted', 'passphrase-encrypted', 'memory', 'plain-text']),
    }),
  },
  'sites.list': {
    request: empty,
    response: z.object({ sites: z.array(siteSchema) }),
  },
  'sites.create': {
    request: siteInputSchema,
    response: siteSchema,
  },
  'sites.update': {
    request: z.object({ id: idSchema, patch: sitePatchSchema }).strict(),
    response: siteSchema,
  },
  'sites.remove': {
    request: z.object({ id: idSchema }).strict(),
    response: z.object({ removed: z.boolean() }),
  },
  'routers.list': {
    request: z.object({ siteId: idSchema.optional() }).strict(),
    response: z.object({ routers: z.array(routerSchema) }),
  },
  'routers.get': {
    request: z.object({ id: idSchema }).strict(),
    response: routerSchema,
  },
  'routers.create': {
    request: newRouterSchema,
    response: routerSchema,
  },
  'routers.update': {
    request: z.object({ id: idSchema, patch: routerPatchSchema }).strict(),
    response: routerSchema,
  },
  'routers.remove': {
    request: z.object({ id: idSchema }).strict(),
    response: z.object({ removed: z.boolean() }),
  },
  'routers.testConnection': {
    request: z.object({ id: idSchema }).strict(),
    response: connectionTestSchema,
  },
  /** The same test for a router not saved yet, with the details as entered; writes nothing. */
  'routers.testNewConnection': {
    request: newRouterSchema,
    response: connectionTestSchema,
  },
  /** The user left the add dialog without saving: the login its test kept is closed now. */
  'routers.dropTestedConnection': {
    request: z.object({}).strict(),
    response: z.object({ closed: z.boolean() }),
  },
  'routers.trustHostKey': {
    request: z
      .object({ id: idSchema, keyType: z.string().min(1).max(64), fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a fingerprint looks like SHA256: followed by 43 characters'), replace: z.boolean().default(false) })
      .strict(),
    response: routerSchema,
  },
  'routers.detect': {
    request: z.object({ id: idSchema }).strict(),
    response: z.object({ router: routerSchema, detection: detectionResultSchema }),
  },
  'routers.sshConfigHosts': {
    request: empty,
    response: z.object({
      hosts: z.array(z.object({ alias: z.string(), hostName: z.string(), user: z.string().nullable(), port: z.int(), identityFiles: z.array(z.string()), proxyJump: z.array(z.string()) })),
    }),
  },
  'failover.get': {
    request: z.object({ routerId: idSchema }).strict(),
    response: z.object({
      platform: platformIdSchema,
      capabilities: driverCapabilitiesSchema,
      candidates: z.array(wanCandidateSchema),
      /** null: Switchyard has not enabled failover on this router. */
      policy: failoverPolicySchema.nullable(),
      status: routerStatusSchema,
    }),
  },
  'failover.plan': {
    request: z.object({ routerId: idSchema, policy: failoverPolicySchema }).strict(),
    response: applyPlanSchema,
  },
  'failover.apply': {
    request: z.object({ routerId: idSchema, policy: failoverPolicySchema, revertInSec: z.int().min(15, 'give yourself at least 15 s to confirm').max(600).default(60) }).strict(),
    response: z.object({
      revertAtMs: z.number().nullable(),
      verification: z.object({ ok: z.boolean(), activeWans: z.array(z.string()), problems: z.array(z.string()), checkedMs: z.number() }),
      status: routerStatusSchema,
    }),
  },
  'failover.confirm': {
    request: z.object({ routerId: idSchema }).strict(),
    response: routerStatusSchema,
  },
  'failover.rollback': {
    request: z.object({ routerId: idSchema }).strict(),
    response: routerStatusSchema,
  },
  'failover.force': {
    request: z.object({ routerId: idSchema, wan: z.string().min(1).max(32) }).strict(),
    response: routerStatusSchema,
  },
  'failover.status': {
    request: z.object({ routerId: idSchema }).strict(),
    response: routerStatusSchema,
  },
  'failover.suggestTargets': {
    request: z
      .object({
        routerId: idSchema,
        wans: z
          .array(z.object({ name: z.string().min(1).max(32), device: z.string().min(1).max(15).regex(/^[A-Za-z0-9_.@-]+$/), gateway: z.ipv4().optional() }).strict())
          .min(1)
          .max(8),
      })
      .strict(),
    response: z.object({ tried: z.array(z.string()), wans: z.array(targetSuggestionSchema) }),
  },
  /** What Remove would change, to show before asking. */
  'failover.planRemove': {
    request: z.object({ routerId: idSchema }).strict(),
    response: removePlanSchema,
  },
  'failover.remove': {
    request: z
      .object({
        routerId: idSchema,
        /** The `basedOn` of the plan the user agreed to: refused when the router would now change something else. */
        basedOn: z.string().min(1).max(128).optional(),
        /** Also put back the original of options someone changed on the router since Switchyard wrote them. */
        restoreAdminEdits: z.boolean().optional(),
      })
      .strict(),
    response: z.object({ removed: z.boolean() }),
  },
  ...monitorMethods,
  ...drillMethods,
  ...qualifyMethods,
  ...troubleshootMethods,
  'inventory.export': {
    request: empty,
    response: inventoryFileSchema,
  },
  'inventory.import': {
    request: z.object({ file: inventoryFileSchema }).strict(),
    response: z.object({ sites: z.int(), routers: z.int() }),
  },
} as const;

export const events = {
  onDidChangeSites: z.object({ atMs: z.number() }),
  onDidLinkEvent: linkEventSchema,
  ...monitorEvents,
  ...drillEvents,
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type EventName = keyof typeof events;
export type RequestOf<M extends MethodName> = z.input<Contract[M]['request']>;
export type ResponseOf<M extends MethodName> = z.output<Contract[M]['response']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** The wire envelope of one call's outcome; errors never carry a stack. */
export const resultEnvelopeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: apiErrorSchema }),
]);
export type ResultEnvelope = z.infer<typeof resultEnvelopeSchema>;

/** Largest request accepted over either transport. */
export const maxRequestBytes = 1024 * 1024;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(contract, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}
