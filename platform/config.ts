// Configuration comes from the environment, set by the CDK stack on AWS and by
// local/stack.ts on one machine. Nothing else in a handler knows where it runs.
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`missing environment variable ${name}`);
  return value;
}

export const config = {
  get tableName(): string {
    return required('TABLE_NAME');
  },
  /** Set only locally: the DynamoDB Local endpoint. */
  get dynamoEndpoint(): string | undefined {
    return process.env.DYNAMODB_ENDPOINT;
  },
  get region(): string {
    return process.env.AWS_REGION ?? 'ap-southeast-3';
  },
  /** Secrets Manager ARN of the key material on AWS; locally the keys come from env. */
  get secretsArn(): string | undefined {
    return process.env.SECRETS_ARN;
  },
  /** Set only locally: the local Step Functions endpoint (local/workflows.ts). */
  get sfnEndpoint(): string | undefined {
    return process.env.SFN_ENDPOINT;
  },
  /** Set only locally: the SES v2 and SNS stand-ins (local/notifications.ts). */
  get sesEndpoint(): string | undefined {
    return process.env.SES_ENDPOINT;
  },
  get snsEndpoint(): string | undefined {
    return process.env.SNS_ENDPOINT;
  },
  /** Base URL of each payment partner's disbursement API, by code (contexts/payouts/payments/https.ts). */
  get paymentPartnerEndpoints(): Record<string, string> {
    const text = process.env.PAYMENT_PARTNER_ENDPOINTS;
    if (!text) throw new Error('missing environment variable PAYMENT_PARTNER_ENDPOINTS');
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null)
      throw new Error('PAYMENT_PARTNER_ENDPOINTS is not an object');
    return Object.fromEntries(Object.entries(parsed).filter(([, url]) => typeof url === 'string'));
  },
  /** Secrets Manager ARN of the programme's keys per payment partner on AWS; locally
   *  they come from PAYMENT_PARTNER_KEYS. */
  get paymentPartnersSecretArn(): string | undefined {
    return process.env.PAYMENT_PARTNERS_SECRET_ARN || undefined;
  },
  /** How long a payment partner may take to answer before the call is a PartnerTimeout. */
  get paymentTimeoutMs(): number {
    const value = Number(process.env.PAYMENT_TIMEOUT_MS);
    return Number.isFinite(value) && value > 0 ? value : 5000;
  },
  /** Set only locally: the payment-partner simulator's root (its /_control interface). */
  get paymentSimulatorEndpoint(): string | undefined {
    return process.env.PAYMENT_SIMULATOR_ENDPOINT;
  },
  /** Base URL of the civil registry's NIK verification API (contexts/registry/https.ts). */
  get registryEndpoint(): string {
    return required('REGISTRY_ENDPOINT');
  },
  /** Secrets Manager ARN of the programme's key at the registry on AWS; locally REGISTRY_KEY. */
  get registrySecretArn(): string | undefined {
    return process.env.REGISTRY_SECRET_ARN || undefined;
  },
  get registryTimeoutMs(): number {
    const value = Number(process.env.REGISTRY_TIMEOUT_MS);
    return Number.isFinite(value) && value > 0 ? value : 5000;
  },
  get selectionStateMachineArn(): string {
    return required('SELECTION_STATE_MACHINE_ARN');
  },
  get payoutStateMachineArn(): string {
    return required('PAYOUT_STATE_MACHINE_ARN');
  },
  /** Seconds between the payout workflow's looks at a disbursing run's progress (at most
   *  60: the loop's bound of 720 looks is then 12 hours, contexts/payouts/workflow.ts). */
  get payoutPollSeconds(): number {
    return Number(process.env.PAYOUT_POLL_SECONDS ?? 60);
  },
  /** Set only locally: fauxqs (local/engines.ts). */
  get sqsEndpoint(): string | undefined {
    return process.env.SQS_ENDPOINT;
  },
  /** The URL of a queue (platform/queues.ts) the function declared it sends to. */
  queueUrl(name: string): string {
    return required(queueUrlVariable(name));
  },
};

/** The environment variable naming a queue's URL: `payouts-bni` -> `PAYOUTS_BNI_QUEUE_URL`. */
export function queueUrlVariable(name: string): string {
  return `${name.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}_QUEUE_URL`;
}

/** An AWS client's options: the region, and a local endpoint with dummy credentials if one is set. */
export function clientOptions(endpoint: string | undefined) {
  return {
    region: config.region,
    ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  };
}
