import { createHash } from 'node:crypto';
import type { ScheduledIncentive } from '#shared/domain/purchases.ts';
import type { Wave } from '#shared/domain/waves.ts';
import type { Account, EmailMarker } from '#shared/store/accounts.ts';
import type { ApplicationItem } from '#shared/store/applicants.ts';
import type { AuditRecord } from '#shared/store/audit.ts';
import type { Course } from '#shared/store/courses.ts';
import type { DrawPage, DrawSummary } from '#shared/store/draw.ts';
import { item, type RawItem } from '#shared/store/item.ts';
import type { LedgerEntry } from '#shared/store/ledger.ts';
import type { OutboxMessage } from '#shared/store/outbox.ts';
import type { ParticipantItem } from '#shared/store/participants.ts';
import type { AuditEntry, Credential, Partner } from '#shared/store/partners.ts';
import type { PayoutAccount } from '#shared/store/payout-accounts.ts';
import type { PayoutLimit } from '#shared/store/payout-limits.ts';
import type {
  PayoutBatch,
  PayoutEntry,
  PayoutInstruction,
  PayoutRun,
  PayoutStageShard,
} from '#shared/store/payouts.ts';
import type { StoredProfile } from '#shared/store/profiles.ts';
import type { Purchase } from '#shared/store/purchases.ts';
import type { QuotaPool } from '#shared/store/quota-pool.ts';
import type { Outcome, SelectionRecord } from '#shared/store/selection.ts';
import type { SignInCounter } from '#shared/store/sign-in-throttle.ts';

// Every item type of the single table (docs/data-model.md), declared once: its key,
// type tag, index keys and value. Store modules, test fixtures and benches build keys
// and items only from these, and read items back through `parse`.

/** A stable shard of `id` among `shards`: spreads one kind of item over partitions. */
export function shardOf(id: string, shards: number): number {
  return createHash('sha256').update(id).digest().readUInt16BE(0) % shards;
}
/** The applicant index (GSI2) spreads each wave over this many partitions. */
export const APPLICANT_SHARDS = 16;
/** Participants who have not bought a first course sit in GSI1 in this many shards. */
export const DEADLINE_SHARDS = 16;
/** Incentives due for payment sit in GSI1 in this many shards (payout staging's segments). */
export const DUE_SHARDS = 16;

/** Index partitions, as the items write them and the queries name them. */
export const partitions = {
  waves: 'WAVES',
  partners: 'PARTNERS',
  partnerKeys: (partnerId: string) => `PARTNERKEYS#${partnerId}`,
  applicants: (waveId: string, shard: number) => `WAVE#${waveId}#${shard}`,
  purchaseDue: (shard: number) => `PURCHASE-DUE#${shard}`,
  purchases: (partnerId: string) => `PURCHASES#${partnerId}`,
  /** A participant's own purchases (GSI2), in order of `<createdAt>#<purchaseId>`. */
  accountPurchases: (accountId: string) => `ACCOUNT-PURCHASES#${accountId}`,
  incentivesDue: (shard: number) => `INCENTIVE-DUE#${shard}`,
  payoutRuns: 'PAYOUTRUNS',
  /** The audit trail's hour (`yyyy-mm-ddThh`, UTC): see `auditIndex`. */
  audit: (hour: string) => `AUDIT#${hour}`,
};

/** The hour partition of an ISO 8601 UTC time: `2026-04-11T08:15:00.000Z` -> `2026-04-11T08`. */
export const hourOf = (at: string) => at.slice(0, 13);

/**
 * The audit index keys (GSI1, shared/store/audit.ts): every item type that is part of
 * the audit trail (audit records, ledger entries, ...) is written with these, so it is
 * listed there without a second write. One partition per UTC hour: a partition takes at
 * most 1,000 writes a second, and at payout rates (hundreds of thousands of ledger
 * movements a run) a single day or a single "AUDIT" partition would throttle the very
 * transactions that move the money; an hour spreads them over time, and a reader walks
 * the hours newest first. `auditActor` and `auditKind` are what the trail filters on
 * (plain attributes, read only by the index's FilterExpression; `parse` drops them).
 */
