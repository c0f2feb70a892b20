// The console's Idempotency-Keys, one per submission (no DOM, no Preact: unit-tested).
// A retry of the same body (after a timeout or a network error) reuses the key, so the
// server does the work once; a changed body is a new submission with a new key (the old
// key with another body would be 422). After a success, or a refusal the server keeps as
// the key's answer (any 4xx but "still running"), the next click is new work with a new
// key: otherwise a 409 from before the wave closed would be replayed for 24 hours.
export interface KeyKeeper {
  send<T>(body: unknown, call: (key: string) => Promise<T>): Promise<T>;
}

interface Refusal {
  status?: unknown;
  slug?: unknown;
}

export function keyKeeper(newKey: () => string = () => crypto.randomUUID()): KeyKeeper {
  let last: { key: string; body: string } | null = null;
  return {
    async send(body, call) {
      const json = JSON.stringify(body ?? null);
      if (last?.body !== json) last = { key: newKey(), body: json };
      try {
        const result = await call(last.key);
        last = null;
        return result;
      } catch (error) {
        if (isKeptRefusal(error as Refusal)) last = null;
        throw error;
      }
    },
  };
}

function isKeptRefusal(error: Refusal | null): boolean {
  const status = typeof error?.status === 'number' ? error.status : 0;
  return status >= 400 && status < 500 && error?.slug !== 'idempotency-in-progress';
}
