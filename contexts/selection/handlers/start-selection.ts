import { httpHandler } from '#contexts/http.ts';
import { countPendingApplicants } from '#contexts/registry/store/checks.ts';
import { currentSelection } from '#contexts/selection/handlers/view.ts';
import type { SelectionRecord } from '#contexts/selection/items.ts';
import { startSelection } from '#contexts/selection/routes.ts';
import { MAX_SEGMENTS } from '#contexts/selection/store/applicants.ts';
import { beginSelection, SelectionRefused } from '#contexts/selection/store/selection.ts';
import type { SelectionInput } from '#contexts/selection/workflow.ts';
import { waveStatus } from '#contexts/waves/rules/waves.ts';
import { getWave } from '#contexts/waves/store/waves.ts';
import { clock } from '#platform/clock.ts';
import { config } from '#platform/config.ts';
import { Problem, problems } from '#platform/http/problem.ts';
import { startExecution } from '#platform/workflows/client.ts';

const REFUSALS = {
  'already-announced': 'The selection of this wave is announced.',
  'selection-exists': 'This wave has a selection running, or one that failed with another seed.',
  'selection-running': "Another wave's selection is running; one runs at a time.",
} as const;

export const handler = httpHandler(startSelection, async ({ params, body, principal }) => {
  const wave = await getWave(params.waveId);
  if (!wave) throw problems.notFound('No such wave.');
  const now = clock.now();
  const previous = await currentSelection(wave.waveId);
  if (wave.stage === 'ANNOUNCED') throw new Problem('already-announced', REFUSALS['already-announced']);
  if (previous?.status === 'RUNNING')
    throw new Problem('selection-running', "This wave's selection is running.");
  if (previous && previous.seed !== body.seed)
    throw new Problem('seed-mismatch', 'A failed selection resumes with the seed it started with.', {
      extensions: { seed: previous.seed },
    });
  if (!previous && waveStatus(wave, now) !== 'CLOSED')
    throw new Problem('wave-not-closed', 'Selection starts once the wave has closed.');
  // An applicant still waiting for the registry would be screened out: a registry outage
  // must not exclude people silently. The operator waits, or accepts it on the record.
  const pending = await countPendingApplicants(wave.waveId);
  if (pending > 0 && !body.acceptPending)
    throw new Problem(
      'registry-checks-pending',
      `${pending} applicants of this wave still wait for their civil-registry check; a draw now would screen them out. Wait for the checks (runbook: Registry checks), or start with acceptPending: true.`,
      { extensions: { pending } },
    );

  const attempt = (previous?.attempt ?? 0) + 1;
  const executionId = `${wave.waveId}-${attempt}`.slice(0, 80);
  const stateMachineArn = config.selectionStateMachineArn;
  const record: SelectionRecord = {
    waveId: wave.waveId,
    seed: body.seed,
    segments: body.segments,
    status: 'RUNNING',
    executionId,
    executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionId}`,
    attempt,
    startedAt: now.toISOString(),
    startedBy: principal.accountId,
  };
  try {
    await beginSelection(record);
  } catch (error) {
    if (error instanceof SelectionRefused)
      throw new Problem(
        error.reason === 'selection-exists' ? 'selection-running' : error.reason,
        REFUSALS[error.reason],
      );
    throw error;
  }
  const segments = Math.min(body.segments, MAX_SEGMENTS);
  const input: SelectionInput = {
    waveId: wave.waveId,
    seed: body.seed,
    run: attempt,
    segments,
    segmentList: Array.from({ length: segments }, (_, i) => i),
    pageSize: body.pageSize,
    pagesPerCall: body.pagesPerCall,
  };
  await startExecution(stateMachineArn, executionId, input);
  return {
    status: 202,
    body: { executionId, waveId: wave.waveId, seed: body.seed, status: 'RUNNING' as const },
    // On the record: how many were left to the registry-unverified stage, by whose choice.
    audit: { pendingRegistryChecks: pending, acceptPending: body.acceptPending },
  };
});
