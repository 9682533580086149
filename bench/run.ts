/** `npm run bench -- <name>`: benchmarks, never part of `npm test`. */
import { benchAlerts } from './alerts.js';
import { benchCli } from './cli.js';
import { benchLambda } from './lambda.js';
import { benchMonitor } from './monitor.js';
import { benchProbe } from './probe.js';
import { benchReport } from './report.js';
import { benchSoak } from './soak.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const BENCHES: Record<string, () => Promise<void>> = {
  probe: benchProbe,
  alerts: benchAlerts,
  soak: benchSoak,
  lambda: benchLambda,
  monitor: benchMonitor,
  cli: benchCli,
  report: benchReport,
};

const names = process.argv.slice(2);
const unknown = names.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  process.stderr.write(`unknown bench ${unknown.join(', ')}; have: ${Object.keys(BENCHES).join(', ')}\n`);
  process.exit(2);
}
for (const name of names.length > 0 ? names : Object.keys(BENCHES)) await BENCHES[name]?.();
