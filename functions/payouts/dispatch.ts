import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

// Placeholder so that the CDK app can bundle the payout queues' consumer
// (shared/queues.ts); the dispatcher itself is still to be written.
export async function handler(_event: SQSEvent): Promise<SQSBatchResponse> {
  throw new Error('not implemented');
}
