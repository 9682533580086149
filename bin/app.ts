/** The CDK app: reads the same vigil.yaml as the CLI; a bad config fails synth with the CLI's message. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { costLine } from '../lambdas/cli/cost.js';
import { loadConfigFile } from '../lambdas/config/file.js';
import { UserError } from '../lambdas/core/errors.js';
import { vigilStacks } from '../lib/locations.js';
import { acknowledgeNagFindings } from '../lib/nag-suppressions.js';
import { stackCost } from '../lib/stack-config.js';

const app = new App();
const configPath = String(app.node.tryGetContext('vigil:config') ?? 'vigil.yaml');
const stackName = String(app.node.tryGetContext('vigil:stackName') ?? 'Vigil');

try {
  const loaded = loadConfigFile(configPath);
  // One stack; with `locations`, a home stack and a probe stack per region of them (lib/locations.ts).
  const { home: stack } = vigilStacks(app, stackName, {
    config: loaded.config,
    configDocument: loaded.document,
    configSource: configPath,
    allowPlainSecrets: String(app.node.tryGetContext('vigil:allowPlainSecrets') ?? 'false') === 'true',
    ...(app.node.tryGetContext('vigil:probeMemoryMb')
      ? { probeMemoryMb: Number(app.node.tryGetContext('vigil:probeMemoryMb')) }
      : {}),
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  acknowledgeNagFindings(stack.vigil);
  process.stderr.write(`vigil: ${costLine(stackCost(loaded.config, stack.vigil.probeMemoryMb))}\n`);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
} catch (error) {
  if (!(error instanceof UserError)) throw error;
  process.stderr.write(`vigil: ${error.message}\n`);
  process.exit(2);
}
