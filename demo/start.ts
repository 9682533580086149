/**
 * `npm start`: no network, no AWS. Starts a demo service that fails and recovers, local stand-ins
 * for Slack and PagerDuty, and `vigil monitor` on a demo config; stops after the recovery alert.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorCommand } from '../lambdas/cli/monitor.js';
import { parseText } from '../lambdas/config/file.js';
import { parseConfig } from '../lambdas/config/parse.js';
import { startDemoService, startPrintingReceiver } from './service.js';

// Locally the SDK only talks to the embedded dynalite; its Node 20 end-of-support notice is noise
// here (the Lambdas run on nodejs24.x).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const DEADLINE_MS = 90_000;
const print = (text: string) => process.stdout.write(`${text}\n`);

const service = await startDemoService({ healthyMs: 3_000, unhealthyMs: 6_000 });
const slack = await startPrintingReceiver('Slack', print);
const pagerduty = await startPrintingReceiver('PagerDuty', print);
const template = readFileSync(new URL('./vigil.demo.yaml', import.meta.url), 'utf8')
  .replaceAll('{{SERVICE_URL}}', service.url)
  .replaceAll('{{PAGERDUTY_EVENTS_URL}}', `${pagerduty.url}/v2/enqueue`);
const config = parseConfig(parseText(template, 'demo/vigil.demo.yaml'), 'demo/vigil.demo.yaml');
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-demo-'));

print(`Demo service at ${service.url}/health: healthy for 3 s, then unhealthy for 6 s, then healthy again.`);
print('Vigil checks it every second; 3 failures in a row open an incident, 2 successes resolve it.\n');

const controller = new AbortController();
const alerts: string[] = [];
const deadline = setTimeout(() => controller.abort(), DEADLINE_MS);
const exitCode = await monitorCommand(
  config,
  {
    dataDir,
    onAlert: (event) => {
      alerts.push(event.kind);
      if (event.kind === 'recovered') setTimeout(() => controller.abort(), 200);
    },
  },
  {
    stdout: print,
    stderr: (text) => process.stderr.write(`${text}\n`),
    env: { ...process.env, DEMO_SLACK_WEBHOOK_URL: `${slack.url}/services/T000/B000/XXXX` },
    signal: controller.signal,
    fetch: globalThis.fetch,
  },
);
clearTimeout(deadline);
await Promise.all([service.close(), slack.close(), pagerduty.close()]);
rmSync(dataDir, { recursive: true, force: true });

const complete = alerts.includes('down') && alerts.includes('recovered');
print(
  complete
    ? '\nDemo complete: one incident opened and resolved.'
    : `\nDemo incomplete: alerts seen: ${alerts.join(', ') || 'none'}`,
);
print('Next: edit vigil.yaml, then `npx vigil check`, `npx vigil monitor`, `npx cdk deploy`.');
process.exitCode = complete && exitCode === 0 ? 0 : 1;
