import { AsyncLocalStorage } from 'node:async_hooks';

// The backend's clock. Every rule that depends on time (code expiry, wave windows,
// deadlines) reads it from here, so the local stack can move it with /_local/clock.
//
// Local stack only, for tests that run side by side: a named clock ("scope") that only
// the work run inside `clock.inScope(name, ...)` reads. The local API adapter enters a
// scope for a request carrying `X-Local-Clock: <name>`; nothing deployed ever does, so on
// AWS `now()` is always the one clock. A scope never set (or reset) reads the backend's.
let offsetMs = 0;
const scopes = new Map<string, number>();
const current = new AsyncLocalStorage<string>();

function offset(): number {
  const scope = current.getStore();
  return (scope !== undefined ? scopes.get(scope) : undefined) ?? offsetMs;
}

export const clock = {
  now(): Date {
    return new Date(clock.nowMs());
  },
  nowMs(): number {
    return Date.now() + offset();
  },
  /** Local stack only: make `now()` answer `to` from this moment on (in the current scope, if any). */
  set(to: Date): void {
    const scope = current.getStore();
    if (scope !== undefined) scopes.set(scope, to.getTime() - Date.now());
    else offsetMs = to.getTime() - Date.now();
  },
  /** Local stack only: the current scope's clock follows the backend's again (or, outside one, the wall clock). */
  reset(): void {
    const scope = current.getStore();
    if (scope !== undefined) scopes.delete(scope);
    else offsetMs = 0;
  },
  /** Local stack only: runs `fn` (and all it starts) on the clock named `scope`. */
  inScope<T>(scope: string, fn: () => T): T {
    return current.run(scope, fn);
  },
  /** The scope the caller runs in, if any (for local engines that carry it along). */
  scope(): string | undefined {
    return current.getStore();
  },
};
