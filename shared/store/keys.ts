// Every item's keys, computed in one place. Prefixes name the item type.
export const keys = {
  account: (accountId: string) => ({ PK: `ACCOUNT#${accountId}`, SK: 'ACCOUNT' }),
  profile: (accountId: string) => ({ PK: `ACCOUNT#${accountId}`, SK: 'PROFILE' }),
  /** Uniqueness markers: written in the same transaction as the thing they guard. */
  email: (email: string) => ({ PK: `EMAIL#${email}`, SK: 'EMAIL' }),
  phone: (phone: string) => ({ PK: `PHONE#${phone}`, SK: 'PHONE' }),
  nik: (nikHash: string) => ({ PK: `NIK#${nikHash}`, SK: 'NIK' }),
  outbox: (to: string, sentAt: string, id: string) => ({ PK: `OUTBOX#${to}`, SK: `${sentAt}#${id}` }),
} as const;
