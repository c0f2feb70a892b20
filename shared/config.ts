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
  get selectionStateMachineArn(): string {
    return required('SELECTION_STATE_MACHINE_ARN');
  },
  /** Set only locally: fauxqs (local/engines.ts). */
  get sqsEndpoint(): string | undefined {
    return process.env.SQS_ENDPOINT;
  },
  /** The URL of a queue (shared/queues.ts) the function declared it sends to. */
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
