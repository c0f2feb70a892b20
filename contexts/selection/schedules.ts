// Scheduled jobs, declared once: EventBridge rules on AWS (cdk/constructs/schedules.ts),
// a timer in the local stack (local/schedules.ts); both run the handler on the backend's
// clock. Waves need no job to open or close: their status follows from the clock and
// their window (contexts/waves/rules/waves.ts), so they open and close on the second.
export const schedules = [
  {
    name: 'revoke-missed-deadlines',
    handler: 'selection/revoke-missed-deadlines',
    description: 'Revoke participants who bought no course by their deadline',
    /** EventBridge schedule expression; the local timer uses the same period. */
    rate: { minutes: 15 },
    // Participants past their deadline from the due index (GSI1): each revoked with its
    // ledger entry, flag, notice and its quota back to the pool.
    uses: {
      items: {
        participant: 'update',
        ledgerEntry: 'put',
        nikFlags: 'update',
        outbox: 'put',
        quotaPool: 'update',
      },
      indexes: { GSI1: 'query' },
    },
  },
] as const;

export type ScheduleName = (typeof schedules)[number]['name'];
