import { auditIndex } from '#platform/items.ts';
import { item } from '#platform/store/item.ts';

// The ledger: every movement of a participant's balance is an entry written in the
// same transaction as the balance change, so the balance always equals the sum of the
// entries. The counterparty of a credit or a revocation is the state treasury.
export type LedgerKind = 'training-credit' | 'revocation' | 'purchase' | 'purchase-refund';

export interface LedgerEntry {
  accountId: string;
  entryId: string;
  kind: LedgerKind;
  /** Signed: positive credits the participant, negative debits. */
  amountIdr: number;
  balanceAfterIdr: number;
  counterparty: string;
  at: string;
  waveId?: string;
}

/** A balance movement; the entry id is `<at>#<kind>[#<purchaseId>]`. */
export const ledgerEntry = item<LedgerEntry>()({
  type: 'LedgerEntry',
  key: ({ accountId, entryId }: { accountId: string; entryId: string }) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `LEDGER#${entryId}`,
  }),
  // In the audit trail as `money.<kind>` (contexts/audit/store/audit.ts `auditViews`).
  indexes: (e) =>
    auditIndex({
      at: e.at,
      id: `LEDGER#${e.accountId}#${e.entryId}`,
      actor: 'system',
      kind: `money.${e.kind}`,
    }),
});
