/**
 * Where CLI commands read and write state: the embedded store under --data (through a running
 * monitor when one holds the folder), or a deployed table (--table).
 */
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoResultStore } from '../adapters/dynamodb.js';
import { startEmbeddedDynamoDB } from '../adapters/local/embedded-dynamodb.js';

export interface OpenStore {
  readonly store: DynamoResultStore;
  close(): Promise<void>;
}

export async function openStore(options: { dataDir: string; table?: string | undefined }): Promise<OpenStore> {
  if (options.table) {
    // The deployed stack's table, with the usual AWS credentials and region from the environment.
    const client = new DynamoDBClient({});
    return { store: new DynamoResultStore(client, { tableName: options.table }), close: async () => client.destroy() };
  }
  const db = await startEmbeddedDynamoDB({ dataDir: join(options.dataDir, 'dynamodb'), join: true });
  return { store: new DynamoResultStore(db.client, { tableName: db.tableName }), close: db.close };
}
