// Every item's keys, computed in one place. Prefixes name the item type.
export const keys = {
  account: (accountId: string) => ({ PK: `ACCOUNT#${accountId}`, SK: 'ACCOUNT' }),
  profile: (accountId: string) => ({ PK: `ACCOUNT#${accountId}`, SK: 'PROFILE' }),
  /** Uniqueness markers: written in the same transaction as the thing they guard. */
  email: (email: string) => ({ PK: `EMAIL#${email}`, SK: 'EMAIL' }),
  phone: (phone: string) => ({ PK: `PHONE#${phone}`, SK: 'PHONE' }),
  nik: (nikHash: string) => ({ PK: `NIK#${nikHash}`, SK: 'NIK' }),
  application: (accountId: string, waveId: string) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `APPLICATION#${waveId}`,
  }),
  participant: (accountId: string) => ({ PK: `ACCOUNT#${accountId}`, SK: 'PARTICIPANT' }),
  /** A participant's balance movements, in their own partition (see store/ledger.ts). */
  ledger: (accountId: string, entryId: string) => ({ PK: `ACCOUNT#${accountId}`, SK: `LEDGER#${entryId}` }),
  card: (cardNumber: string) => ({ PK: `CARD#${cardNumber}`, SK: 'CARD' }),
  /** How many participants a family card (KK) has had, across all waves. */
  family: (kkHash: string) => ({ PK: `KK#${kkHash}`, SK: 'PARTICIPANTS' }),
  /** The family's candidates in one wave's draw, while it is screened. */
  familyInWave: (kkHash: string, waveId: string) => ({ PK: `KK#${kkHash}`, SK: `WAVE#${waveId}` }),
  wave: (waveId: string) => ({ PK: `WAVE#${waveId}`, SK: 'WAVE' }),
  selection: (waveId: string) => ({ PK: `WAVE#${waveId}`, SK: 'SELECTION' }),
  /** Held by the one selection that may run at a time (see store/selection.ts). */
  selectionLock: () => ({ PK: 'LOCK#SELECTION', SK: 'LOCK' }),
  quotaPool: (shard: number) => ({ PK: 'QUOTAPOOL', SK: `SHARD#${shard}` }),
  outbox: (to: string, sentAt: string, id: string) => ({ PK: `OUTBOX#${to}`, SK: `${sentAt}#${id}` }),
} as const;
