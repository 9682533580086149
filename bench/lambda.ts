/**
 * `npm run bench -- lambda`: the probe as `cdk deploy` uploads it, under the CPU its memory size buys.
 * Synthesizes the stack for N http checks on one loopback target that answers after 50 ms, loads the
 * probe bundle from the cloud assembly in its own process (bench/lambda-host.cjs), limits that process
 * to MemorySize/1769 of a vCPU after the module loaded, and invokes it with its schedule rule's own
 * input: once cold, then warm. DynamoDB (dynalite), CloudWatch and SQS run in other processes.
 * Reports, against curl's p50 on the same target: Δ p50/p99 cold and warm, invocation time, CPU ms per
 * check and what a check-month costs at that size. Each size runs in the states production goes
 * through: `steady` (every state as after a hundred up results), `new` (an empty table: every result
 * changes its check's state) and `outage` (the odd half of the checks goes down and recovers together
 * on alternate runs, thresholds of 1, so half the fleet changes state every run; Δ is the healthy
 * half's). BENCH_SIZES=256,512, BENCH_CHECKS=50,500 and BENCH_SHAPES=steady,new,outage narrow it;
 * BENCH_NAME names the results files.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DynamoResultStore } from '../lambdas/adapters/dynamodb.js';
import { startEmbeddedDynamoDB } from '../lambdas/adapters/local/embedded-dynamodb.js';
import { MONTH_MS } from '../lambdas/config/cost.js';
import { type Check, parseConfig } from '../lambdas/config/parse.js';
import { decide } from '../lambdas/core/alert-state.js';
import { initialState } from '../lambdas/core/check-state.js';
import type { ResultStore } from '../lambdas/core/ports.js';
import { PRICES } from '../lambdas/core/prices.js';
import { FULL_VCPU_MB, PROBE_MEMORY_MB, stackCost } from '../lib/stack-config.js';
import { VigilStack } from '../lib/vigil-stack.js';
import { curlP50, startHelper, startTargets } from './processes.js';
import { percentile, round } from './stats.js';

const TARGET_DELAY_MS = 50;
const SHAPES = ['steady', 'new', 'outage'] as const;
type Shape = (typeof SHAPES)[number];
/** The checks whose timings a shape reports: in an outage, the healthy half. */
const measured = (shape: Shape, checkId: string) => shape !== 'outage' || Number(checkId.slice(1)) % 2 === 0;
const WARM_INVOCATIONS = 3;

interface Invocation {
  readonly wallMs: number;
  readonly cpuMs: number;
  /** The reported totals of the checks the shape measures, in the order they finished. */
  readonly totals: number[];
  /** Results of the invocation, all checks. */
  readonly results: number;
}

/**
 * Synthesizes the stack for `count` checks with the probe at `memoryMb`: the probe bundle's path and
 * every rule's input (its shards and spreads are planned for that memory size).
 */
function synthesize(count: number, memoryMb: number, url: string, outRoot: string, shape: Shape) {
  const outage = shape === 'outage';
  const document = {
    ...(outage ? { defaults: { failureThreshold: 1, successThreshold: 1 } } : {}),
    checks: Array.from({ length: count }, (_, i) => ({
      id: `c${i}`,
      type: 'http',
      url: `${url}?n=${i}${outage && i % 2 === 1 ? '&flip=1' : ''}`,
      interval: '1m',
    })),
  };
  const outdir = mkdtempSync(join(outRoot, 'bench-lambda-'));
  // The bundle is CommonJS, as Lambda runs it; the project's own "type": "module" must not apply here.
  writeFileSync(join(outdir, 'package.json'), '{"type":"commonjs"}');
  const app = new App({ outdir });
  const config = parseConfig(document);
  const stack = new VigilStack(app, 'BenchLambda', { config, configDocument: document, probeMemoryMb: memoryMb });
  const assembly = app.synth();
  const template = Template.fromStack(stack);
  const [, probe] = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.includes('Probe')) ?? [];
  const bundle = join(assembly.directory, `asset.${String(probe?.Properties.Code.S3Key).replace(/\.zip$/, '')}`, 'index.js');
  const events = Object.values(template.findResources('AWS::Events::Rule')).flatMap((rule) =>
    (rule.Properties.Targets as { Input?: string }[]).flatMap((t) => (t.Input ? [JSON.parse(t.Input)] : [])),
  );
  return { outdir, bundle, events, config };
}

