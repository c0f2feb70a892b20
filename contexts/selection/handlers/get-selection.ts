import { httpHandler } from '#contexts/http.ts';
import { currentSelection, selectionView } from '#contexts/selection/handlers/view.ts';
import { getSelection } from '#contexts/selection/routes.ts';
import { problems } from '#platform/http/problem.ts';

export const handler = httpHandler(getSelection, async ({ params }) => {
  const record = await currentSelection(params.waveId);
  if (!record) throw problems.notFound('This wave has no selection yet.');
  return { status: 200, body: selectionView(record) };
});
