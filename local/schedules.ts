import { schedules } from '#contexts/schedules.ts';
import { handlerFile } from '#platform/handlers.ts';
import { logger } from '#platform/logger.ts';
import { runWithUses } from '#platform/uses.ts';

// The local stand-in for EventBridge rules: each job on a timer with its declared
// period (SCHEDULE_SCALE shortens them, e.g. 0.01 for a demo). POST
// /_local/schedules/{name} runs one at once.
export function startSchedules(functionsDir: URL, scale = Number(process.env.SCHEDULE_SCALE ?? 1)) {
  const timers = schedules.map((schedule) =>
    setInterval(
      async () => {
        try {
          const job = (await import(new URL(handlerFile(schedule.handler), functionsDir).href)) as {
            handler: () => Promise<unknown>;
          };
          await runWithUses(schedule.uses, job.handler, schedule.handler);
        } catch (error) {
          logger.error('scheduled job failed', { schedule: schedule.name, error: String(error) });
        }
      },
      Math.max(1000, schedule.rate.minutes * 60_000 * scale),
    ).unref(),
  );
  return { stop: () => timers.forEach(clearInterval) };
}
