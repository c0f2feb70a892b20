// An account's standing. Unverified accounts (and their email and phone markers) expire
// 48 hours after registration, so nobody can hold a stranger's email, phone or NIK;
// DynamoDB's TTL deletes them lazily, so every read and condition checks the epoch itself.
export const UNVERIFIED_ACCOUNT_TTL_S = 48 * 3600;

export type AccountState = 'active' | 'unverified' | 'gone' | 'disabled';

export interface AccountStanding {
  emailVerified: boolean;
  phoneVerified: boolean;
  /** Set while unverified: the TTL attribute, epoch seconds. */
  expiresAtEpoch?: number;
  disabled?: boolean;
}

export const epochSeconds = (nowMs: number) => Math.floor(nowMs / 1000);

/** Expired means gone, whether or not the TTL has deleted the item yet. */
export function isExpired(item: { expiresAtEpoch?: number } | undefined, nowMs: number): boolean {
  return item?.expiresAtEpoch !== undefined && item.expiresAtEpoch <= epochSeconds(nowMs);
}

export function accountState(account: AccountStanding | undefined, nowMs: number): AccountState {
  if (!account || isExpired(account, nowMs)) return 'gone';
  if (account.disabled) return 'disabled';
  return account.emailVerified && account.phoneVerified ? 'active' : 'unverified';
}
