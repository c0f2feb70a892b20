import type { RegistryCheckStatus } from '#contexts/registry/items.ts';

// Which applicants of a wave still wait for the registry, kept exact without a counter
// item (a hot key on the join path): each such applicant has a marker, written by the
// join and deleted by the check's answer. Both are conditioned on the check as it was
// read, so an answer and a join that race cannot leave a marker behind or miss one:
// the loser's transaction fails and is planned again from a fresh read.

/** The check as a join or an answer reads it. */
export interface CheckSeen {
  checkId: string;
  status: RegistryCheckStatus;
  /** Waves whose marker this check carries. */
  waves: ReadonlySet<string>;
}

/** What a join writes besides its application, given the check it read. */
export type JoinCheckPlan =
  /** No check (a profile saved before checks existed): start one, pending for this wave. */
  | { kind: 'start' }
  /** The check pends: the wave gets a marker, the check lists the wave. */
  | { kind: 'mark'; checkId: string }
  /** Answered: nothing pends, and an answer is never taken back (a new identity is a new
   *  check, impossible once joined: the identity is locked from the first join). */
  | { kind: 'none' };

export function joinPlan(check: CheckSeen | undefined): JoinCheckPlan {
  if (!check) return { kind: 'start' };
  return check.status === 'PENDING' ? { kind: 'mark', checkId: check.checkId } : { kind: 'none' };
}

/** An answer's transaction: on condition the check is this one, pending, and lists
 *  exactly `wavesSeen` waves (joins only add), it deletes those waves' markers. */
export interface AnswerPlan {
  checkId: string;
  wavesSeen: number;
  release: string[];
}

export function answerPlan(check: CheckSeen): AnswerPlan {
  return { checkId: check.checkId, wavesSeen: check.waves.size, release: [...check.waves].sort() };
}

/** The join's condition on the check: what its plan assumed still holds. */
export function joinStillHolds(plan: JoinCheckPlan, check: CheckSeen | undefined): boolean {
  if (plan.kind === 'start') return check === undefined;
  if (plan.kind === 'mark') return check?.checkId === plan.checkId && check.status === 'PENDING';
  return true;
}

/** The answer's condition on the check. */
export function answerStillHolds(plan: AnswerPlan, check: CheckSeen | undefined): boolean {
  return check?.checkId === plan.checkId && check.status === 'PENDING' && check.waves.size === plan.wavesSeen;
}
