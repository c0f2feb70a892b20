import { failSelection } from '#contexts/selection/store/selection.ts';
import { clock } from '#platform/clock.ts';
import { recordsEndedExecutions } from '#platform/workflows/ended.ts';
import { workflowTask } from '#platform/workflows/task.ts';

// Caught by the state machine when a step fails for good, or sent the status event of an
// execution that timed out or was stopped (platform/workflows/ended.ts): the record says
// FAILED and why; the wave stays SELECTING and the lock held until the selection is resumed.
export const handler = recordsEndedExecutions(
  workflowTask(
    'record-failure',
    async ({ waveId, error }: { waveId: string; error?: { Error?: string; Cause?: string } }) => {
      await failSelection(waveId, `${error?.Error ?? 'Error'}: ${error?.Cause ?? ''}`, clock.now());
      return { waveId, status: 'FAILED' };
    },
    (input) => ({ waveId: input.waveId }),
  ),
);
