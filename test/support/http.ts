import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { type ApiResponse, type CallOptions, request as send } from '../../scripts/lib/http.ts';

// Real HTTP requests to a local stack: scripts/lib/http.ts, which the demo uses too, with
// the test file's own clock named on every request where files run side by side.
export type { ApiResponse, CallOptions };

/**
 * This file's clock on the stack (each test file has its own copy of this module): where
 * files run side by side (the `integration` project), every request names it in
 * X-Local-Clock, so `POST /_local/clock` moves the time this file's requests (and the work
 * they start) read, and no other file's (docs/testing.md).
 */
export const fileClock = `file-${randomUUID()}`;

/** Outside a Vitest worker (the benchmarks) there is nothing to inject: the stack's clock. */
const clockPerFile = () => Boolean(process.env.VITEST_WORKER_ID && inject('clockPerFile'));

export function request<T = any>(
  apiUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiResponse<T>> {
  if (!clockPerFile()) return send<T>(apiUrl, method, path, options);
  return send<T>(apiUrl, method, path, {
    ...options,
    headers: { 'x-local-clock': fileClock, ...options.headers },
  });
}
