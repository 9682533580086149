/**
 * Every check type Vigil knows. Adding one touches its folder (schema, probe, judge, index), one line
 * here and the README's check table; the config schema, probing, judging, secret planning and file
 * inlining all read it from here.
 */
import type * as z from 'zod';
import type { ResolvedCheck } from '../core/schema-parts.js';
import { dns } from './dns/index.js';
import { heartbeat } from './heartbeat/index.js';
import { http } from './http/index.js';
import { tcp } from './tcp/index.js';
import { tls } from './tls/index.js';

export const CHECK_TYPES = { http, tcp, tls, dns, heartbeat } as const;

type Schema = (typeof CHECK_TYPES)[keyof typeof CHECK_TYPES]['schema'];
/** Each type's schema, as the config's discriminated union takes them. */
export const checkSchemas = Object.values(CHECK_TYPES).map((t) => t.schema) as [Schema, ...Schema[]];

/** A check of any type with every default applied: what probes and the state machine consume. */
export type Check = ResolvedCheck<z.output<Schema>>;
export type CheckType = Check['type'];
