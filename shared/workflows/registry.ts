import { PAYMENT_PARTNERS, payoutQueueName } from '#shared/payments/partners.ts';
import type { Uses } from '#shared/uses.ts';
import { payoutDefinition, payoutTasks } from '#shared/workflows/payout.ts';
import { selectionDefinition, selectionTasks } from '#shared/workflows/selection.ts';

export interface Workflow {
  /** The ASL definition, each Task's Resource from `resource` (a Lambda ARN on AWS); its
   *  own TimeoutSeconds (CDK's `timeout` does not reach a definition given as a string). */
  definition: (resource: (task: string) => string) => {
    Comment: string;
    TimeoutSeconds: number;
    States: Record<string, unknown>;
  };
  /** Task state name -> handler module under functions/. */
  tasks: Readonly<Record<string, string>>;
  /** Every task of a workflow runs with the workflow's declared uses (shared/uses.ts). */
  uses: Uses;
}

export type WorkflowName = 'selection' | 'payout';

/** Every workflow of the app, by name: what the CDK app deploys and the local stack runs. */
export const workflows: Record<WorkflowName, Workflow> = {
  selection: { definition: selectionDefinition, tasks: selectionTasks, uses: { table: 'write' } },
  // Enqueueing sends to every partner's disbursement queue (shared/queues.ts); Progress
  // asks the partners about a dead batch's instructions (shared/payouts/dead-letter.ts).
  payout: {
    definition: payoutDefinition,
    tasks: payoutTasks,
    uses: {
      table: 'write',
      payments: true,
      queues: Object.fromEntries(PAYMENT_PARTNERS.map((p) => [payoutQueueName(p.code), 'send' as const])),
    },
  },
};
