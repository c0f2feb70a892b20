import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/config.ts';

let documentClient: DynamoDBDocumentClient | undefined;

/** One client per container, created on first use. */
export function db(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: config.region,
      ...(config.dynamoEndpoint
        ? { endpoint: config.dynamoEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
        : {}),
      maxAttempts: 5,
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  return documentClient;
}

export function tableName(): string {
  return config.tableName;
}
