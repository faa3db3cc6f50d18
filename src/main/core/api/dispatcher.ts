// The single entry point for every request from any transport: validates the method name
// and the params against the contract, routes to the handler, and turns any failure into a
// `{ code, message, details? }` error without a stack trace.
import { z } from 'zod';
import { contract, isMethodName, type MethodName, type ResultEnvelope } from '../../../shared/api/contract.ts';
import { SwitchyardError, type ApiError } from '../../../shared/errors.ts';
import type { Logger } from '../logger.ts';
import { yieldingResponseChecks, yieldingValidators } from './yielding-validation.ts';

export type Handlers = {
  readonly [M in MethodName]: (request: z.output<(typeof contract)[M]['request']>) => Promise<z.input<(typeof contract)[M]['response']>>;
};

export interface Dispatcher {
  dispatch(method: unknown, params: unknown): Promise<ResultEnvelope>;
}

export function createDispatcher(handlers: Handlers, log: Logger): Dispatcher {
  return {
    async dispatch(method, params) {
      if (!isMethodName(method)) {
        return fail({ code: 'unknown-method', message: `There is no API method named ${describe(method)}.` });
      }
      // A request that can be large (an inventory file) is checked in chunks, not in one call
      // that would hold every other client; the outcome is the schema's either way.
      const checkInChunks = yieldingValidators[method] as ((params: unknown) => Promise<z.ZodSafeParseResult<unknown>>) | undefined;
      const parsed = checkInChunks ? await checkInChunks(params ?? {}) : contract[method].request.safeParse(params ?? {});
      if (!parsed.success) {
        return fail({
          code: 'bad-request',
          message: `The request for ${method} is not valid: ${summarizeIssues(parsed.error)}`,
          details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
        });
      }
      try {
        const handler = handlers[method] as (request: unknown) => Promise<unknown>;
        const checkAnswerInChunks = yieldingResponseChecks[method] as ((result: unknown) => Promise<unknown>) | undefined;
        const answer = await handler(parsed.data);
        const result = checkAnswerInChunks ? await checkAnswerInChunks(answer) : contract[method].response.parse(answer);
        return { ok: true, result };
      } catch (error) {
        return fail(toApiError(error, method, log));
      }
    },
  };
}

export function toApiError(error: unknown, method: string, log: Logger): ApiError {
  if (error instanceof SwitchyardError) {
    return error.details ? { code: error.code, message: error.message, details: { ...error.details } } : { code: error.code, message: error.message };
  }
  // Anything else is our bug: keep the stack in the main-side log, never send it out.
  log.error(`unexpected error in ${method}`, error);
  return { code: 'internal', message: 'Something went wrong inside Switchyard. The details are in the application log.' };
}

function fail(error: ApiError): ResultEnvelope {
  return { ok: false, error };
}

function summarizeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

function describe(value: unknown): string {
  if (typeof value !== 'string') return `of type ${typeof value}`;
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}
