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

/** The header naming this file's clock, where files run side by side; none elsewhere (and
 *  outside a Vitest worker, the benchmarks, there is nothing to inject). */
export function clockHeaders(): Record<string, string> {
  return process.env.VITEST_WORKER_ID && inject('clockPerFile') ? { 'x-local-clock': fileClock } : {};
}

export function request<T = any>(
  apiUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiResponse<T>> {
  return send<T>(apiUrl, method, path, { ...options, headers: { ...clockHeaders(), ...options.headers } });
}
