/**
 * An in-process DynamoDB (dynalite) for `vigil monitor` and the tests: the same DynamoResultStore
 * code path as AWS, persisted under a folder or kept in memory. LevelDB lets one process open a
 * folder; that process serves it on loopback and leaves its address beside the folder, so
 * `vigil report`, `incidents` and `silence` work through it while a monitor runs, every write
 * still made by the one process that holds the folder.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { Level } from 'level';
import { UserError } from '../../core/errors.js';
import { createTableInput } from '../dynamodb.js';
import { LOCAL_STORE_REQUEST_HANDLER } from '../request-timeouts.js';
import { privateFolder, writePrivateFile } from './private-files.js';
import { guardStore, type StoreCredentials } from './store-guard.mjs';

export interface EmbeddedDynamoDB {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly endpoint: string;
  /** The per-run key the store takes requests signed with; only the holder and its endpoint file know it. */
  readonly credentials: StoreCredentials;
  /** True when another process holds the folder and this one works through it. */
  readonly joined: boolean;
  /** Resolves once the store has taken a small write, rejects when it has not within PING_TIMEOUT_MS. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** What the store's child process went through: `down` when it stopped and is being restarted. */
export interface StoreFault {
  readonly message: string;
  readonly down: boolean;
}

/** A store that has not taken a tiny write in this long is not answering (it is hung or stopped). */
export const PING_TIMEOUT_MS = 3_000;

export interface EmbeddedOptions {
  readonly dataDir?: string;
  readonly tableName?: string;
  /** When another vigil process holds the folder, work through it instead of refusing. @default false */
  readonly join?: boolean;
  /**
   * Serve the folder from a child process that is restarted when it dies (dynalite throws on a full
   * disk), and report that here: for a long-running monitor. Without it the store runs in this
   * process, which suits a short command. @default in this process
   */
  readonly isolate?: {
    readonly onFault: (fault: StoreFault) => void;
    /** Fault injection for tests: while this file exists the store's writes fail as on a full disk. */
    readonly diskFullWhile?: string;
  };
}

/** Where the process holding a folder says it serves it. */
const endpointFile = (dataDir: string) => `${dataDir}.endpoint`;

/** Starts dynalite on 127.0.0.1 (a free port) and makes sure the table exists and takes writes. */
export async function startEmbeddedDynamoDB(options: EmbeddedOptions = {}): Promise<EmbeddedDynamoDB> {
  const { dataDir } = options;
  const tableName = options.tableName ?? 'vigil';
  // A fresh key per holder: whoever can read the endpoint file (its owner) can use the store, nobody else.
  const credentials = { accessKeyId: randomBytes(16).toString('hex'), secretAccessKey: randomBytes(32).toString('hex') };
  if (!dataDir) {
    const memory = await listen(tableName, undefined, credentials);
    await ensureActiveTable(memory.client, tableName);
    return memory;
  }
  privateFolder(dataDir);
  if (await isLocked(dataDir)) {
    const joined = options.join ? await joinHolder(dataDir, tableName) : null;
    if (joined) return joined;
    throw new UserError(`data folder ${dataDir} is in use by another vigil process (a running vigil monitor?)`);
  }
  // Looking for the lock opened LevelDB here, with this process's umask: what that created is tightened.
  privateFolder(dataDir);
  const serve = () =>
    options.isolate ? serveFolder(tableName, dataDir, credentials, options.isolate) : listen(tableName, dataDir, credentials);
  const db = await serve();
  // Only a folder kept from an earlier process can hold a stranded table.
  if ((await ensureActiveTable(db.client, tableName)) === 'active') return own(db, tableName, dataDir);
  // A CREATING table refused every item write, so it holds nothing: start the folder afresh.
  await db.close();
  rmSync(dataDir, { recursive: true, force: true });
  privateFolder(dataDir);
  const fresh = await serve();
  await ensureActiveTable(fresh.client, tableName);
  return own(fresh, tableName, dataDir);
}

/** This process holds the folder: say where it serves it, and take that back on close. */
function own(db: EmbeddedDynamoDB, tableName: string, dataDir: string): EmbeddedDynamoDB {
  const { endpoint, credentials } = db;
  writePrivateFile(endpointFile(dataDir), JSON.stringify({ endpoint, tableName, pid: process.pid, ...credentials }));
  return {
    ...db,
    close: async () => {
      rmSync(endpointFile(dataDir), { force: true });
      await db.close();
      // What LevelDB created in this process took its umask; the folder kept it from others meanwhile.
      privateFolder(dataDir);
    },
  };
}

/** The holder's store, if it says where it serves and answers there; null otherwise. */
async function joinHolder(dataDir: string, tableName: string): Promise<EmbeddedDynamoDB | null> {
  let said: { endpoint?: unknown; accessKeyId?: unknown; secretAccessKey?: unknown };
  try {
    said = JSON.parse(readFileSync(endpointFile(dataDir), 'utf8'));
  } catch {
    return null;
  }
  const { endpoint, accessKeyId, secretAccessKey } = said;
  // Only our own loopback listener: the file must not send the data anywhere else.
  if (typeof endpoint !== 'string' || !/^http:\/\/127\.0\.0\.1:\d{1,5}$/.test(endpoint)) return null;
  if (typeof accessKeyId !== 'string' || typeof secretAccessKey !== 'string') return null;
  const credentials = { accessKeyId, secretAccessKey };
  const client = clientFor(endpoint, credentials);
  try {
    if ((await tableStatus(client, tableName)) !== 'ACTIVE') throw new Error('table not active');
  } catch {
    client.destroy();
    return null;
  }
  const ping = () => pingStore(client, tableName);
  return { client, tableName, endpoint, credentials, joined: true, ping, close: async () => client.destroy() };
}

