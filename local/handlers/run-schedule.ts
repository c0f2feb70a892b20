import { httpHandler } from '#contexts/http.ts';
import { schedules } from '#contexts/schedules.ts';
import { runSchedule } from '#local/routes.ts';
import { handlerFile } from '#platform/handlers.ts';
import { problems } from '#platform/http/problem.ts';
import { runWithUses } from '#platform/uses.ts';

export const handler = httpHandler(runSchedule, async ({ params }) => {
  const schedule = schedules.find((s) => s.name === params.name);
  if (!schedule) throw problems.notFound('No such schedule.');
  const job = (await import(`../../${handlerFile(schedule.handler)}`)) as {
    handler: () => Promise<Record<string, unknown>>;
  };
  // Run as the schedule's own function would, with its declared uses.
  return { status: 200, body: await runWithUses(schedule.uses, job.handler, schedule.handler) };
});
