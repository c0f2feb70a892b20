// One-time codes for email, phone and (later) purchase and payout confirmations.
export const CODE_TTL_MS = 10 * 60 * 1000;
export const MAX_CODE_ATTEMPTS = 5;
export const RESEND_INTERVAL_MS = 60 * 1000;

export interface StoredCode {
  hash: string;
  salt: string;
  expiresAt: number;
  attempts: number;
  sentAt: number;
}

export type CodeVerdict = 'ok' | 'invalid' | 'expired' | 'locked';

/** Decides a presented code. Locking wins over expiry so a locked code stays locked. */
export function judgeCode(stored: StoredCode | undefined, presentedHash: string, nowMs: number): CodeVerdict {
  if (!stored) return 'invalid';
  if (stored.attempts >= MAX_CODE_ATTEMPTS) return 'locked';
  if (nowMs > stored.expiresAt) return 'expired';
  return presentedHash === stored.hash ? 'ok' : 'invalid';
}
