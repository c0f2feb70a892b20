import { Duration, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type AppResources, appFunction } from '#cdk/constructs/function.ts';
import { outboxConsumer as consumer } from '#contexts/notifications/consumers.ts';

export interface NotificationsProps {
  resources: AppResources;
  /** Encrypts the queue of failed batches (it names stream positions, not messages). */
  key: IKey;
}

/**
 * The transactional outbox's sender: a DynamoDB Streams consumer that sees only newly
 * inserted Outbox items and sends them by email (SES) or SMS (SNS).
 */
export class Notifications extends Construct {
  readonly sender: NodejsFunction;
  readonly failed: Queue;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    // Everything about the mapping comes from the shared declaration the local poller runs.
    this.sender = appFunction(this, 'SendOutbox', {
      handler: consumer.handler,
      uses: consumer.uses,
      resources: props.resources,
      timeout: Duration.seconds(consumer.timeoutSeconds),
      memorySize: consumer.memorySize,
    });
    this.failed = new Queue(this, consumer.failureQueue, {
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.sender.addEventSource(
      new DynamoEventSource(props.resources.table, {
        startingPosition: StartingPosition[consumer.startingPosition],
        batchSize: consumer.batchSize,
        reportBatchItemFailures: consumer.reportBatchItemFailures,
        bisectBatchOnError: consumer.bisectBatchOnError,
        retryAttempts: consumer.retryAttempts,
        maxRecordAge: Duration.seconds(consumer.maxRecordAgeSeconds),
        onFailure: new SqsDlq(this.failed),
        filters: [FilterCriteria.filter(consumer.filter)],
      }),
    );
    Validations.of(this.failed).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead letter of the stream consumer (its on-failure destination).',
    });
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'dynamodb:ListStreams (added by the DynamoDB event source) and the X-Ray actions have no ' +
          'resource-level permissions.',
      },
      ...['kms:GenerateDataKey*', 'kms:ReEncrypt*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason:
          'Sending to FailedBatches, encrypted with the personal-data key; the resource is that one key.',
      })),
    );
  }
}
