import { useRef } from 'preact/hooks';
import { newIdempotencyKey } from '../lib/api.ts';

/**
 * One Idempotency-Key per submission: a retry of the same body (after a timeout or a
 * network error) reuses it, so the server does the work once; a changed body is a new
 * submission with a new key (the old key with another body would be 422).
 */
export function useIdempotencyKey() {
  const last = useRef<{ key: string; body: string } | null>(null);
  return {
    keyFor(body: unknown): string {
      const json = JSON.stringify(body ?? null);
      if (last.current?.body !== json) last.current = { key: newIdempotencyKey(), body: json };
      return last.current.key;
    },
    /** The submission succeeded: the next one, even with the same body, is new work. */
    done() {
      last.current = null;
    },
  };
}
