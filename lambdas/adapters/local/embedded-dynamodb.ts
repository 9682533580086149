/**
 * An in-process DynamoDB (dynalite) for `vigil monitor` and the tests: the same DynamoResultStore
 * code path as AWS, persisted under a folder or kept in memory. LevelDB lets one process open a
 * folder; that process serves it on loopback and leaves its address beside the folder, so
 * `vigil report`, `incidents` and `silence` work through it while a monitor runs, every write
 * still made by the one process that holds the folder.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  /** True when another process holds the folder and this one works through it. */
  readonly joined: boolean;
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  readonly dataDir?: string;
  readonly tableName?: string;
  /** When another vigil process holds the folder, work through it instead of refusing. @default false */
  readonly join?: boolean;
}

/** Where the process holding a folder says it serves it. */
const endpointFile = (dataDir: string) => `${dataDir}.endpoint`;

/** Starts dynalite on 127.0.0.1 (a free port) and makes sure the table exists and takes writes. */
export async function startEmbeddedDynamoDB(options: EmbeddedOptions = {}): Promise<EmbeddedDynamoDB> {
  const { dataDir } = options;
  const tableName = options.tableName ?? 'vigil';
  if (!dataDir) {
    const memory = await listen(tableName, undefined);
    await ensureActiveTable(memory.client, tableName);
    return memory;
  }
  mkdirSync(dataDir, { recursive: true });
  if (await isLocked(dataDir)) {
    const joined = options.join ? await joinHolder(dataDir, tableName) : null;
    if (joined) return joined;
    throw new UserError(`data folder ${dataDir} is in use by another vigil process (a running vigil monitor?)`);
  }
  const db = await listen(tableName, dataDir);
  // Only a folder kept from an earlier process can hold a stranded table.
  if ((await ensureActiveTable(db.client, tableName)) === 'active') return own(db, tableName, dataDir);
  // A CREATING table refused every item write, so it holds nothing: start the folder afresh.
  await db.close();
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const fresh = await listen(tableName, dataDir);
  await ensureActiveTable(fresh.client, tableName);
  return own(fresh, tableName, dataDir);
}

/** This process holds the folder: say where it serves it, and take that back on close. */
function own(db: EmbeddedDynamoDB, tableName: string, dataDir: string): EmbeddedDynamoDB {
  writeFileSync(endpointFile(dataDir), JSON.stringify({ endpoint: db.endpoint, tableName, pid: process.pid }), { mode: 0o600 });
  return {
    ...db,
    close: async () => {
      rmSync(endpointFile(dataDir), { force: true });
      await db.close();
    },
  };
}

/** The holder's store, if it says where it serves and answers there; null otherwise. */
async function joinHolder(dataDir: string, tableName: string): Promise<EmbeddedDynamoDB | null> {
  let endpoint: unknown;
  try {
    endpoint = (JSON.parse(readFileSync(endpointFile(dataDir), 'utf8')) as { endpoint?: unknown }).endpoint;
  } catch {
    return null;
  }
  // Only our own loopback listener: the file must not send the data anywhere else.
  if (typeof endpoint !== 'string' || !/^http:\/\/127\.0\.0\.1:\d{1,5}$/.test(endpoint)) return null;
  const client = clientFor(endpoint);
  try {
    if ((await tableStatus(client, tableName)) !== 'ACTIVE') throw new Error('table not active');
  } catch {
    client.destroy();
    return null;
  }
  return { client, tableName, endpoint, joined: true, close: async () => client.destroy() };
}

function clientFor(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 2,
  });
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
  const client = clientFor(endpoint);
  return {
    client,
    tableName,
    endpoint,
    joined: false,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * LevelDB allows one process per folder; dynalite meets a locked folder with an uncaught error on the
 * first request, so find out first.
 */
async function isLocked(dataDir: string): Promise<boolean> {
  const db = new Level(dataDir);
  try {
    await db.open();
    return false;
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === 'LEVEL_LOCKED') return true;
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
