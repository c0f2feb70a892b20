import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Alarms, AlarmTopic } from '#cdk/constructs/alarms.ts';
import { Data } from '#cdk/constructs/data.ts';
import { Keys } from '#cdk/constructs/keys.ts';
import { PaymentPartners } from '#cdk/constructs/payment-partners.ts';
import { CivilRegistry } from '#cdk/constructs/registry.ts';

export interface DataStackProps extends StackProps {
  /** Base URL of each payment partner's disbursement API, by code. */
  paymentPartnerEndpoints: Record<string, string>;
  /** Base URL of the civil registry's NIK verification API. */
  registryEndpoint: string;
  /** The account's monthly SNS SMS spend limit in USD (docs/runbook.md). */
  smsSpendLimitUsd: number;
}

/**
 * The stage's state, apart from everything that can be rebuilt: the table, the personal
 * data key, the key material and the partners' credentials, and the alarm topic every
 * stack reports to. Termination protection on, and every resource retained: no deploy of
 * another stack can replace or remove them.
 */
export class DataStack extends Stack {
  readonly keys: Keys;
  readonly data: Data;
  readonly payments: PaymentPartners;
  readonly registry: CivilRegistry;
  readonly alarmTopic: AlarmTopic;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, {
      ...props,
      terminationProtection: true,
      description: 'Prakerja: the table, keys and secrets of a stage (stateful; termination protected)',
    });
    this.keys = new Keys(this, 'Keys');
    this.data = new Data(this, 'Data', { key: this.keys.key });
    this.payments = new PaymentPartners(this, 'PaymentPartners', {
      key: this.keys.key,
      endpoints: props.paymentPartnerEndpoints,
    });
    this.registry = new CivilRegistry(this, 'CivilRegistry', {
      key: this.keys.key,
      endpoint: props.registryEndpoint,
    });
    this.alarmTopic = new AlarmTopic(this, 'Alarms');
    const alarms = new Alarms(this, 'AccountAlarms', { topic: this.alarmTopic.topic });
    alarms.tableThrottles(this.data.table);
    alarms.lambdaThrottles();
    alarms.emailReputation();
    alarms.smsSpend(props.smsSpendLimitUsd);
  }
}
