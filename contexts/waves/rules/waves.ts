// A wave's lifecycle. SCHEDULED, OPEN and CLOSED follow from the clock and the wave's
// window, so opening and closing on time needs no job; SELECTING and ANNOUNCED are
// stages the selection workflow records.
export type WaveStatus = 'SCHEDULED' | 'OPEN' | 'CLOSED' | 'SELECTING' | 'ANNOUNCED';
export type WaveStage = 'SELECTING' | 'ANNOUNCED';

export interface Scheme {
  trainingBalanceIdr: number;
  incentiveIdr: number;
  incentiveMonths: number;
  surveyIncentiveIdr: number;
  surveyCount: number;
}

export interface Wave {
  waveId: string;
  name: string;
  opensAt: string;
  closesAt: string;
  quota: number;
  reservedQuota: number;
  /** Places of the quota taken from the pool freed by revocations (a recovery wave). */
  quotaFromPool?: number;
  purchaseDeadlineDays: number;
  /** Per-wave rules that changed over the years (DOMAIN.md). */
  minAge: number;
  maxAge?: number;
  excludeOtherAidRecipients: boolean;
  scheme: Scheme;
  stage?: WaveStage;
  createdAt: string;
  createdBy: string;
}

export function waveStatus(wave: Pick<Wave, 'opensAt' | 'closesAt' | 'stage'>, now: Date): WaveStatus {
  if (wave.stage) return wave.stage;
  const t = now.getTime();
  if (t < Date.parse(wave.opensAt)) return 'SCHEDULED';
  if (t < Date.parse(wave.closesAt)) return 'OPEN';
  return 'CLOSED';
}

export type JoinRefusal =
  | 'not-verified'
  | 'profile-incomplete'
  | 'already-participant'
  | 'already-joined'
  | 'wave-not-open';

export interface JoinState {
  emailVerified: boolean;
  phoneVerified: boolean;
  hasProfile: boolean;
  isParticipant: boolean;
  hasJoined: boolean;
  status: WaveStatus;
}

/** The first reason a citizen may not join, in the order the citizen can act on them. */
export function joinRefusal(s: JoinState): JoinRefusal | undefined {
  if (!s.emailVerified || !s.phoneVerified) return 'not-verified';
  if (!s.hasProfile) return 'profile-incomplete';
  if (s.isParticipant) return 'already-participant';
  if (s.hasJoined) return 'already-joined';
  if (s.status !== 'OPEN') return 'wave-not-open';
  return undefined;
}
