import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TABLE } from '#shared/store/table.ts';

export interface ObservabilityProps {
  api: RestApi;
  functions: IFunction[];
  table: Table;
  /** Queues where a message means something was given up on. */
  deadLetters: IQueue[];
}

const FIVE_MINUTES = Duration.minutes(5);

/** Alarms on what users would notice, all sent to one encrypted topic. */
export class Observability extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    // CloudWatch can publish to an encrypted topic only with a customer key it may use.
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Prakerja alarm topic',
      enableKeyRotation: true,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true });
    const action = new SnsAction(this.topic);
    const alarm = (name: string, metric: IMetric, threshold: number, description: string) => {
      new Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      }).addAlarmAction(action);
    };

    alarm(
      'Api5xx',
      props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
      5,
      'The API answered 5xx: a handler failed (bad input is always a 4xx problem).',
    );
    // One alarm on the account's Lambda throttles (the metric without a dimension sums
    // every function): one per function would cost ~60 of the stack's 500 resources; the
    // function to raise concurrency for is named by the per-function metric it sums.
    alarm(
      'LambdaThrottles',
      new Metric({
        namespace: 'AWS/Lambda',
        metricName: 'Throttles',
        period: FIVE_MINUTES,
        statistic: 'Sum',
      }),
      1,
      `Lambda throttled invocations of one of the ${props.functions.length} functions (see each one's Throttles metric).`,
    );
    alarm(
      'TableThrottles',
      tableThrottles(props.table),
      1,
      'DynamoDB throttled requests on the table or an index: a hot partition.',
    );
    for (const queue of props.deadLetters) {
      alarm(
        `${queue.node.id}Waiting`,
        queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        1,
        `Work was given up on: see ${queue.node.path}.`,
      );
    }
  }
}

/** Read and write throttle events of the table and every GSI, summed. */
function tableThrottles(table: Table): MathExpression {
  const usingMetrics: Record<string, IMetric> = {};
  const dimensions = [
    { TableName: table.tableName },
    ...TABLE.indexes.map((i) => ({ TableName: table.tableName, GlobalSecondaryIndexName: i.name })),
  ];
  dimensions.forEach((dimensionsMap, i) => {
    for (const name of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
      usingMetrics[`${name === 'ReadThrottleEvents' ? 'r' : 'w'}${i}`] = table.metric(name, {
        dimensionsMap,
        statistic: 'Sum',
        period: FIVE_MINUTES,
      });
    }
  });
  return new MathExpression({
    // SUM over a list counts a series with no data point (no throttling) as nothing.
    expression: `SUM([${Object.keys(usingMetrics).join(', ')}])`,
    usingMetrics,
    period: FIVE_MINUTES,
    label: 'Throttle events',
  });
}
