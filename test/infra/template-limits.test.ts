/**
 * Every template a config makes deploys: under CloudFormation's limits (and cfn-lint's other rules), each
 * dashboard under CloudWatch's, and the arithmetic `vigil validate --target aws` and synth refuse with
 * (lib/template-limits.ts, lib/dashboard-layout.ts) at least what the synthesized templates really take.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Config, parseConfig } from '../../lambdas/config/parse.js';
import { checkFootprint, DASHBOARD_LIMITS, dashboardLayout } from '../../lib/dashboard-layout.js';
import { planStack, stackCost } from '../../lib/stack-config.js';
import { estimateTemplates, TEMPLATE_LIMITS } from '../../lib/template-limits.js';
import { VigilStack } from '../../lib/vigil-stack.js';
import { cfnLint } from '../support/cfn-lint.js';

const tcp = (i: number, extra: object = {}) => ({ id: `c${i}`, type: 'tcp', host: 'h', port: 1, ...extra });

const CONFIGS = {
  minimal: { checks: [tcp(0)] },
  'heartbeats, objectives and a status page': {
    defaults: { objectives: [{ availability: 99.9 }] },
    statusPage: { title: 'Acme status' },
    channels: {
      slack: { type: 'slack', webhookUrl: { secret: 'vigil/slack' } },
      pd: { type: 'pagerduty', routingKey: { secret: 'vigil/pd' } },
      mail: { type: 'email', address: 'ops@example.com' },
    },
    checks: [
      {
        id: 'api',
        name: 'Public "API"',
        type: 'http',
        url: 'https://api.example.com/health',
        interval: '30s',
        public: true,
        objectives: [{ availability: 99.9 }, { latency: { percent: 90, under: '2s' } }],
      },
      tcp(1, { interval: '5m' }),
      { id: 'nightly', type: 'heartbeat', cron: '0 2 * * *', token: { secret: 'vigil/nightly' }, dependsOn: ['api'] },
    ],
  },
  // Long names and ids, two objectives each: detail pages cut by body size, not by widgets.
  '400 long-named checks': {
    checks: Array.from({ length: 400 }, (_, i) => ({
      id: `${'service-'.repeat(7)}${i}`,
      name: `A rather long human name for check number ${i}`,
      type: 'http',
      url: 'https://x.example/',
      objectives: [{ availability: 99.9 }, { latency: { percent: 90, under: '2s' } }],
    })),
  },
  '5,000 checks every minute': { checks: Array.from({ length: 5000 }, (_, i) => tcp(i)) },
} as const;

interface Synthesized {
  readonly config: Config;
  readonly ms: number;
  /** File name → its bytes and parsed template. */
  readonly templates: ReadonlyMap<
    string,
    { bytes: number; template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> } }
  >;
  readonly dir: string;
}

function synthesize(document: object): Synthesized {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-limits-'));
  const app = new App({ outdir: dir, context: { 'aws:cdk:bundling-stacks': [] } });
  const config = parseConfig(document);
  new VigilStack(app, 'Vigil', { config, configDocument: document });
  app.synth();
  const ms = performance.now() - started;
  const files = readdirSync(dir).filter((f) => f.endsWith('.template.json'));
  const templates = new Map(
    files.map((f) => [f, { bytes: statSync(join(dir, f)).size, template: JSON.parse(readFileSync(join(dir, f), 'utf8')) }]),
  );
  return { config, ms, templates, dir };
}

/** A dashboard body with its tokens (the region, a log group) written as a long name would be. */
function bodyOf(resource: { Properties: Record<string, unknown> }): string {
  const body = resource.Properties.DashboardBody as string | { 'Fn::Join': [string, unknown[]] };
  if (typeof body === 'string') return body;
  return body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'ap-southeast-2-vigil-logs')).join('');
}

