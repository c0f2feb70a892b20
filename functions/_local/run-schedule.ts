import { runSchedule } from '#shared/contracts/local.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { problems } from '#shared/http/problem.ts';
import { schedules } from '#shared/schedules.ts';
import { runWithUses } from '#shared/uses.ts';

export const handler = httpHandler(runSchedule, async ({ params }) => {
  const schedule = schedules.find((s) => s.name === params.name);
  if (!schedule) throw problems.notFound('No such schedule.');
  const job = (await import(`../${schedule.handler}.ts`)) as {
    handler: () => Promise<Record<string, unknown>>;
  };
  // Run as the schedule's own function would, with its declared uses.
  return { status: 200, body: await runWithUses(schedule.uses, job.handler, schedule.handler) };
});
