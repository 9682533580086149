/**
 * Probes on a thread of their own. On one event loop with the monitor's storing and deciding (200 results
 * a second, each a signed request to the store), a response that arrives while that work runs waits for
 * it, and its timings grow by the wait. The probe thread's loop only probes; results come back by message.
 *
 * Only the bundled CLI has the thread's code beside it (probe-worker.mjs, bin/cli-bundle.mjs); run from
 * source, or with a simulated clock that a thread could not share, the monitor probes on its own thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Check } from '../checks/registry.js';
import { VigilFault } from '../core/errors.js';
import type { Log } from '../core/ports.js';
import type { CheckResult } from '../core/types.js';

/** What the thread starts with: the checks it may be asked for and the environment their secrets come from. */
export interface ProbeThreadData {
  readonly checks: readonly Check[];
  readonly env: Readonly<Record<string, string | undefined>>;
}
export interface ToProbeThread {
  readonly n: number;
  readonly checkId: string;
  /** The location it is probed from (its requests say so), if any. */
  readonly location?: string;
}
export type FromProbeThread =
  | { readonly n: number; readonly result: CheckResult }
  | { readonly n: number; readonly fault: { readonly message: string; readonly source: VigilFault['source'] } }
  | {
      readonly log: {
        readonly level: 'info' | 'warn' | 'error';
        readonly message: string;
        readonly attributes?: Record<string, unknown>;
      };
    };

const WORKER_FILE = fileURLToPath(new URL('./probe-worker.mjs', import.meta.url));

export class ProbeThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: (r: CheckResult) => void; reject: (e: VigilFault) => void }>();
  private sent = 0;
  private closed = false;

  private constructor(
    private readonly data: ProbeThreadData,
    private readonly log: Log,
    private readonly file: string,
  ) {}

  /** A probe thread, or null where its code is not beside this module (run from source). */
  static start(data: ProbeThreadData, log: Log, file = WORKER_FILE): ProbeThread | null {
    return existsSync(file) ? new ProbeThread(data, log, file) : null;
  }

  /** The check's result, probed on the thread (from `location` when given); a VigilFault when the thread could not probe it. */
  run(check: Check, location?: string): Promise<CheckResult> {
    if (this.closed) return Promise.reject(new VigilFault('the probe thread is stopped'));
    const n = ++this.sent;
    return new Promise<CheckResult>((resolve, reject) => {
      this.pending.set(n, { resolve, reject });
      this.thread().postMessage({ n, checkId: check.id, ...(location ? { location } : {}) } satisfies ToProbeThread);
    });
  }

  /** Stops the thread; probes in flight end as faults. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
    this.failPending('the probe thread is stopped');
  }

  /** The running thread, started again after one that died (its probes in flight failed with it). */
  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.file, { workerData: this.data, env: { ...this.data.env } });
    worker.unref();
    worker.on('message', (message: FromProbeThread) => this.receive(message));
    worker.on('error', (error) => this.log.error('probe thread failed', { error: String(error) }));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.failPending(`the probe thread stopped (exit code ${code})`);
    });
    this.worker = worker;
    return worker;
  }

  private receive(message: FromProbeThread): void {
    if ('log' in message) {
      this.log[message.log.level](message.log.message, message.log.attributes);
      return;
    }
    const waiting = this.pending.get(message.n);
    if (!waiting) return;
    this.pending.delete(message.n);
    if ('result' in message) waiting.resolve(message.result);
    else waiting.reject(new VigilFault(message.fault.message, message.fault.source));
  }

  private failPending(why: string): void {
    for (const { reject } of this.pending.values()) reject(new VigilFault(why));
    this.pending.clear();
  }
}
