// The error shape that crosses the contract, and the closed set of codes the renderer may
// branch on. Main-side typed errors map onto these; the renderer never parses message text.
import { z } from 'zod';

export const errorCodes = [
  'bad-request', // malformed JSON, wrong types, oversized message
  'unknown-method',
  'unauthorized',
  'not-found',
  'conflict', // e.g. a name already taken, a config edited on the router since it was read
  'invalid-input', // well-formed but refused: out of range, unknown device, duplicate target
  'auth-failed',
  'host-key-unknown', // first contact: the fingerprint must be trusted by the user
  'host-key-mismatch',
  'host-key-revoked',
  'timeout',
  'connection-lost',
  'connection-refused',
  'not-ssh', // the port answered, but not as an SSH server
  'host-unreachable',
  'command-failed',
  'output-too-large',
  'unsupported', // a platform or capability Switchyard cannot handle (yet)
  'secret-store-locked',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export const apiErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export type ApiError = Readonly<z.infer<typeof apiErrorSchema>>;

/** Thrown on the main side; carries a contract code. Subclasses add typed fields. */
export class SwitchyardError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return apiErrorSchema.safeParse(value).success;
}
