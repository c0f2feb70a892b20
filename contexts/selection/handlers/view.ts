import type { SelectionRecord } from '#contexts/selection/items.ts';
import { failSelection, getSelection } from '#contexts/selection/store/selection.ts';
import { clock } from '#platform/clock.ts';
import { executionStatus } from '#platform/workflows/client.ts';

/**
 * The selection record, with a RUNNING one checked against its execution: an
 * execution that ended without reaching its own failure step (timed out, aborted, or
 * lost with a local stack) is recorded as FAILED, so it can be resumed.
 */
export async function currentSelection(waveId: string): Promise<SelectionRecord | undefined> {
  const record = await getSelection(waveId);
  if (record?.status !== 'RUNNING') return record;
  const status = await executionStatus(record.executionArn).catch((error: Error) => {
    if (error.name === 'ExecutionDoesNotExist') return 'LOST' as const;
    throw error;
  });
  if (status === 'RUNNING' || status === 'SUCCEEDED') return record;
  await failSelection(waveId, `execution ${status.toLowerCase()}`, clock.now());
  return getSelection(waveId);
}

export function selectionView(record: SelectionRecord) {
  const counts = record.counts;
  return {
    waveId: record.waveId,
    status: record.status,
    seed: record.seed,
    segments: record.segments,
    executionId: record.executionId,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt ?? null,
    applicants: counts?.applicants ?? 0,
    eligible: counts?.eligible ?? 0,
    priorityEligible: counts?.priorityEligible ?? 0,
    selected: counts?.selected ?? 0,
    reservedSelected: counts?.reservedSelected ?? 0,
    notSelected: counts?.notSelected ?? 0,
    excludedByReason: counts?.excludedByReason ?? {},
    cutoffs: record.cutoffs ?? null,
    ...(record.error ? { error: record.error } : {}),
  };
}