/**
 * A healthy fleet, as production mostly is: each check's state as after a hundred up results, so the
 * bench measures the steady cycle rather than the first twenty minutes of a new stack.
 */
async function seedSteadyStates(checks: readonly Check[], store: ResultStore): Promise<void> {
  const context = { stackName: 'BenchLambda', dashboardUrl: null };
  for (const check of checks) {
    let state = initialState(check.id);
    for (let i = 0; i < 100; i++) {
      const at = new Date(Date.now() - (100 - i) * check.intervalMs);
      const result = {
        checkId: check.id,
        status: 'up',
        error: null,
        httpStatus: 200,
        timings: STEADY_TIMINGS,
        startedAt: at.toISOString(),
        detail: null,
      } as const;
      state = decide(state, result, check, context, at).next;
    }
    await store.putState({ ...state, version: 1 });
  }
}

const STEADY_TIMINGS = { dnsMs: null, connectMs: 0.2, tlsMs: null, ttfbMs: 50, transferMs: 0.1, totalMs: 50.3 };

/** One sandbox: the bundle loaded once, then invoked cold and warm under the CPU share. */
async function sandbox(
  bundle: string,
  event: unknown,
  share: number,
  env: NodeJS.ProcessEnv,
  shape: Shape,
): Promise<Invocation[]> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []),
      fileURLToPath(new URL('./lambda-host.cjs', import.meta.url)),
      bundle,
      JSON.stringify(event),
      String(1 + WARM_INVOCATIONS),
      String(share),
      '1000',
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const invocations: Invocation[] = [];
  for await (const line of createInterface({ input: child.stderr })) {
    if (!line.startsWith('{')) continue;
    const message = JSON.parse(line);
    if (message.warning) process.stderr.write(`lambda bench: ${message.warning}\n`);
    if (message.invocation === undefined) continue;
    const lines = message.logLines as { checkId: string; timings: { totalMs: number }; loopLagMs?: number }[];
    const totals = lines.filter((l) => measured(shape, l.checkId)).map((l) => l.timings.totalMs);
    if (process.env.BENCH_VERBOSE) {
      // Which results (in the order they finished) were slow: the start, the end, or a steady rhythm?
      const slow = lines.flatMap((l, i) =>
        l.timings.totalMs > TARGET_DELAY_MS + 10 ? [`${i}:${Math.round(l.timings.totalMs)} (lag ${l.loopLagMs})`] : [],
      );
      process.stderr.write(`invocation ${message.invocation}: ${Math.round(message.wallMs)} ms, slow ${slow.join(' ')}\n`);
    }
    invocations.push({ wallMs: message.wallMs, cpuMs: message.cpuMs, totals, results: lines.length });
  }
  return invocations;
}

