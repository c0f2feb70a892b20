import { currentSelection, selectionView } from '#functions/selection/view.ts';
import { getSelection } from '#shared/contracts/selection.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { problems } from '#shared/http/problem.ts';

export const handler = httpHandler(getSelection, async ({ params }) => {
  const record = await currentSelection(params.waveId);
  if (!record) throw problems.notFound('This wave has no selection yet.');
  return { status: 200, body: selectionView(record) };
});
