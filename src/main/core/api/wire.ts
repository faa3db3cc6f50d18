// Decoding of one request frame as it arrives on a text transport (WebSocket, CLI pipe):
// size limit, JSON, and the envelope shape. Errors are contract errors, never exceptions.
import { z } from 'zod';
import { maxRequestBytes } from '../../../shared/api/contract.ts';
import type { ApiError } from '../../../shared/errors.ts';

const requestFrameSchema = z.object({
  id: z.union([z.string().max(64), z.int()]),
  method: z.string().max(200),
  params: z.unknown().optional(),
});
export type RequestFrame = z.infer<typeof requestFrameSchema>;

export type DecodedFrame =
  | { kind: 'request'; frame: RequestFrame }
  | { kind: 'invalid'; id: RequestFrame['id'] | null; error: ApiError };

export function decodeRequestFrame(raw: string | Buffer): DecodedFrame {
  const bytes = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
  if (bytes > maxRequestBytes) {
    return invalid(null, `The request is ${bytes} bytes; the limit is ${maxRequestBytes} bytes (1 MiB).`);
  }
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return invalid(null, 'The request is not valid JSON.');
  }
  const parsed = requestFrameSchema.safeParse(value);
  if (!parsed.success) {
    const id = typeof value === 'object' && value !== null && 'id' in value ? idOrNull((value as { id: unknown }).id) : null;
    return invalid(id, 'A request must be an object with an id (string or integer), a method name and optional params.');
  }
  return { kind: 'request', frame: parsed.data };
}

function idOrNull(id: unknown): RequestFrame['id'] | null {
  return typeof id === 'string' && id.length <= 64 ? id : Number.isInteger(id) ? (id as number) : null;
}

function invalid(id: RequestFrame['id'] | null, message: string): DecodedFrame {
  return { kind: 'invalid', id, error: { code: 'bad-request', message } };
}