export async function benchLambda(): Promise<void> {
  const sizes = (process.env.BENCH_SIZES ?? '256,512,1024,1769').split(',').map(Number);
  const counts = (process.env.BENCH_CHECKS ?? '50,500').split(',').map(Number);
  const shapes = (process.env.BENCH_SHAPES ?? SHAPES.join(',')).split(',') as Shape[];
  const targets = await startTargets(1, TARGET_DELAY_MS);
  const url = targets.urls[0] as string;
  const aws = await startHelper<number>('./aws-stub.ts');
  const outRoot = fileURLToPath(new URL('../cdk.out/', import.meta.url));
  mkdirSync(outRoot, { recursive: true });
  const base = {
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL_CLOUDWATCH: `http://127.0.0.1:${aws.ready}`,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    STACK_NAME: 'BenchLambda',
    DISPATCH_QUEUE_URL: `http://127.0.0.1:${aws.ready}/123456789012/dispatch`,
    POWERTOOLS_SERVICE_NAME: 'vigil-probe',
  };
  const rows = [];
  try {
    const curl = await curlP50(url, 50);
    for (const count of counts) {
      for (const memoryMb of sizes) {
        for (const shape of shapes) {
          const synth = synthesize(count, memoryMb, url, outRoot, shape);
          // A table of its own per run, in its own process as DynamoDB is: a new stack's is empty.
          const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-lambda-'));
          const db = await startEmbeddedDynamoDB({
            dataDir,
            isolate: { onFault: (f) => process.stderr.write(`dynalite: ${f.message}\n`) },
          });
          if (shape !== 'new')
            await seedSteadyStates(synth.config.checks, new DynamoResultStore(db.client, { tableName: db.tableName }));
          // The embedded store takes only requests signed with its per-run key.
          const env = {
            ...base,
            AWS_ACCESS_KEY_ID: db.credentials.accessKeyId,
            AWS_SECRET_ACCESS_KEY: db.credentials.secretAccessKey,
            AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
            TABLE_NAME: db.tableName,
          };
          try {
            // Every shard is its own sandbox, as Lambda runs them: side by side, each on its own share.
            const shards = await Promise.all(
              synth.events.map((event) => sandbox(synth.bundle, event, memoryMb / FULL_VCPU_MB, env, shape)),
            );
            const cold = shards.flatMap((s) => s[0]?.totals ?? []);
            const warm = shards.flatMap((s) => s.slice(1).flatMap((i) => i.totals));
            const warmRuns = shards.flatMap((s) => s.slice(1));
            const row = {
              shape,
              checks: count,
              memoryMb,
              configured: memoryMb === PROBE_MEMORY_MB,
              shards: synth.events.length,
              curlP50: round(curl),
              coldDeltaP50: round(percentile(cold, 50) - curl),
              coldDeltaP99: round(percentile(cold, 99) - curl),
              warmDeltaP50: round(percentile(warm, 50) - curl),
              warmDeltaP99: round(percentile(warm, 99) - curl),
              coldInvocationMs: round(Math.max(...shards.map((s) => s[0]?.wallMs ?? 0)), 0),
              warmInvocationMs: round(
                percentile(
                  warmRuns.map((i) => i.wallMs),
                  50,
                ),
                0,
              ),
              warmCpuMsPerCheck: round(
                warmRuns.reduce((n, i) => n + i.cpuMs, 0) /
                  Math.max(
                    1,
                    warmRuns.reduce((n, i) => n + i.results, 0),
                  ),
              ),
              // The probe's compute as measured, a run a minute; and the whole bill as `vigil cost` prices it.
              lambdaUsdPerCheckMonth: round(
                (shards.length *
                  (percentile(
                    warmRuns.map((i) => i.wallMs),
                    50,
                  ) /
                    1000) *
                  (memoryMb / 1024) *
                  (MONTH_MS / 60_000) *
                  PRICES.lambdaArmGbSecond.usd) /
                  count,
                4,
              ),
              totalUsdPerCheckMonth: round(stackCost(synth.config, memoryMb).perCheckUsd, 3),
              results: { cold: cold.length, warm: warm.length },
            };
            rows.push(row);
            process.stdout.write(`${JSON.stringify(row)}\n`);
          } finally {
            rmSync(synth.outdir, { recursive: true, force: true });
            await db.close();
            rmSync(dataDir, { recursive: true, force: true });
          }
        }
      }
    }
  } finally {
    await Promise.all([targets.stop(), aws.stop()]);
  }
  const results = { at: new Date().toISOString(), node: process.version, targetDelayMs: TARGET_DELAY_MS, rows };
  // A narrowed run (BENCH_NAME=lambda-5000) keeps the full table's results.
  const name = process.env.BENCH_NAME ?? 'lambda';
  writeFileSync(new URL(`./results/${name}.json`, import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  const table = [
    '| state | checks | memory | shards | Δ p50 / p99 warm (ms) | Δ p50 / p99 cold (ms) | invocation warm / cold (s) | CPU ms per check | probe $ per check-month | total $ per check-month |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.shape} | ${r.checks} | ${r.memoryMb} MB${r.configured ? ' (stack)' : ''} | ${r.shards} | ${r.warmDeltaP50} / ${r.warmDeltaP99} | ${r.coldDeltaP50} / ${r.coldDeltaP99} | ${round(r.warmInvocationMs / 1000, 1)} / ${round(r.coldInvocationMs / 1000, 1)} | ${r.warmCpuMsPerCheck} | ${r.lambdaUsdPerCheckMonth} | ${r.totalUsdPerCheckMonth} |`,
    ),
  ].join('\n');
  writeFileSync(
    new URL(`./results/${name}.md`, import.meta.url),
    `# Probe Lambda benchmark (${results.at}, Node ${process.version})\n\nTarget answers after ${TARGET_DELAY_MS} ms; curl p50 on it ${rows[0]?.curlP50} ms. Δ is Vigil's reported total minus curl's p50; in \`outage\` (the odd half of the checks down and back on alternate runs) the healthy half's. \`steady\`: states seeded as after a hundred up results; \`new\`: an empty table.\n\n${table}\n`,
  );
  process.stdout.write(`${table}\n`);
}
