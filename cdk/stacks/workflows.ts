import { Stack, type StackProps } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { Alarms, FIVE_MINUTES } from '#cdk/constructs/alarms.ts';
import type { AppResources } from '#cdk/constructs/function.ts';
import { Notifications } from '#cdk/constructs/notifications.ts';
import { Queues } from '#cdk/constructs/queues.ts';
import { Schedules } from '#cdk/constructs/schedules.ts';
import { Workflows } from '#cdk/constructs/workflows.ts';
import { queueConsumers } from '#contexts/consumers.ts';
import { outboxConsumer } from '#contexts/notifications/consumers.ts';
import { noticeQueues } from '#contexts/notifications/queues.ts';
import { payoutQueues } from '#contexts/payouts/queues.ts';
import { REGISTRY_QUEUE, registryQueue } from '#contexts/registry/queues.ts';
import { dlqName } from '#platform/queues.ts';

export interface WorkflowsStackProps extends StackProps {
  resources: AppResources;
  /** Encrypts the queues (payout instructions name people and accounts). */
  key: IKey;
  alarmTopic: ITopic;
}

/** A payout queue's oldest message is late after this: a partner is down or its consumer
 *  stuck. Redeliveries back off for 6 hours before a batch is given up on (platform/queues.ts),
 *  so this fires well before, and a planned maintenance window of a bank trips it. */
const PAYOUT_QUEUE_AGE_SECONDS = 2 * 3600;
/** A check older than this: citizens wait for their verification (and a draw leaves them out). */
const REGISTRY_QUEUE_AGE_SECONDS = 30 * 60;
/** A bulk notice has waited this long: at the quota the runbook asks for, a 6-million
 *  draw's notices leave in under 2 hours (docs/notifications.md); past 6 the senders are
 *  stuck, throttled or refused, and selection results reach people a day late. */
const NOTICE_QUEUE_AGE_SECONDS = 6 * 3600;
/** The stream sender is behind after this: sign-up codes (valid 10 minutes) arrive late. */
const STREAM_ITERATOR_AGE_MS = 5 * 60 * 1000;

/**
 * The work no request waits for: the workflows (selection, payout runs) with their task
 * functions, the queues and their consumers, the scheduled jobs and the stream's sender,
 * each with the alarms that say when it stops.
 */
export class WorkflowsStack extends Stack {
  readonly queues: Queues;
  readonly workflows: Workflows;
  readonly schedules: Schedules;
  readonly notifications: Notifications;

  constructor(scope: Construct, id: string, props: WorkflowsStackProps) {
    super(scope, id, {
      ...props,
      description: 'Prakerja: workflows, queues, schedules and the notice sender',
    });
    // Queues first: workflow tasks that send to them are granted them.
    this.queues = new Queues(this, 'Queues', {
      consumers: queueConsumers,
      resources: props.resources,
      key: props.key,
    });
    const resources = { ...props.resources, queues: this.queues.queues };
    this.workflows = new Workflows(this, 'Workflows', { resources });
    this.schedules = new Schedules(this, 'Schedules', { resources });
    this.notifications = new Notifications(this, 'Notifications', { resources, key: props.key });

    const alarms = new Alarms(this, 'Alarms', { topic: props.alarmTopic });
    for (const [name, machine] of this.workflows.machines) alarms.workflow(machine, `${name}Workflow`);
    for (const fn of [
      ...this.workflows.functions,
      ...this.queues.functions,
      ...this.schedules.functions,
      this.notifications.sender,
    ])
      alarms.functionErrors(fn, fn.node.id);
    const noticeDlqs = new Set(noticeQueues.map((c) => this.queues.queues.get(dlqName(c.queue))));
    for (const queue of [...this.queues.deadLetters, this.notifications.failed])
      alarms.deadLetters(
        queue,
        queue.node.id,
        noticeDlqs.has(queue) ? 'notices-dead-letters' : 'dead-letters',
      );
    for (const consumer of noticeQueues)
      alarms.oldestMessage(
        this.queues.queues.get(consumer.queue)!,
        consumer.queue,
        NOTICE_QUEUE_AGE_SECONDS,
        'notice-backlog',
      );
    for (const consumer of payoutQueues)
      alarms.oldestMessage(this.queues.queues.get(consumer.queue)!, consumer.queue, PAYOUT_QUEUE_AGE_SECONDS);
    // The registry's checks wait: an outage or a rate below the rush's (docs/registry.md).
    alarms.add(
      'RegistryChecksOldestMessage',
      this.queues.queues
        .get(REGISTRY_QUEUE)!
        .metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      REGISTRY_QUEUE_AGE_SECONDS,
      `A civil-registry check has waited ${REGISTRY_QUEUE_AGE_SECONDS / 60} minutes (retries go on for ` +
        `${registryQueue.maxReceiveCount} deliveries, about six hours).`,
      'registry-checks',
    );
    alarms.add(
      'OutboxIteratorAge',
      this.notifications.sender.metric('IteratorAge', { period: FIVE_MINUTES, statistic: 'Maximum' }),
      STREAM_ITERATOR_AGE_MS,
      `The notice sender is ${STREAM_ITERATOR_AGE_MS / 60_000} minutes behind the table's stream ` +
        `(records are given up on at ${outboxConsumer.maxRecordAgeSeconds / 60} minutes).`,
      'stream-iterator-age',
    );
  }
}
