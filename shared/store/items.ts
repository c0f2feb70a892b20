import {
  account,
  emailMarker,
  nikMarker,
  phoneMarker,
  profile,
  signInCounter,
} from '#shared/items/accounts.ts';
import { course } from '#shared/items/catalog.ts';
import { ledgerEntry } from '#shared/items/ledger.ts';
import { listFlag, participation, priorityFlag } from '#shared/items/lists.ts';
import { outbox } from '#shared/items/notifications.ts';
import {
  acceptedSignature,
  partner,
  partnerAudit,
  partnerCode,
  partnerCredential,
} from '#shared/items/partners.ts';
import {
  payoutAccount,
  payoutBatch,
  payoutEntry,
  payoutInstruction,
  payoutLimit,
  payoutNumberMarker,
  payoutPeriodMarker,
  payoutRun,
} from '#shared/items/payouts.ts';
import { auditRecord, idempotency } from '#shared/items/platform.ts';
import { incentive, purchase, surveyAnswers, voucher } from '#shared/items/purchases.ts';
import {
  card,
  drawPage,
  drawSummary,
  familyCard,
  outcome,
  participant,
  quotaPool,
  selection,
  selectionLock,
} from '#shared/items/selection.ts';
import { application, wave } from '#shared/items/waves.ts';
import type { ItemType, RawItem } from '#shared/store/item.ts';
import { useItems } from '#shared/uses.ts';

// Every item type of the single table (README "Single table"), in one catalogue: each is
// declared, with its shape, by the context that owns it (its items.ts); the platform's
// own (idempotency records, audit records) beside its machinery. Store modules import
// the declarations they write from their owners; tests, fixtures, benches, the grants
// (uses.ts) and the data-model documentation read them all from here.
export * from '#shared/items/accounts.ts';
export * from '#shared/items/catalog.ts';
export * from '#shared/items/ledger.ts';
export * from '#shared/items/lists.ts';
export * from '#shared/items/notifications.ts';
export * from '#shared/items/partners.ts';
export * from '#shared/items/payouts.ts';
export * from '#shared/items/purchases.ts';
export * from '#shared/items/selection.ts';
export * from '#shared/items/waves.ts';
export { auditRecord, idempotency };

/** Every item type by its name here: what `uses.items` (shared/uses.ts) names. */
export const ITEMS = {
  account,
  profile,
  application,
  outcome,
  participant,
  ledgerEntry,
  incentive,
  payoutAccount,
  payoutNumberMarker,
  payoutLimit,
  payoutEntry,
  surveyAnswers,
  emailMarker,
  phoneMarker,
  nikMarker,
  card,
  signInCounter,
  familyCard,
  wave,
  selection,
  selectionLock,
  drawPage,
  drawSummary,
  quotaPool,
  listFlag,
  priorityFlag,
  participation,
  outbox,
  idempotency,
  acceptedSignature,
  partner,
  partnerCode,
  partnerCredential,
  partnerAudit,
  auditRecord,
  course,
  purchase,
  voucher,
  payoutRun,
  payoutPeriodMarker,
  payoutBatch,
  payoutInstruction,
} as const;

export type ItemName = keyof typeof ITEMS;
useItems(ITEMS);
// Tells the platform's `uses` the names (see uses.ts `Catalogue`).
type Names = ItemName;
declare module '#shared/uses.ts' {
  interface Catalogue {
    itemName: Names;
  }
}

export const ITEM_TYPES = Object.values(ITEMS);

/** The item type declared under `name`. */
export const itemType = (name: ItemName): ItemType<unknown, unknown> =>
  ITEMS[name] as ItemType<unknown, unknown>;

/** The declaration an item belongs to, by its key (and tag), or undefined. */
export function kindOf(raw: RawItem) {
  return ITEM_TYPES.find((type) => type.matches(raw));
}
