import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

// The baseline of `npm run bench:bundles`: the least a function that reads the table
// bundles, the DynamoDB document client and one GetItem. Its client is made on first
// use, as platform/store/client.ts makes ours, so both sides time the module load alone.
let db: DynamoDBDocumentClient | undefined;

export async function handler(event: { id: string }): Promise<unknown> {
  db ??= DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const out = await db.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: { PK: event.id, SK: event.id } }),
  );
  return out.Item;
}
