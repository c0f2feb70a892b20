import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { type AppResources, appFunction, functionId } from '#cdk/constructs/function.ts';
import { schedules } from '#contexts/schedules.ts';

export interface SchedulesProps {
  resources: AppResources;
}

/** Every job of contexts/schedules.ts: a Lambda and an EventBridge rule at its rate. */
export class Schedules extends Construct {
  readonly functions: NodejsFunction[] = [];

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    for (const schedule of schedules) {
      const fn = appFunction(this, functionId(schedule.handler), {
        handler: schedule.handler,
        timeout: Duration.minutes(schedule.rate.minutes),
        uses: schedule.uses,
        resources: props.resources,
      });
      new Rule(this, `${functionId(schedule.name)}Rule`, {
        description: schedule.description,
        schedule: Schedule.rate(Duration.minutes(schedule.rate.minutes)),
        targets: [new LambdaFunction(fn, { retryAttempts: 2 })],
      });
      this.functions.push(fn);
    }
  }
}
