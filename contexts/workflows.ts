import { PAYMENT_PARTNERS, payoutQueueName } from '#contexts/payouts/payments/partners.ts';
import { payoutDefinition, payoutTasks } from '#contexts/payouts/workflow.ts';
import { selectionDefinition, selectionTasks } from '#contexts/selection/workflow.ts';
import type { Uses } from '#platform/uses.ts';

export interface Workflow {
  /** The ASL definition, each Task's Resource from `resource` (a Lambda ARN on AWS); its
   *  own TimeoutSeconds (CDK's `timeout` does not reach a definition given as a string). */
  definition: (resource: (task: string) => string) => {
    Comment: string;
    TimeoutSeconds: number;
    States: Record<string, unknown>;
  };
  /** Task state name -> handler module (platform/handlers.ts). */
  tasks: Readonly<Record<string, string>>;
  /** Every task of a workflow runs with the workflow's declared uses (platform/uses.ts). */
  uses: Uses;
  /** The task that records a failure: every Catch ends there, and so does an execution
   *  that timed out or was stopped (platform/workflows/ended.ts). */
  failureTask: string;
}

export type WorkflowName = 'selection' | 'payout';

/** Every workflow of the app, by name: what the CDK app deploys and the local stack runs. */
export const workflows: Record<WorkflowName, Workflow> = {
  // Screening reads the applicant index (GSI2) and the NIK flags and writes draw pages;
  // the cut reads them back; announcing issues participants (card, family count, "was a
  // participant" flag, first ledger entry, outbox) and outcomes; finishing releases the lock.
  selection: {
    definition: selectionDefinition,
    tasks: selectionTasks,
    failureTask: 'RecordFailure',
    uses: {
      items: {
        wave: ['read', 'update'],
        selection: 'update',
        selectionLock: 'delete',
        drawPage: ['read', 'put'],
        drawSummary: ['read', 'put'],
        // Only an identity the civil registry verified is drawn (contexts/registry).
        registryCheck: 'read',
        familyCard: ['read', 'update'],
        nikFlags: ['read', 'update'],
        outcome: ['read', 'put-many'],
        participant: 'put',
        card: 'put',
        ledgerEntry: 'put',
        outbox: 'put',
      },
      indexes: { GSI2: 'query' },
    },
  },
  // Enqueueing sends to every partner's disbursement queue (platform/queues.ts); Progress
  // asks the partners about a dead batch's instructions (contexts/payouts/dead-letter.ts).
  payout: {
    definition: payoutDefinition,
    tasks: payoutTasks,
    failureTask: 'RecordFailure',
    // Staging reads the due incentives (GSI1) and their payout accounts and writes the
    // run's batches and instructions (a run over its budget is rejected, audited); the
    // later steps read the batches and update the run.
    uses: {
      items: {
        payoutRun: ['read', 'update'],
        // A run that ends releases its period (contexts/payouts/store/payouts.ts moveRunWith).
        payoutPeriodMarker: ['read', 'delete'],
        payoutBatch: ['read', 'put', 'update'],
        // Each staging shard's share of the budget and what it claimed (contexts/payouts/store/payout-staging.ts).
        payoutStageShard: ['read', 'put', 'update'],
        // A dead batch's instructions: settled as the partner says (paid, with its entry
        // and ledger line) or handed back to due, with an audit line per look.
        payoutInstruction: ['read', 'put', 'update'],
        payoutEntry: 'put',
        incentive: 'update',
        payoutAccount: 'read',
        partner: 'read',
        partnerCode: 'read',
        auditRecord: 'put',
      },
      indexes: { GSI1: 'query' },
      payments: true,
      queues: Object.fromEntries(PAYMENT_PARTNERS.map((p) => [payoutQueueName(p.code), 'send' as const])),
    },
  },
};

// Tells the platform's `uses` the names (see uses.ts `Catalogue`).
type Names = WorkflowName;
declare module '#platform/uses.ts' {
  interface Catalogue {
    workflowName: Names;
  }
}
