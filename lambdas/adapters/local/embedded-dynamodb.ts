/**
 * An in-process DynamoDB (dynalite) for `vigil monitor` and the tests: the same DynamoResultStore
 * code path as AWS, persisted under a folder or kept in memory.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { Level } from 'level';
import { UserError } from '../../core/errors.js';
import { TABLE_KEYS } from '../dynamodb.js';

export interface EmbeddedDynamoDB {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Starts dynalite on 127.0.0.1 (a free port) and makes sure the table exists. */
export async function startEmbeddedDynamoDB(options: { dataDir?: string; tableName?: string } = {}): Promise<EmbeddedDynamoDB> {
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    await assertNotLocked(options.dataDir);
  }
  const server = dynalite({
    ...(options.dataDir ? { path: options.dataDir } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 2,
  });
  const tableName = options.tableName ?? 'vigil';
  await ensureTable(client, tableName);
  return {
    client,
    tableName,
    endpoint,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * LevelDB allows one process per folder; dynalite meets a locked folder with an uncaught error on the
 * first request, so find out first and say what is going on.
 */
async function assertNotLocked(dataDir: string): Promise<void> {
  const db = new Level(dataDir);
  try {
    await db.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    if (cause === 'LEVEL_LOCKED')
      throw new UserError(`data folder ${dataDir} is in use by another vigil process (a running vigil monitor?)`);
    throw error;
  } finally {
    await db.close();
  }
}

async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
      }),
    );
  }
}
