import { DescribeExecutionCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { payoutRun } from '#contexts/payouts/items.ts';
import { localStateMachineArn } from '#local/workflows.ts';
import { adminToken, call, stack } from '#test/support/api.ts';
import { documentClient } from '#test/support/applicants.ts';
import { seedPayables, setFaults, waitForRun } from '#test/support/payouts.ts';

// An execution stopped by an operator (or timed out at its TimeoutSeconds) runs no Catch:
// the status event Step Functions sends EventBridge takes it to the workflow's failure
// task all the same (platform/workflows/ended.ts), locally as on AWS.
const DOWN = 'gopay';
// A period of its own, before any other file's: the stopped run keeps it open (and its
// incentives staged) for good, as a stopped disbursement does.

afterAll(() => setFaults(DOWN, {}));

describe('an execution that ends without its failure path', () => {
  it('is recorded on the run by the failure task when it is stopped', async () => {
    const [admin, approver] = [await adminToken(), await adminToken('approver')];
    await seedPayables(2, '2009-03-10', [DOWN]);
    // The partner refuses everything: the disbursement waits in its progress loop.
    await setFaults(DOWN, { failureRate: 1 });
    const created = await call('POST', '/v1/admin/payout-runs', {
      token: admin,
      body: { period: '2009-03', budgetIdr: 10_000_000_000 },
      headers: { 'idempotency-key': crypto.randomUUID() },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const runId = created.body.runId as string;
    await waitForRun(admin, runId, ['AWAITING_APPROVAL']);
    const approved = await call('POST', `/v1/admin/payout-runs/${runId}/approval`, {
      token: approver,
      headers: { 'idempotency-key': crypto.randomUUID() },
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(202);

    const sfn = new SFNClient({
      region: 'ap-southeast-3',
      endpoint: stack().workflowsEndpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const executionArn = `${localStateMachineArn('payout').replace(':stateMachine:', ':execution:')}:disburse-${runId}`;
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    await sfn.send(new StopExecutionCommand({ executionArn }));
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('ABORTED');

    const db = documentClient(stack());
    await expect
      .poll(
        async () =>
          (await db.send(new GetCommand({ TableName: stack().tableName, Key: payoutRun.key({ runId }) })))
            .Item?.failure,
        { timeout: 30_000, interval: 250 },
      )
      .toMatchObject({ error: 'States.Aborted', cause: expect.stringContaining('ABORTED') });
    sfn.destroy();
  }, 120_000);
});
