import { Duration, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type AppResources, appFunction, functionId } from '#cdk/constructs/function.ts';
import { dlqName, type QueueConsumer } from '#platform/queues.ts';

export interface QueuesProps {
  consumers: readonly QueueConsumer[];
  resources: AppResources;
  /** Encrypts the queues and their DLQs (payout instructions name people and accounts). */
  key: IKey;
}

/**
 * The declared queue consumers (platform/queues.ts), as local/queues.ts runs them: per
 * consumer a queue with its DLQ (redrive after maxReceiveCount) and a function fed by an
 * SQS event source mapping with the declared batch size, maximum concurrency, batching
 * window and partial batch responses.
 */
export class Queues extends Construct {
  /** Queue name -> queue, for the functions that send to it or count it (AppResources.queues);
   *  each DLQ under its own name (dlqName) too. */
  readonly queues = new Map<string, IQueue>();
  readonly deadLetters: Queue[] = [];
  readonly functions: NodejsFunction[] = [];
  private readonly byHandler = new Map<string, { fn: NodejsFunction; consumer: QueueConsumer }>();

  constructor(scope: Construct, id: string, props: QueuesProps) {
    super(scope, id);
    for (const consumer of props.consumers) {
      if (this.queues.has(consumer.queue) || this.queues.has(dlqName(consumer.queue)))
        throw new Error(`queue ${consumer.queue} has two consumers`);
      // Lambda's event source mapping refuses a maximum concurrency below 2.
      if (consumer.maxConcurrency < 2)
        throw new Error(`${consumer.queue}: maxConcurrency must be at least 2`);
      if (consumer.visibilityTimeoutSeconds < consumer.timeoutSeconds)
        throw new Error(`${consumer.queue}: the visibility timeout must cover the function's timeout`);
      const name = functionId(consumer.queue);
      const dlq = new Queue(this, functionId(dlqName(consumer.queue)), {
        encryptionMasterKey: props.key,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(dlq).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: `This queue is itself the dead-letter queue of ${consumer.queue}.`,
      });
      const queue = new Queue(this, name, {
        encryptionMasterKey: props.key,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(consumer.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: dlq, maxReceiveCount: consumer.maxReceiveCount },
      });
      this.queues.set(consumer.queue, queue);
      this.queues.set(dlqName(consumer.queue), dlq);
      this.deadLetters.push(dlq);
    }
    // The queues first: a consumer may send to a queue (its own: a throttled notice is
    // queued again with a delay, contexts/notifications/handlers/send-notices.ts).
    const resources = {
      ...props.resources,
      queues: new Map([...(props.resources.queues ?? []), ...this.queues]),
    };
    for (const consumer of props.consumers) {
      const fn = this.consumerFunction(consumer, resources);
      fn.addEventSource(
        new SqsEventSource(this.queues.get(consumer.queue) as Queue, {
          batchSize: consumer.batchSize,
          maxConcurrency: consumer.maxConcurrency,
          reportBatchItemFailures: true,
          ...(consumer.maxBatchingWindowSeconds
            ? { maxBatchingWindow: Duration.seconds(consumer.maxBatchingWindowSeconds) }
            : {}),
        }),
      );
    }
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'The X-Ray actions of the consumer functions have no resource-level permissions.',
    });
  }

  /**
   * One function per handler module, with a mapping per queue: the mapping's maximum
   * concurrency bounds each queue (as the local poller does), and the stack stays below
   * CloudFormation's 500 resources (a function is five: itself, role, policy, logs, alarm).
   * Consumers that share a handler must agree on what the function is.
   */
  private consumerFunction(consumer: QueueConsumer, resources: AppResources): NodejsFunction {
    const known = this.byHandler.get(consumer.handler);
    if (known) {
      const same = (c: QueueConsumer) => JSON.stringify([c.timeoutSeconds, c.memorySize, c.uses]);
      if (same(known.consumer) !== same(consumer))
        throw new Error(
          `${consumer.queue}: consumers of ${consumer.handler} differ in timeout, memory or uses`,
        );
      return known.fn;
    }
    const fn = appFunction(this, functionId(consumer.handler), {
      handler: consumer.handler,
      uses: consumer.uses,
      resources,
      timeout: Duration.seconds(consumer.timeoutSeconds),
      memorySize: consumer.memorySize,
    });
    this.byHandler.set(consumer.handler, { fn, consumer });
    this.functions.push(fn);
    return fn;
  }
}
