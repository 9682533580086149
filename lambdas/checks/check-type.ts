/**
 * What a check type is made of, in two parts. Its definition (`index.ts`): the schema and what the rest
 * of Vigil must know about it (the secrets its probe resolves, rules across its fields, files the loader
 * inlines), which the config, the notifier and the dispatcher read. Its runtime (`runtime.ts`): the probe
 * (the I/O) and the judge (pure), which only what probes imports, so no other bundle carries them.
 */
import type * as z from 'zod';
import type { SecretRef } from '../core/schema-parts.js';
import type { CheckStatus } from '../core/types.js';
import type { Examples } from './shared/example.js';
import type { Observation } from './shared/observation.js';
import type { Probe, ProbeContext } from './shared/probe.js';
import type { Judge, Verdict } from './shared/verdict.js';

/** Reads a file named in the config (relative to it); undefined after recording why it could not. */
export type ConfigFileReader = (file: string, field: string) => string | undefined;

export interface CheckTypeDefinition<C> {
  /** The type's fields on top of the shared ones (core/schema-parts.ts `checkSchema`). */
  readonly schema: z.ZodType;
  /** Secret references the probe resolves, by field path under the check: the stack grants exactly these. */
  readonly secretRefs?: (check: C) => readonly (readonly [field: string, ref: SecretRef])[];
  /** Problems across this type's fields once defaults are applied, as "field: message". */
  readonly problems?: (check: C) => readonly string[];
  /** Thresholds of this type that win over the config's `defaults` (a check's own still win over these). */
  readonly thresholds?: { readonly failure: number; readonly success: number };
  /**
   * What a latency objective of this check measures: a response to a request (objectives from `defaults`
   * apply), only a connection or handshake (only an objective the check lists itself), or nothing.
   */
  readonly latency: (check: C) => 'response' | 'connection' | 'none';
  /** Inlines files the raw check names (a CA file), so the document stands alone when bundled. */
  readonly inlineFiles?: (raw: Record<string, unknown>, read: ConfigFileReader) => Record<string, unknown>;
}

/** How a check type probes and judges, and what it could see: lambdas/checks/runtimes.ts puts them together. */
export interface CheckRuntime<C, O extends Observation = Observation> {
  readonly probe: Probe<C, O>;
  readonly judge: Judge<C, O>;
  /** What a probe of the check could see when it is up, degraded or down: `vigil preview` judges these. */
  readonly examples: Examples<C, O>;
  /** The probe times nothing (a heartbeat reads its store): its results carry no event-loop lag. */
  readonly untimed?: true;
  /**
   * The check pointed at a loopback HTTP server that answers `{"status":"healthy"}`, for warm-up
   * (lambdas/checks/warm-up.ts): its probe's code is compiled before the first real probe. Absent: not warmed up.
   */
  readonly aimedAt?: (check: C, local: { readonly host: string; readonly port: number }) => C;
}

/** A runtime of some check type and observation: what a registry of every type holds. */
export interface SomeCheckRuntime {
  readonly probe: (check: never, context: ProbeContext) => Promise<Observation>;
  readonly judge: (check: never, observation: never, now: Date) => Verdict;
  readonly examples: (check: never, status: CheckStatus, now: Date) => readonly Observation[];
  readonly untimed?: true;
  readonly aimedAt?: (check: never, local: { readonly host: string; readonly port: number }) => unknown;
}
