import { Duration, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type AppResources, appFunction } from '#cdk/constructs/function.ts';

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
    this.sender = appFunction(this, 'SendOutbox', {
      handler: 'notifications/send-outbox',
      uses: { email: true, sms: true },
      resources: props.resources,
      timeout: Duration.seconds(30),
      memorySize: 256,
    });
    this.failed = new Queue(this, 'FailedBatches', {
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.sender.addEventSource(
      new DynamoEventSource(props.resources.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 25,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 5,
        // A stuck record must not hold up its shard for long (codes expire in 10 minutes);
        // what is given up on is named in FailedBatches.
        maxRecordAge: Duration.hours(1),
        onFailure: new SqsDlq(this.failed),
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { type: { S: FilterRule.isEqual('Outbox') } } },
          }),
        ],
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
