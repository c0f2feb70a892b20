/** What a test names of a wave; the rest is wave 1's scheme (docs/domain.md). */
export interface WaveFields {
  name: string;
  opensAt: string;
  closesAt: string;
  quota?: number;
  reservedQuota?: number;
  purchaseDeadlineDays?: number;
  /** Months of post-training incentive: 4 in the programme, 1 where a test pays one. */
  incentiveMonths?: number;
}

/** The body of `POST /v1/admin/waves`: a quota of 10, 15 days to buy, wave 1's amounts. */
export function waveBody({
  incentiveMonths = 1,
  quota = 10,
  purchaseDeadlineDays = 15,
  ...fields
}: WaveFields) {
  return {
    ...fields,
    quota,
    purchaseDeadlineDays,
    scheme: {
      trainingBalanceIdr: 3_500_000,
      incentiveIdr: 600_000,
      incentiveMonths,
      surveyIncentiveIdr: 50_000,
      surveyCount: 2,
    },
  };
}
