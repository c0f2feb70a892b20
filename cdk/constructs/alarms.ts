import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { TABLE } from '#platform/store/table.ts';

export const FIVE_MINUTES = Duration.minutes(5);

/** The runbook every alarm names: docs/runbook.md, one section per alarm kind. */
export const RUNBOOK = 'docs/runbook.md';

/** The one encrypted topic every alarm of a stage is sent to (the data stack's). */
export class AlarmTopic extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // CloudWatch can publish to an encrypted topic only with a customer key it may use.
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Prakerja alarm topic',
      enableKeyRotation: true,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true });
  }
}

/**
 * A stack's alarms, each sent to the stage's topic and naming the runbook section that
 * says what to do (`docs/runbook.md#<section>`): an alarm nobody can act on is noise.
 */
export class Alarms extends Construct {
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: { topic: ITopic }) {
    super(scope, id);
    this.action = new SnsAction(props.topic);
  }

  add(name: string, metric: IMetric, threshold: number, description: string, section: string): Alarm {
    const alarm = new Alarm(this, name, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `${description} Runbook: ${RUNBOOK}#${section}`,
    });
    alarm.addAlarmAction(this.action);
    return alarm;
  }

  /** A function that fails (an unhandled error, a timeout): tasks and consumers, whose
   *  failures no caller sees. */
  functionErrors(fn: IFunction, name: string): void {
    this.add(
      `${name}Errors`,
      fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
      1,
      `${name} failed an invocation.`,
      'function-errors',
    );
  }

  /** Executions of a workflow that failed, timed out or were aborted. */
  workflow(machine: IStateMachine, name: string): void {
    const period = { period: FIVE_MINUTES, statistic: 'Sum' };
    this.add(
      `${name}Failed`,
      machine.metricFailed(period),
      1,
      `A ${name} execution failed.`,
      'workflow-failed',
    );
    this.add(
      `${name}TimedOut`,
      machine.metricTimedOut(period),
      1,
      `A ${name} execution reached its TimeoutSeconds.`,
      'workflow-failed',
    );
  }

  /** Messages in a queue where something was given up on. */
  deadLetters(queue: IQueue, name: string, section = 'dead-letters'): void {
    this.add(
      `${name}Waiting`,
      queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      1,
      `Work was given up on: messages in ${name}.`,
      section,
    );
  }

  /** A queue whose oldest message has waited `seconds`: its consumer is stuck or its
   *  partner down. */
  oldestMessage(queue: IQueue, name: string, seconds: number, section = 'queue-age'): void {
    this.add(
      `${name}OldestMessage`,
      queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      seconds,
      `The oldest message of ${name} has waited ${seconds / 60} minutes.`,
      section,
    );
  }

  /** Read and write throttle events of the table and every GSI, summed. */
  tableThrottles(table: ITable): void {
    const usingMetrics: Record<string, IMetric> = {};
    const dimensions = [
      { TableName: table.tableName },
      ...TABLE.indexes.map((i) => ({ TableName: table.tableName, GlobalSecondaryIndexName: i.name })),
    ];
    dimensions.forEach((dimensionsMap, i) => {
      for (const name of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
        usingMetrics[`${name === 'ReadThrottleEvents' ? 'r' : 'w'}${i}`] = new Metric({
          namespace: 'AWS/DynamoDB',
          metricName: name,
          dimensionsMap,
          statistic: 'Sum',
          period: FIVE_MINUTES,
        });
      }
    });
    this.add(
      'TableThrottles',
      new MathExpression({
        // SUM over a list counts a series with no data point (no throttling) as nothing.
        expression: `SUM([${Object.keys(usingMetrics).join(', ')}])`,
        usingMetrics,
        period: FIVE_MINUTES,
        label: 'Throttle events',
      }),
      1,
      'DynamoDB throttled requests on the table or an index: a hot partition or the table quota.',
      'table-throttles',
    );
  }

  /** One alarm on the account's Lambda throttles (the metric without a dimension sums
   *  every function): the function to raise concurrency for is named by its own metric. */
  lambdaThrottles(): void {
    this.add(
      'LambdaThrottles',
      new Metric({
        namespace: 'AWS/Lambda',
        metricName: 'Throttles',
        period: FIVE_MINUTES,
        statistic: 'Sum',
      }),
      1,
      "Lambda throttled invocations: the account's concurrency or a reservation is exhausted.",
      'lambda-throttles',
    );
  }

  /** SES's account reputation: past 5% bounces or 0.1% complaints SES reviews the account,
   *  and at twice that may pause its sending (every sign-up code with it). */
  emailReputation(): void {
    const rate = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Maximum' });
    this.add(
      'SesBounceRate',
      rate('Reputation.BounceRate'),
      0.04,
      'SES bounce rate reached 4%.',
      'ses-reputation',
    );
    this.add(
      'SesComplaintRate',
      rate('Reputation.ComplaintRate'),
      0.0008,
      'SES complaint rate reached 0.08%.',
      'ses-reputation',
    );
  }

  /** SMS spend against the account's monthly SNS limit: at the limit SNS stops sending. */
  smsSpend(monthlyLimitUsd: number): void {
    this.add(
      'SmsSpend',
      new Metric({
        namespace: 'AWS/SNS',
        metricName: 'SMSMonthToDateSpentUSD',
        period: Duration.hours(1),
        statistic: 'Maximum',
      }),
      monthlyLimitUsd * 0.8,
      `SMS spend reached 80% of the month's USD ${monthlyLimitUsd} limit.`,
      'sms-spend',
    );
  }
}
