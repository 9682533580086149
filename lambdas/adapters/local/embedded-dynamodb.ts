/**
 * An in-process DynamoDB (dynalite) for `vigil monitor` and the tests: the same DynamoResultStore
 * code path as AWS, persisted under a folder or kept in memory.
 */
import { mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { setTimeout } from 'node:timers/promises';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { Level } from 'level';
import { UserError } from '../../core/errors.js';
import { createTableInput } from '../dynamodb.js';

export interface EmbeddedDynamoDB {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Starts dynalite on 127.0.0.1 (a free port) and makes sure the table exists and takes writes. */
export async function startEmbeddedDynamoDB(options: { dataDir?: string; tableName?: string } = {}): Promise<EmbeddedDynamoDB> {
  const { dataDir } = options;
  const tableName = options.tableName ?? 'vigil';
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    await assertNotLocked(dataDir);
  }
  const db = await listen(tableName, dataDir);
  // Only a folder kept from an earlier process can hold a stranded table.
  if ((await ensureActiveTable(db.client, tableName)) === 'active' || !dataDir) return db;
  // A CREATING table refused every item write, so it holds nothing: start the folder afresh.
  await db.close();
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const fresh = await listen(tableName, dataDir);
  await ensureActiveTable(fresh.client, tableName);
  return fresh;
}

async function listen(tableName: string, dataDir: string | undefined): Promise<EmbeddedDynamoDB> {
  const server = dynalite({
    ...(dataDir ? { path: dataDir } : {}),
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

/**
 * dynalite answers CreateTable while the table is still CREATING, refuses item writes until a timer marks
 * it ACTIVE, and loses that mark if the process stops first: so wait for ACTIVE after creating, and call a
 * table found CREATING at open (nobody else holds the folder) stranded.
 */
async function ensureActiveTable(client: DynamoDBClient, tableName: string): Promise<'active' | 'stranded'> {
  const found = await tableStatus(client, tableName);
  if (found === 'CREATING') return 'stranded';
  if (found === 'ACTIVE') return 'active';
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  for (let waited = 0; waited < ACTIVE_WAIT_MS; waited += ACTIVE_POLL_MS) {
    if ((await tableStatus(client, tableName)) === 'ACTIVE') return 'active';
    await setTimeout(ACTIVE_POLL_MS);
  }
  throw new Error(`embedded DynamoDB: table ${tableName} did not become ACTIVE within ${ACTIVE_WAIT_MS} ms`);
}

const ACTIVE_POLL_MS = 5;
const ACTIVE_WAIT_MS = 10_000;

async function tableStatus(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}
