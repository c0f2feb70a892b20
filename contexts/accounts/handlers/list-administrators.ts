import { account } from '#contexts/accounts/items.ts';
import { listAdministrators } from '#contexts/accounts/routes.ts';
import { httpHandler } from '#contexts/http.ts';
import { getMany } from '#platform/store/batch.ts';

// Who an accountId of the audit trail or of a payout run is: the console shows names and
// emails, not UUIDs. Administrators and approvers only: a citizen's id (a citizen is never
// an actor of those) is left out like an unknown one, so this reads no citizen's data.
export const handler = httpHandler(listAdministrators, async ({ query }) => {
  const ids = [...new Set(query.ids.split(','))];
  const found = await getMany(
    ids.map((accountId) => account.key({ accountId })),
    { consistent: false },
  );
  const items = found
    .map((raw) => account.parse(raw))
    .filter((a) => a.role === 'admin' || a.role === 'approver')
    .map((a) => ({ accountId: a.accountId, fullName: a.fullName, email: a.email, role: a.role }))
    .sort((a, b) => ids.indexOf(a.accountId) - ids.indexOf(b.accountId));
  return { status: 200, body: { items, nextCursor: null } };
});
