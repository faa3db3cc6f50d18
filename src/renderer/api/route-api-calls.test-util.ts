// For component and store tests: answers api.call from a table of handlers and records every
// call. The test file itself must `vi.mock` the api module (vi.mock is hoisted per file).
import { vi } from 'vitest';
import type { MethodName } from '../../shared/api/contract.ts';
import { api, ApiCallError } from './api.ts';

export type ApiHandlers = Partial<Record<string, (params: Record<string, unknown>) => unknown>>;
export type ApiCall = { method: string; params: Record<string, unknown> };

export function routeApiCalls(handlers: ApiHandlers, calls: ApiCall[] = []): ApiCall[] {
  vi.mocked(api.call).mockImplementation((async (method: MethodName, params: Record<string, unknown>) => {
    calls.push({ method, params });
    const handler = handlers[method];
    if (!handler) throw new ApiCallError({ code: 'unknown-method', message: `no handler for ${method}` });
    return handler(params);
  }) as never);
  return calls;
}