const synthesized = new Map<string, Synthesized>();
beforeAll(() => {
  for (const [name, document] of Object.entries(CONFIGS)) synthesized.set(name, synthesize(document));
}, 180_000);
const get = (name: keyof typeof CONFIGS) => synthesized.get(name) as Synthesized;

describe('templates under CloudFormation’s limits, dashboards under CloudWatch’s', () => {
  it.each(Object.keys(CONFIGS) as (keyof typeof CONFIGS)[])('%s', (name) => {
    const { config, templates } = get(name);
    const plan = planStack(config);
    const layout = dashboardLayout(config.checks);
    const estimate = estimateTemplates(config, plan.groups, layout);
    const main = templates.get('Vigil.template.json');
    const nested = [...templates.entries()].filter(([f]) => f.endsWith('.nested.template.json'));
    expect(nested).toHaveLength(layout.stacks.length);
    // The arithmetic counts exactly what synth makes, and never fewer bytes.
    expect(Object.keys(main?.template.Resources ?? {})).toHaveLength(estimate.resources);
    expect(estimate.bytes).toBeGreaterThanOrEqual(main?.bytes ?? Number.POSITIVE_INFINITY);
    // …and not so many more that a deployable config is refused (the heartbeats config is the loosest: 1.38).
    expect(estimate.bytes).toBeLessThan(1.5 * (main?.bytes ?? 0));
    const nestedSizes = nested.map(([, t]) => t.bytes).sort((a, b) => a - b);
    const estimated = [...estimate.nestedBytes].sort((a, b) => a - b);
    nestedSizes.forEach((bytes, i) => {
      expect(estimated[i]).toBeGreaterThanOrEqual(bytes);
    });
    for (const { bytes, template } of templates.values()) {
      expect(bytes).toBeLessThanOrEqual(TEMPLATE_LIMITS.bytes);
      expect(Object.keys(template.Resources).length).toBeLessThanOrEqual(TEMPLATE_LIMITS.resources);
    }
    // Every check on a dashboard, and every dashboard under CloudWatch's limits.
    const dashboards = [...templates.values()].flatMap(({ template }) =>
      Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard'),
    );
    expect(dashboards).toHaveLength(1 + layout.pages.length);
    const drawn = new Set<string>();
    for (const dashboard of dashboards) {
      const body = bodyOf(dashboard);
      const widgets = JSON.parse(body).widgets as { properties: { metrics?: unknown[][] } }[];
      expect(body.length).toBeLessThanOrEqual(DASHBOARD_LIMITS.bodyBytes);
      expect(widgets.length).toBeLessThanOrEqual(DASHBOARD_LIMITS.widgets);
      const metrics = widgets.map((w) => w.properties.metrics ?? []);
      expect(metrics.reduce((n, m) => n + m.length, 0)).toBeLessThanOrEqual(DASHBOARD_LIMITS.metrics);
      for (const m of metrics) expect(m.length).toBeLessThanOrEqual(DASHBOARD_LIMITS.metricsPerWidget);
      for (const line of metrics.flat() as unknown[][]) if (line[2] === 'CheckId') drawn.add(String(line[3]));
    }
    expect(drawn.size).toBe(config.checks.length);
  });

  it('keeps the estimate of each check’s graphs at least their real size', () => {
    for (const name of Object.keys(CONFIGS) as (keyof typeof CONFIGS)[]) {
      const { config, templates } = get(name);
      const layout = dashboardLayout(config.checks);
      if (!layout.single) continue;
      const [dashboard] = Object.values(templates.get('Vigil.template.json')?.template.Resources ?? {}).filter(
        (r) => r.Type === 'AWS::CloudWatch::Dashboard',
      );
      const estimated = config.checks.reduce((n, c) => n + checkFootprint(c).bytes, 0);
      expect(estimated).toBeGreaterThanOrEqual(bodyOf(dashboard as never).length - 2_000);
    }
  });

  it('cuts 5,000 checks into detail pages in nested stacks, with a fleet overview by search', () => {
    const { config, templates, ms } = get('5,000 checks every minute');
    const layout = dashboardLayout(config.checks);
    // 500 widgets: a heading and 249 checks of two graphs each.
    expect(layout.pages.map((p) => p.length)).toEqual([...Array(20).fill(249), 20]);
    expect(layout.stacks).toHaveLength(7);
    const main = templates.get('Vigil.template.json');
    const [overview] = Object.values(main?.template.Resources ?? {}).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    const body = bodyOf(overview as never);
    expect(body).toContain(`SORT(SEARCH('{Vigil,CheckId} MetricName=\\"Availability\\"', 'Average', 300), MIN, ASC, 10)`);
    expect(body).toContain('dashboards:name=Vigil-vigil-21');
    expect(body).toContain('Timing phases per check');
    // `vigil cost` prices the 22 dashboards.
    expect(stackCost(config).lines.find((l) => l.item === 'CloudWatch dashboard')).toMatchObject({
      usage: '22 dashboards',
      usd: 66,
    });
    // What the suite pays for it (measured: about 10 s on a 2-core box).
    expect(ms).toBeLessThan(60_000);
  });
});

