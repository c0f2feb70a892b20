import { registrySchedules } from '#contexts/registry/schedules.ts';
import { schedules as selectionSchedules } from '#contexts/selection/schedules.ts';

// Every scheduled job of the app, gathered from the contexts that declare them: EventBridge
// rules on AWS (cdk/constructs/schedules.ts), timers in the local stack (local/schedules.ts).
export const schedules = [...selectionSchedules, ...registrySchedules] as const;
