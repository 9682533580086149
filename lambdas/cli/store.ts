/**
 * Where CLI commands read and write state: the embedded store under --data (through a running
 * monitor when one holds the folder), or a deployed table (--table). A data folder remembers which
 * checks filled it, so reading it with another config is an error, not an empty answer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoResultStore } from '../adapters/dynamodb.js';
import { startEmbeddedDynamoDB } from '../adapters/local/embedded-dynamodb.js';
import { writePrivateFile } from '../adapters/local/private-files.js';
import { AWS_REQUEST_HANDLER } from '../adapters/request-timeouts.js';
import type { Config } from '../config/parse.js';
import { UserError } from '../core/errors.js';

export interface OpenStore {
  readonly store: DynamoResultStore;
  close(): Promise<void>;
}

export interface StoreOptions {
  readonly dataDir: string;
  readonly table?: string | undefined;
  /** The config the command was given: its checks must be the folder's. */
  readonly config: Config;
  /** Reading commands: a folder nothing was recorded in is an error. @default false */
  readonly mustHoldData?: boolean;
}

export async function openStore(options: StoreOptions): Promise<OpenStore> {
  if (options.table) {
    // The deployed stack's table, with the usual AWS credentials and region from the environment.
    const client = new DynamoDBClient({ requestHandler: AWS_REQUEST_HANDLER });
    return { store: new DynamoResultStore(client, { tableName: options.table }), close: async () => client.destroy() };
  }
  assertSameChecks(options);
  const db = await startEmbeddedDynamoDB({ dataDir: join(options.dataDir, 'dynamodb'), join: true });
  return { store: new DynamoResultStore(db.client, { tableName: db.tableName }), close: db.close };
}

/** What a monitor leaves in its data folder: the checks it recorded. */
const markerFile = (dataDir: string) => join(dataDir, 'checks.json');

/** Whether a monitor has recorded into the folder. */
export function holdsData(dataDir: string): boolean {
  return existsSync(markerFile(dataDir));
}

export function markDataFolder(dataDir: string, config: Config): void {
  writePrivateFile(markerFile(dataDir), JSON.stringify({ checkIds: config.checks.map((c) => c.id) }));
}

function assertSameChecks(options: StoreOptions): void {
  const file = markerFile(options.dataDir);
  if (!existsSync(file)) {
    if (options.mustHoldData) {
      throw new UserError(
        `no data in ${options.dataDir}: nothing has been recorded there (vigil monitor --data ${options.dataDir} records into it)`,
      );
    }
    return;
  }
  let recorded: string[];
  try {
    recorded = (JSON.parse(readFileSync(file, 'utf8')) as { checkIds: string[] }).checkIds;
  } catch {
    return; // an unreadable marker says nothing either way
  }
  const ids = options.config.checks.map((c) => c.id);
  if (!ids.some((id) => recorded.includes(id))) {
    const list = (names: readonly string[]) => names.slice(0, 5).join(', ') + (names.length > 5 ? ', …' : '');
    throw new UserError(
      `${options.dataDir} holds checks ${list(recorded)}; this config has ${list(ids)}: pass the --config that filled it`,
    );
  }
}
