import type { Gender } from '#contexts/accounts/rules/nik.ts';
import type { StoredCode } from '#contexts/accounts/rules/verification.ts';
import type { Declarations } from '#contexts/waves/rules/eligibility.ts';
import type { Role } from '#platform/principal.ts';
import { item } from '#platform/store/item.ts';

// The accounts context's items and their shapes: accounts, their sign-in markers and
// counters, profiles and the NIK marker.

export type Channel = 'email' | 'phone';

export interface Account {
  accountId: string;
  fullName: string;
  email: string;
  phone: string;
  passwordHash: string;
  role: Role;
  emailVerified: boolean;
  phoneVerified: boolean;
  createdAt: string;
  /** The first codes, given to insertAccount: stored on the email marker, not here. */
  codes?: Partial<Record<Channel, StoredCode>>;
  /** The TTL attribute while a channel is unverified (see domain/accounts.ts). */
  expiresAtEpoch?: number;
  disabled?: boolean;
}

/**
 * The email's uniqueness marker, which is also the sign-in and verification record: it
 * names the account and carries what a sign-in and a verification need, keyed by the
 * email the request names, so neither looks anything up first. The password hash, role
 * and phone are copied at registration (no route changes them). The channels' codes and
 * flags live here until both are verified: the transaction that verifies the second one
 * sets both flags on the account (which is what account checks read) and removes the
 * expiry of all three items. The sign-in back-off lives here too (store/sign-in-throttle.ts).
 */
export interface EmailMarker extends Partial<SignInState> {
  accountId: string;
  expiresAtEpoch?: number;
  passwordHash?: string;
  role?: Role;
  phone?: string;
  emailVerified?: boolean;
  phoneVerified?: boolean;
  /** The unverified channels' codes (store/verification.ts). */
  codes?: Partial<Record<Channel, StoredCode>>;
}

// The back-off of one email (domain/sign-in.ts). A registered email keeps it on its
// marker, the sign-in record, so the claim also reads what the password check needs; an
// unknown email on a counter of its own, with the same rules, so the 429 reveals nobody.
// Every password check is claimed first, counted as a failure until a success says
// otherwise. Below the limit a claim is one atomic increment (concurrent claims count
// exactly); the claim that reaches the limit is versioned on `v` and opens the window
// itself, before its password is checked, so no concurrent guess slips in.
export interface SignInState {
  failures: number;
  lockedUntil: number;
  v: number;
  notifiedAt?: number;
  /** Failures are forgotten from then on (epoch ms): a day without failures. */
  forgetAt?: number;
}

export interface SignInCounter extends SignInState {
  expiresAtEpoch?: number;
}

/** The personal data a citizen enters, besides the NIK and KK. */
interface PersonalData {
  birthDate: string;
  gender: Gender;
  provinceCode: string;
  education: string;
  workStatus: string;
  declarations: Declarations;
}

export interface ProfileInput extends PersonalData {
  nik: string;
  kk: string;
}

/** What a citizen may see of their profile: never the clear NIK/KK, hashes or ciphertexts. */
export interface ProfileView extends PersonalData {
  nikMasked: string;
  kkMasked: string;
  updatedAt: string;
}

/** The PROFILE item (PK ACCOUNT#<id>, SK PROFILE). */
export interface StoredProfile extends ProfileView {
  accountId: string;
  nikSealed: string;
  nikHash: string;
  kkSealed: string;
  kkHash: string;
  createdAt: string;
  /**
   * Set to true by the wave-join transaction (see `lockNikItem`): from then on the NIK
   * cannot change, so a selection can never be dodged by swapping identities; nor can what
   * the selection reads of the profile (`LOCKED_FIELDS`): those change only through an
   * administrator's audited correction (contexts/accounts/store/profile-correction.ts).
   */
  nikLocked?: boolean;
  /** When an administrator last corrected a locked field. */
  correctedAt?: string;
}

// A citizen's partition: everything GET /v1/me shows is one Query.
export const account = item<Account>()({
  type: 'Account',
  key: ({ accountId }: { accountId: string }) => ({ PK: `ACCOUNT#${accountId}`, SK: 'ACCOUNT' }),
});

export const profile = item<StoredProfile>()({
  type: 'Profile',
  key: ({ accountId }: { accountId: string }) => ({ PK: `ACCOUNT#${accountId}`, SK: 'PROFILE' }),
});

// Uniqueness markers: written in the same transaction as the thing they guard.
interface Marker {
  accountId: string;
  expiresAtEpoch?: number;
}

/** Also the sign-in record: what a sign-in and a verification read (store/accounts.ts). */
export const emailMarker = item<EmailMarker>()({
  type: 'EmailMarker',
  key: ({ email }: { email: string }) => ({ PK: `EMAIL#${email}`, SK: 'EMAIL' }),
});

export const phoneMarker = item<Marker>()({
  type: 'PhoneMarker',
  key: ({ phone }: { phone: string }) => ({ PK: `PHONE#${phone}`, SK: 'PHONE' }),
});

export const nikMarker = item<Marker>()({
  type: 'NikMarker',
  key: ({ nikHash }: { nikHash: string }) => ({ PK: `NIK#${nikHash}`, SK: 'NIK' }),
});

export const signInCounter = item<SignInCounter>()({
  type: 'SignInCounter',
  key: ({ email }: { email: string }) => ({ PK: `SIGNIN#${email}`, SK: 'SIGNIN' }),
  untagged: true,
});
