/**
 * Runs a synthesized Lambda bundle as the Lambda runtime would, for `npm run bench -- lambda`:
 * loads it on a whole CPU (Lambda gives init a full vCPU), then moves itself into a cgroup-v1 CPU
 * quota equal to the function's share (MemorySize/1769 of a vCPU) and invokes the handler with the
 * schedule's own event, once cold, then warm. Plain CommonJS so nothing (tsx) is loaded beside it.
 *
 * argv: BUNDLE_JS EVENT_JSON INVOCATIONS CPU_SHARE GAP_MS. Prints one JSON line per invocation:
 * { wallMs, cpuMs, logLines } (logLines: the invocation's "check result" log records).
 */
const { mkdirSync, writeFileSync, rmdirSync } = require('node:fs');

const [bundle, eventJson, invocations, share, gapMs] = process.argv.slice(2);
// Resolves once written: a pipe takes large lines in pieces, and exiting before the last one is lost.
const out = (line) => new Promise((resolve) => process.stderr.write(`${JSON.stringify(line)}\n`, resolve));

// Lambda's log pipe, kept in memory: the handler's lines are what the bench reads.
let captured = [];
process.stdout.write = (chunk, ...rest) => {
  captured.push(String(chunk));
  const callback = rest.find((r) => typeof r === 'function');
  if (callback) callback();
  return true;
};

const initStarted = performance.now();
const { handler } = require(bundle);
const initMs = performance.now() - initStarted;

const group = `/sys/fs/cgroup/cpu/vigil-bench-${process.pid}`;
const quotaUs = Math.round(100_000 * Number(share));
let limited = false;
if (Number(share) < 1) {
  try {
    mkdirSync(group);
    writeFileSync(`${group}/cpu.cfs_period_us`, '100000');
    writeFileSync(`${group}/cpu.cfs_quota_us`, String(quotaUs));
    writeFileSync(`${group}/cgroup.procs`, String(process.pid));
    limited = true;
  } catch (error) {
    out({ warning: `no CPU quota (${error.message}); run as root on cgroup v1` });
  }
}
out({ initMs, limited, quotaUs });

(async () => {
  const event = JSON.parse(eventJson);
  for (let i = 0; i < Number(invocations); i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, Number(gapMs)));
    captured = [];
    const context = {
      awsRequestId: `bench-${i}`,
      functionName: 'probe',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:1:function:probe',
    };
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await handler(event, context);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const logLines = captured
      .flatMap((text) => text.split('\n'))
      .filter((line) => line.includes('"check result"'))
      .map((line) => JSON.parse(line));
    await out({ invocation: i, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, logLines });
  }
  if (limited) {
    writeFileSync('/sys/fs/cgroup/cpu/cgroup.procs', String(process.pid));
    rmdirSync(group);
  }
  process.exit(0);
})();
