// The registry's scheduled job: PENDING checks past their sweep time are put on the queue
// again (a send lost after the profile's transaction, a message dead-lettered after a
// long outage). Declared once, as every schedule (contexts/schedules.ts).
export const registrySchedules = [
  {
    name: 'resend-registry-checks',
    handler: 'registry/sweep-checks',
    description: 'Send again the civil-registry checks still PENDING past their sweep time',
    rate: { minutes: 5 },
    uses: {
      items: { registryCheck: ['read', 'update'] },
      indexes: { GSI1: 'query' },
      queues: { 'registry-checks': 'send' },
    },
  },
] as const;
