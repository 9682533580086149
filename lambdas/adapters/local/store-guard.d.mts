import type { Server } from 'node:http';

export interface StoreCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Refuses browsers' requests and any not signed by `credentials` before dynalite's handler sees them. */
export function guardStore(server: Server, credentials: StoreCredentials): void;
