import { useEffect, useState } from 'preact/hooks';
import { adminApi } from './session.ts';
import type { Administrator, Page } from './types.ts';

// Administrators by accountId, for the pages that name them (the audit trail, payout runs):
// asked of the API once per id and kept for the tab's life. `system` and `partner:<code>`
// are not accounts and are shown as they are.
const known = new Map<string, Administrator | null>();
const isAccountId = (id: string) => /^[A-Za-z0-9_-]{1,64}$/.test(id) && id !== 'system';

/** Re-renders once the ids' administrators are known; an id that is none stays unresolved. */
export function useAdministrators(ids: Array<string | undefined>): void {
  const [, bump] = useState(0);
  const missing = [...new Set(ids)].filter((id): id is string => !!id && isAccountId(id) && !known.has(id));
  const key = missing.sort().join(',');
  useEffect(() => {
    if (!key) return;
    let live = true;
    const asked = key.split(',');
    const batches = Array.from({ length: Math.ceil(asked.length / 50) }, (_, i) =>
      asked.slice(i * 50, i * 50 + 50),
    );
    Promise.all(
      batches.map((batch) =>
        adminApi<Page<Administrator>>('GET', `/v1/admin/administrators?ids=${batch.join(',')}`),
      ),
    ).then(
      (pages) => {
        for (const id of asked) known.set(id, null);
        for (const page of pages) for (const a of page.items) known.set(a.accountId, a);
        if (live) bump((n) => n + 1);
      },
      // Not known this time: the ids are shown as they are, and asked again on the next page.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [key]);
}

/** An actor as a person reads it: name and email when it is an administrator, else the id. */
export function Actor({ id }: { id: string | undefined }) {
  if (!id) return null;
  const who = known.get(id);
  return who ? (
    <span class="actor" title={id}>
      {who.fullName} ({who.email})
    </span>
  ) : (
    <code>{id}</code>
  );
}