export function auditIndex(entry: { at: string; id: string; actor: string; kind: string }) {
  return {
    GSI1PK: partitions.audit(hourOf(entry.at)),
    GSI1SK: `${entry.at}#${entry.id}`,
    auditActor: entry.actor,
    auditKind: entry.kind,
  };
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
/**
 * Where an applicant sits in the wave's applicant index (GSI2): the shard and the slice
 * come from the family card's hash, and the sort key starts with the card, so a card's
 * members are next to each other in one slice and selection screens a family whole.
 */
export function applicantSlot(kkHash: string): { shard: number; prefix: string } {
  const slot = shardOf(kkHash, 256);
  return { shard: slot % APPLICANT_SHARDS, prefix: (slot >> 4).toString(16) };
}
/** The applicant index's sort key of one family card's members: `<slice><kkHash>#`. */
export const familyPrefix = (kkHash: string) => `${applicantSlot(kkHash).prefix}${kkHash}#`;
export const application = item<ApplicationItem>()({
  type: 'Application',
  key: ({ accountId, waveId }: { accountId: string; waveId: string }) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `APPLICATION#${waveId}`,
  }),
  // Written once, at join: selection writes its results elsewhere (the outcome item), so
  // it never rewrites this item and its index entry (GSI2 projects everything).
  indexes: (a) => ({
    GSI2PK: partitions.applicants(a.waveId, applicantSlot(a.kkHash).shard),
    GSI2SK: `${familyPrefix(a.kkHash)}${a.accountId}`,
  }),
});
/** The selection's decision on an application: in no index, written once by the announce
 *  step (a not-drawn one in a batch, a drawn one in the issuing transaction). */
export const outcome = item<Outcome>()({
  type: 'Outcome',
  key: ({ accountId, waveId }: { accountId: string; waveId: string }) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `OUTCOME#${waveId}`,
  }),
});
export const participant = item<ParticipantItem>()({
  type: 'Participant',
  key: ({ accountId }: { accountId: string }) => ({ PK: `ACCOUNT#${accountId}`, SK: 'PARTICIPANT' }),
  indexes: (p) => ({
    GSI1PK: partitions.purchaseDue(shardOf(p.accountId, DEADLINE_SHARDS)),
    GSI1SK: `${p.purchaseDeadline}#${p.accountId}`,
  }),
});
/** A balance movement; the entry id is `<at>#<kind>[#<purchaseId>]`. */
export const ledgerEntry = item<LedgerEntry>()({
  type: 'LedgerEntry',
  key: ({ accountId, entryId }: { accountId: string; entryId: string }) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `LEDGER#${entryId}`,
  }),
  // In the audit trail as `money.<kind>` (shared/store/audit.ts `auditViews`).
  indexes: (e) =>
    auditIndex({
      at: e.at,
      id: `LEDGER#${e.accountId}#${e.entryId}`,
      actor: 'system',
      kind: `money.${e.kind}`,
    }),
});
export interface Incentive extends ScheduledIncentive {
  accountId: string;
  status: 'SCHEDULED' | 'STAGED' | 'PAID' | 'FAILED';
  scheduledAt: string;
  purchaseId?: string;
  /** While staged: the run holding it, and its instruction (the partner's reference). */
  runId?: string;
  instructionId?: string;
  paidAt?: string;
  failedReason?: string;
  /** The reference of its last failed instruction, and that instruction's partner: the
   *  next run asks whether a late payment went through under it before paying again. */
  lastReference?: string;
  lastPartner?: string;
}
/** The GSI1 keys of an incentive that is due for payment (scheduled, or failed before). */
export const incentiveDueKeys = (i: { accountId: string; kind: string; n: number; dueDate: string }) => ({
  GSI1PK: partitions.incentivesDue(shardOf(i.accountId, DUE_SHARDS)),
  GSI1SK: `${i.dueDate}#${i.accountId}#${i.kind}#${i.n}`,
});
export const incentive = item<Incentive>()({
  type: 'Incentive',
  key: ({ accountId, kind, n }: { accountId: string; kind: string; n: number }) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `INCENTIVE#${kind}#${n}`,
  }),
  // Sparse: a staged or paid incentive leaves the due index (store/payouts.ts).
  indexes: (i) => (i.status === 'SCHEDULED' || i.status === 'FAILED' ? incentiveDueKeys(i) : {}),
});
/** The participant's bank account or e-wallet for incentives (account number sealed). */
export const payoutAccount = item<PayoutAccount>()({
  type: 'PayoutAccount',
  key: ({ accountId }: { accountId: string }) => ({ PK: `ACCOUNT#${accountId}`, SK: 'PAYOUTACCOUNT' }),
});
/** One participant per partner account number: one agent's wallet cannot collect for many. */
export const payoutNumberMarker = item<{ accountId: string }>()({
  type: 'PayoutNumberMarker',
  key: ({ numberHash }: { numberHash: string }) => ({ PK: `PAYOUTNUMBER#${numberHash}`, SK: 'PAYOUTNUMBER' }),
});
/** A day's link attempts and wrong codes of one participant (`participant`, accountId) or
 *  link attempts of one partner account number (`number`, its keyed hash): conditional
 *  counters (store/payout-limits.ts), TTL two days. */
