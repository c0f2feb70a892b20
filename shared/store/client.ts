import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/config.ts';
import { tracer } from '#shared/observability.ts';
import { recordCall, recordCapacity } from '#shared/store/capacity.ts';
import { requireTable } from '#shared/uses.ts';

let documentClient: DynamoDBDocumentClient | undefined;

/** One client per container, created on first use. */
export function db(): DynamoDBDocumentClient {
  if (documentClient) return documentClient;
  const client = new DynamoDBClient({
    region: config.region,
    ...(config.dynamoEndpoint
      ? { endpoint: config.dynamoEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    maxAttempts: 5,
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      requireTable(context.commandName ?? '');
      recordCall();
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity ??= 'TOTAL';
      const out = await next(args);
      recordCapacity(
        context.commandName ?? '',
        (out.output as { ConsumedCapacity?: never }).ConsumedCapacity,
      );
      return out;
    },
    { step: 'initialize', name: 'consumedCapacity' },
  );
  tracer.captureAWSv3Client(client);
  documentClient = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return documentClient;
}

export function tableName(): string {
  return config.tableName;
}
