import {
  account,
  emailMarker,
  nikMarker,
  phoneMarker,
  profile,
  signInCounter,
} from '#contexts/accounts/items.ts';
import {
  admissionArrivals,
  admissionFailures,
  admissionUse,
  ticketCounter,
  waitingEntry,
  waitingRoom,
} from '#contexts/admission/items.ts';
import { course } from '#contexts/catalog/items.ts';
import { ledgerEntry } from '#contexts/ledger/items.ts';
import { nikFlags } from '#contexts/lists/items.ts';
import { noticeRate, noticeSent, outbox, sendingRate } from '#contexts/notifications/items.ts';
import { partner, partnerAudit, partnerCode, partnerCredential } from '#contexts/partners/items.ts';
import {
  payoutAccount,
  payoutBatch,
  payoutEntry,
  payoutInstruction,
  payoutLimit,
  payoutNumberMarker,
  payoutPeriodMarker,
  payoutRun,
  payoutStageShard,
} from '#contexts/payouts/items.ts';
import { incentive, purchase, surveyAnswers, voucher } from '#contexts/purchases/items.ts';
import { pendingApplicant, registryCheck } from '#contexts/registry/items.ts';
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
} from '#contexts/selection/items.ts';
import { application, wave } from '#contexts/waves/items.ts';
import { acceptedSignature, auditRecord, idempotency } from '#platform/items.ts';
import type { ItemType, RawItem } from '#platform/store/item.ts';
import { useItems } from '#platform/uses.ts';

// Every item type of the single table (docs/data-model.md), in one catalogue: each is
// declared, with its shape, by the context that owns it (its items.ts); the platform's
// own (idempotency records, audit records) beside its machinery. Store modules import
// the declarations they write from their owners; tests, fixtures, benches, the grants
// (uses.ts) and the data-model documentation read them all from here.
export * from '#contexts/accounts/items.ts';
export * from '#contexts/admission/items.ts';
export * from '#contexts/catalog/items.ts';
export * from '#contexts/ledger/items.ts';
export * from '#contexts/lists/items.ts';
export * from '#contexts/notifications/items.ts';
export * from '#contexts/partners/items.ts';
export * from '#contexts/payouts/items.ts';
export * from '#contexts/purchases/items.ts';
export * from '#contexts/registry/items.ts';
export * from '#contexts/selection/items.ts';
export * from '#contexts/waves/items.ts';
export { acceptedSignature, auditRecord, idempotency };

/** Every item type by its name here: what `uses.items` (platform/uses.ts) names. */
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
  nikFlags,
  outbox,
  noticeSent,
  noticeRate,
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
  payoutStageShard,
  payoutInstruction,
  registryCheck,
  pendingApplicant,
  sendingRate,
  waitingRoom,
  ticketCounter,
  waitingEntry,
  admissionUse,
  admissionFailures,
  admissionArrivals,
} as const;

export type ItemName = keyof typeof ITEMS;
useItems(ITEMS);
// Tells the platform's `uses` the names (see uses.ts `Catalogue`).
type Names = ItemName;
declare module '#platform/uses.ts' {
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
