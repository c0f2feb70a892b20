import { call } from '#test/support/api.ts';

// The audit trail as the tests read it. A listing with a filter walks its range an hour
// at a time, all 16 shards each round, until its page is full: without `from`, a month of
// hours, 48 rounds (768 Queries) a page when the filter finds little. A test looks for
// what its own file wrote on this stack, so it asks from when its process began (less a
// margin), on a clock that no caller of this moves back: two or three rounds.
export const AUDIT_SINCE = new Date(performance.timeOrigin - 10 * 60_000).toISOString();

/** `GET /v1/admin/audit` with these filters, from AUDIT_SINCE. */
export function auditSince(token: string, filters: Record<string, string | number>) {
  const query = new URLSearchParams({ ...stringsOf(filters), from: AUDIT_SINCE });
  return call('GET', `/v1/admin/audit?${query}`, { token });
}

const stringsOf = (filters: Record<string, string | number>) =>
  Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, String(v)]));