export const payoutLimit = item<PayoutLimit>()({
  type: 'PayoutLimit',
  key: ({ scope, id, day }: { scope: string; id: string; day: string }) => ({
    PK: `PAYOUTLIMIT#${scope}#${id}`,
    SK: `DAY#${day}`,
  }),
  untagged: true,
});
/** What the programme paid a participant: one entry per paid instruction, never twice. */
export const payoutEntry = item<PayoutEntry>()({
  type: 'PayoutEntry',
  key: ({ accountId, instructionId }: { accountId: string; instructionId: string }) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `PAYOUT#${instructionId}`,
  }),
  // In the audit trail as `money.incentive-payout`, actor the partner that paid.
  indexes: (e) =>
    auditIndex({
      at: e.at,
      id: `PAYOUT#${e.instructionId}`,
      actor: `partner:${e.partnerCode}`,
      kind: 'money.incentive-payout',
    }),
});
export const surveyAnswers = item<{ answers: Record<string, unknown>; at: string }>()({
  type: 'SurveyAnswers',
  key: ({ accountId, n }: { accountId: string; n: number }) => ({
    PK: `ACCOUNT#${accountId}`,
    SK: `SURVEY#${n}`,
  }),
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
export const card = item<{ accountId: string }>()({
  type: 'Card',
  key: ({ cardNumber }: { cardNumber: string }) => ({ PK: `CARD#${cardNumber}`, SK: 'CARD' }),
});
export const signInCounter = item<SignInCounter>()({
  type: 'SignInCounter',
  key: ({ email }: { email: string }) => ({ PK: `SIGNIN#${email}`, SK: 'SIGNIN' }),
  untagged: true,
});

/** How many participants a family card (KK) has had, across all waves, and who
 *  (`<waveId>#<accountId>`): a resumed selection tells its own wave's from earlier ones. */
export const familyCard = item<{ participants: number; members?: Set<string> }>()({
  type: 'Family',
  key: ({ kkHash }: { kkHash: string }) => ({ PK: `KK#${kkHash}`, SK: 'PARTICIPANTS' }),
  untagged: true,
});

export const wave = item<Wave>()({
  type: 'Wave',
  key: ({ waveId }: { waveId: string }) => ({ PK: `WAVE#${waveId}`, SK: 'WAVE' }),
  indexes: (w) => ({ GSI1PK: partitions.waves, GSI1SK: `${w.opensAt}#${w.waveId}` }),
});
export const selection = item<SelectionRecord>()({
  type: 'Selection',
  key: ({ waveId }: { waveId: string }) => ({ PK: `WAVE#${waveId}`, SK: 'SELECTION' }),
});
/** Held by the one selection that may run at a time (see store/selection.ts). */
export const selectionLock = item<{ waveId: string; since: string }>()({
  type: 'Lock',
  key: (_: Record<string, never>) => ({ PK: 'LOCK#SELECTION', SK: 'LOCK' }),
});
/** One screened page of a selection run: who of it is eligible, by draw bucket, and why
 *  the others are not. The cut reads only the boundary buckets' attributes of these. */
export const drawPage = item<DrawPage>()({
  type: 'DrawPage',
  key: ({ waveId, run, segment, page }: { waveId: string; run: string; segment: string; page: string }) => ({
    PK: `DRAW#${waveId}#${run}#${segment}`,
    SK: `PAGE#${page}`,
  }),
});
/** A segment's screening tally: counts and the eligible per pool and draw bucket. */
export const drawSummary = item<DrawSummary>()({
  type: 'DrawSummary',
  key: ({ waveId, run, segment }: { waveId: string; run: string; segment: string }) => ({
    PK: `DRAW#${waveId}#${run}#${segment}`,
    SK: 'SUMMARY',
  }),
});
export const quotaPool = item<Partial<QuotaPool>>()({
  type: 'QuotaPool',
  key: ({ shard }: { shard: number }) => ({ PK: 'QUOTAPOOL', SK: `SHARD#${shard}` }),
  untagged: true,
});

// Flags on a NIK (by its keyed hash), all in one partition: screening reads them at once.
interface ListFlag {
  list: string;
  importedAt: string;
  batchId: string;
}
export const listFlag = item<ListFlag>()({
  type: 'NikFlag',
  key: ({ nikHash, list }: { nikHash: string; list: string }) => ({
    PK: `NIKFLAG#${nikHash}`,
    SK: `LIST#${list}`,
  }),
});
export const priorityFlag = item<ListFlag>()({
  type: 'NikFlag',
  key: ({ nikHash, list }: { nikHash: string; list: string }) => ({
    PK: `NIKFLAG#${nikHash}`,
    SK: `PRIORITY#${list}`,
  }),
});
/** "Was a participant": written by the issuing transaction, never twice. */
export const participation = item<{ waveId: string; at: string }>()({
  type: 'NikFlag',
  key: ({ nikHash }: { nikHash: string }) => ({ PK: `NIKFLAG#${nikHash}`, SK: 'PARTICIPANT' }),
});

export const outbox = item<OutboxMessage & { sentAt: string; expiresAtEpoch: number }>()({
  type: 'Outbox',
  key: ({ to, sentAt, id }: { to: string; sentAt: string; id: string }) => ({
    PK: `OUTBOX#${to}`,
    SK: `${sentAt}#${id}`,
  }),
});
export interface IdempotencyRecord {
  state: 'RUNNING' | 'DONE';
  fingerprint: string;
  lockedUntil: number;
  expiresAtEpoch: number;
  reply?: string;
}
export const idempotency = item<IdempotencyRecord>()({
  type: 'IdempotencyRecord',
  key: ({ hash }: { hash: string }) => ({ PK: `IDEMPOTENCY#${hash}`, SK: 'IDEMPOTENCY' }),
});
/** A partner signature accepted in the signing window (store/signatures.ts). */
export const acceptedSignature = item<{ idempotencyKey: string; expiresAtEpoch: number }>()({
  type: 'AcceptedSignature',
  key: ({ hash }: { hash: string }) => ({ PK: `SIGNATURE#${hash}`, SK: 'SIGNATURE' }),
});
export const partner = item<Partner>()({
  type: 'Partner',
  key: ({ partnerId }: { partnerId: string }) => ({ PK: `PARTNER#${partnerId}`, SK: 'PARTNER' }),
  indexes: (p) => ({ GSI1PK: partitions.partners, GSI1SK: p.code }),
});
/** The partner code's uniqueness marker. */
export const partnerCode = item<{ partnerId: string }>()({
  type: 'PartnerCode',
  key: ({ code }: { code: string }) => ({ PK: `PARTNERCODE#${code}`, SK: 'PARTNERCODE' }),
  untagged: true,
});
export const partnerCredential = item<Credential>()({
  type: 'PartnerCredential',
  key: ({ keyId }: { keyId: string }) => ({ PK: `PARTNERKEY#${keyId}`, SK: 'PARTNERKEY' }),
  indexes: (c) => ({ GSI1PK: partitions.partnerKeys(c.partnerId), GSI1SK: c.keyId }),
});
export const partnerAudit = item<AuditEntry>()({
  type: 'PartnerAudit',
  key: ({ partnerId, at, id }: { partnerId: string; at: string; id: string }) => ({
    PK: `PARTNER#${partnerId}`,
    SK: `AUDIT#${at}#${id}`,
  }),
});
/** An administrator's (or the system's, or a partner's) action: append-only (store/audit.ts). */
export const auditRecord = item<AuditRecord>()({
  type: 'AuditRecord',
  key: ({ id }: { id: string }) => ({ PK: `AUDIT#${id}`, SK: 'AUDIT' }),
  indexes: (r) => auditIndex({ at: r.at, id: r.id, actor: r.actor, kind: r.kind }),
});
export const course = item<Course>()({
  type: 'Course',
  key: ({ partnerId, courseId }: { partnerId: string; courseId: string }) => ({
    PK: `COURSE#${partnerId}#${courseId}`,
    SK: 'COURSE',
  }),
});
export const purchase = item<Purchase>()({
  type: 'Purchase',
  key: ({ purchaseId }: { purchaseId: string }) => ({ PK: `PURCHASE#${purchaseId}`, SK: 'PURCHASE' }),
  // GSI1: the platform's purchases (the PMO's reports); GSI2: the participant's own
  // (GET /v1/me/purchases). Both keys are fixed at creation, so updates never move them.
  indexes: (p) => ({
    GSI1PK: partitions.purchases(p.partnerId),
    GSI1SK: `${p.createdAt}#${p.purchaseId}`,
    GSI2PK: partitions.accountPurchases(p.accountId),
    GSI2SK: `${p.createdAt}#${p.purchaseId}`,
  }),
});
export const voucher = item<{ purchaseId: string; partnerId?: string; institutionId: string }>()({
  type: 'Voucher',
  key: ({ code }: { code: string }) => ({ PK: `VOUCHER#${code}`, SK: 'VOUCHER' }),
});

export const payoutRun = item<PayoutRun>()({
  type: 'PayoutRun',
  key: ({ runId }: { runId: string }) => ({ PK: `PAYOUTRUN#${runId}`, SK: 'RUN' }),
  indexes: (r) => ({ GSI1PK: partitions.payoutRuns, GSI1SK: `${r.createdAt}#${r.runId}` }),
});
/** A period's open run (STAGING, AWAITING_APPROVAL, DISBURSING): written in the run's own
 *  creation transaction on condition it does not exist, deleted when the run ends. */
export const payoutPeriodMarker = item<{ period: string; runId: string }>()({
  type: 'PayoutPeriodMarker',
  key: ({ period }: { period: string }) => ({ PK: `PAYOUTPERIOD#${period}`, SK: 'OPEN' }),
});
/** A batch of one partner's instructions: one queue message, its tally kept here. */
export const payoutBatch = item<PayoutBatch>()({
  type: 'PayoutBatch',
  key: ({ runId, batchId }: { runId: string; batchId: string }) => ({
    PK: `PAYOUTRUN#${runId}`,
    SK: `BATCH#${batchId}`,
  }),
});
/** A staging shard's share of the run's budget and what it claimed against it: each shard
 *  claims on its own counter (its own partition), so staging does not queue on the run. */
export const payoutStageShard = item<PayoutStageShard>()({
  type: 'PayoutStageShard',
  key: ({ runId, shard }: { runId: string; shard: number }) => ({
    PK: `PAYOUTSTAGE#${runId}#${shard}`,
    SK: 'SHARD',
  }),
});
/** A batch's instructions share a partition: the dispatcher reads them in one Query. */
export const payoutInstruction = item<PayoutInstruction>()({
  type: 'PayoutInstruction',
  key: ({ runId, batchId, instructionId }: { runId: string; batchId: string; instructionId: string }) => ({
    PK: `PAYOUTRUN#${runId}#${batchId}`,
    SK: `INSTRUCTION#${instructionId}`,
  }),
});

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
  payoutStageShard,
  payoutInstruction,
} as const;

export type ItemName = keyof typeof ITEMS;

export const ITEM_TYPES = Object.values(ITEMS);

/** The declaration an item belongs to, by its key (and tag), or undefined. */
export function kindOf(raw: RawItem) {
  return ITEM_TYPES.find((type) => type.matches(raw));
}
