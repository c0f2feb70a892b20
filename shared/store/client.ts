import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/config.ts';
import { meterCalls } from '#shared/store/capacity.ts';
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
    (next, context) => (args) => {
      requireTable(context.commandName ?? '');
      return next(args);
    },
    { step: 'initialize', name: 'requireTable', priority: 'high' },
  );
  meterCalls(client);
  documentClient = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return documentClient;
}

export function tableName(): string {
  return config.tableName;
}