function clientFor(endpoint: string, credentials: StoreCredentials, maxAttempts = 2): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'local', credentials, maxAttempts, requestHandler: LOCAL_STORE_REQUEST_HANDLER });
}

/** A write, not a read: a store on a full disk still reads, and is no more use for that. */
async function pingStore(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'VIGIL' }, sk: { S: 'PING' } } }), {
    abortSignal: AbortSignal.timeout(PING_TIMEOUT_MS),
  });
}

/**
 * A folder's store in a child process (dynalite-server.mjs), restarted on the same port when it dies,
 * with growing pauses: requests meanwhile fail and are logged by whoever made them, as any store outage.
 */
async function serveFolder(
  tableName: string,
  dataDir: string,
  credentials: StoreCredentials,
  { onFault, diskFullWhile }: NonNullable<EmbeddedOptions['isolate']>,
): Promise<EmbeddedDynamoDB> {
  let closing = false;
  let child: ChildProcess;
  let failures = 0;
  let upSince = Date.now();
  let recycling = false;
  // 0 until the first start picks a free port; every restart takes that same port, which the client knows.
  let port = 0;
  const start = () =>
    new Promise<{ child: ChildProcess; port: number }>((resolve, reject) => {
      // Its own process group: Ctrl-C in a terminal stops the monitor, which then closes the store itself.
      const started = fork(SERVER_SCRIPT, [dataDir, String(port)], {
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        detached: true,
        env: {
          ...process.env,
          VIGIL_STORE_CREDENTIALS: JSON.stringify(credentials),
          ...(diskFullWhile ? { VIGIL_STORE_DISK_FULL_WHILE: diskFullWhile } : {}),
        },
      });
      // A channel that broke (the child died) is reported by its exit, below.
      started.on('error', () => {});
      let stderr = '';
      started.stderr?.on('data', (chunk: Buffer) => {
        stderr = `${stderr}${chunk.toString()}`.slice(-2_000);
      });
      started.once('message', (message: { port?: number; error?: string }) =>
        message.port ? resolve({ child: started, port: message.port }) : reject(new Error(message.error)),
      );
      started.on('message', (message: { rss?: number }) => {
        // Recycled while small requests wait: the client retries through the moment it is away.
        if (message.rss && message.rss > RECYCLE_BYTES && !recycling && !closing) {
          recycling = true;
          onFault({ message: `embedded DynamoDB recycled at ${Math.round(message.rss / 1_048_576)} MB`, down: false });
          started.send('close');
        }
      });
      started.once('exit', (code, signal) => {
        reject(new Error(`embedded DynamoDB exited (${code}) before it started`));
        if (closing) return;
        if (recycling) {
          recycling = false;
          start().then(
            (restarted) => {
              child = restarted.child;
            },
            () => {},
          );
          return;
        }
        // What dynalite threw, in a line: "IO error: …: No space left on device".
        const why = /Error: ([^\n\]]+)/.exec(stderr)?.[1] ?? (signal ? `killed by ${signal}` : `exit code ${code}`);
        // A store that stayed up a while failed afresh; one that fails again at once backs off further.
        failures = Date.now() - upSince > STAYED_UP_MS ? 1 : failures + 1;
        const pause = Math.min(30_000, 1_000 * 2 ** Math.min(failures - 1, 5));
        onFault({ message: `embedded DynamoDB stopped (${why}); restarting in ${pause / 1000}s`, down: true });
        setTimeout(() => {
          if (closing) return;
          start().then(
            (restarted) => {
              child = restarted.child;
              upSince = Date.now();
              onFault({ message: 'embedded DynamoDB restarted', down: false });
            },
            () => {},
          );
        }, pause).unref();
      });
    });
  const first = await start();
  child = first.child;
  port = first.port;
  return served(
    port,
    tableName,
    credentials,
    async () => {
      closing = true;
      if (child.exitCode !== null || child.signalCode !== null || !child.connected) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send('close');
      await exited;
    },
    STORE_PROCESS_ATTEMPTS,
  );
}

/** Enough backed-off attempts for a request to outlast a recycle of the store process (a few hundred ms). */
const STORE_PROCESS_ATTEMPTS = 5;

/** A store listening on a loopback port, with a client for it; `stop` ends the server. */
function served(
  port: number,
  tableName: string,
  credentials: StoreCredentials,
  stop: () => Promise<void>,
  maxAttempts = 2,
): EmbeddedDynamoDB {
  const endpoint = `http://127.0.0.1:${port}`;
  const client = clientFor(endpoint, credentials, maxAttempts);
  return {
    client,
    tableName,
    endpoint,
    credentials,
    joined: false,
    ping: () => pingStore(client, tableName),
    close: async () => {
      client.destroy();
      await stop();
    },
  };
}

const STAYED_UP_MS = 60_000;
/** dynalite's memory grows with the writes it serves (about 200 MB a minute at 200 checks a second). */
const RECYCLE_BYTES = 512 * 1_048_576;
const SERVER_SCRIPT = fileURLToPath(new URL('./dynalite-server.mjs', import.meta.url));

/** The store in this process, in memory or on a folder. */
async function listen(tableName: string, dataDir: string | undefined, credentials: StoreCredentials): Promise<EmbeddedDynamoDB> {
  const server = dynalite({
    ...(dataDir ? { path: dataDir } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  guardStore(server, credentials);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return served(
    (server.address() as AddressInfo).port,
    tableName,
    credentials,
    () => new Promise((resolve) => server.close(() => resolve())),
  );
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
    await sleep(ACTIVE_POLL_MS);
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
