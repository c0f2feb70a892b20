// The backend's clock. Every rule that depends on time (code expiry, wave windows,
// deadlines) reads it from here, so the local stack can move it with /_local/clock.
let offsetMs = 0;

export const clock = {
  now(): Date {
    return new Date(Date.now() + offsetMs);
  },
  nowMs(): number {
    return Date.now() + offsetMs;
  },
  /** Local stack only: make `now()` answer `to` from this moment on. */
  set(to: Date): void {
    offsetMs = to.getTime() - Date.now();
  },
  reset(): void {
    offsetMs = 0;
  },
};