describe('cfn-lint', () => {
  it.each(Object.keys(CONFIGS) as (keyof typeof CONFIGS)[])(
    '%s: no errors, no warnings',
    async (name) => {
      const { dir, templates } = get(name);
      expect(await cfnLint([...templates.keys()].map((f) => join(dir, f)))).toBe('');
    },
    120_000,
  );
});

describe('refusing what cannot deploy, with the arithmetic', () => {
  it('refuses more than 500 resources in one template', () => {
    // At 128 MB a 10 s shard holds 45 checks: 11,250 checks make 250 shards of a rule and a permission each.
    const config = parseConfig({ checks: Array.from({ length: 11_250 }, (_, i) => tcp(i, { interval: '10s' })) });
    expect(() => planStack(config, 'vigil.yaml', { probeMemoryMb: 128 })).toThrow(
      /the stack needs 5\d\d resources \(34 of its own, 2 for each of 250 schedule shards, .*\), over CloudFormation's 500 in one template/,
    );
  });

  it('refuses a template over 1 MB', () => {
    // 60-character ids: a shard's event fits about 128 of them in EventBridge's 8,192 characters.
    const config = parseConfig({
      checks: Array.from({ length: 13_000 }, (_, i) => ({ ...tcp(i), id: `${'x'.repeat(54)}-${String(i).padStart(5, '0')}` })),
    });
    expect(() => planStack(config)).toThrow(
      /the stack's template would be about 1,\d{3} KB \(\d+ schedule shards list their check ids\), over CloudFormation's 1,000 KB/,
    );
  });
});

describe('the estimate with locations', () => {
  it('counts a permission for each location region’s health topic on each notifier function', () => {
    const base = {
      channels: {
        chat: { type: 'slack', webhookUrl: { secret: 'vigil/slack' } },
        pager: { type: 'pagerduty', routingKey: { secret: 'vigil/pd' } },
        mail: { type: 'email', address: 'ops@example.com' },
      },
      checks: [tcp(0), tcp(1)],
    };
    const located = parseConfig({
      ...base,
      locations: [
        { name: 'eu', region: 'eu-west-1' },
        { name: 'eu-2', region: 'eu-west-1' },
        { name: 'us', region: 'us-east-1' },
        { name: 'idle', region: 'ap-southeast-2' },
      ],
      checks: [tcp(0, { locations: ['eu', 'eu-2'] }), tcp(1, { locations: ['us'] })],
    });
    const plain = parseConfig(base);
    const resources = (config: Config) => {
      const { groups } = planStack(config);
      return estimateTemplates(config, groups, dashboardLayout(config.checks)).resources;
    };
    // Two regions probe (a location no check names has no probe): two function channels × two.
    expect(resources(located) - resources(plain)).toBe(4);
  });
});
