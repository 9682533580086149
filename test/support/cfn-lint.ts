/** cfn-lint on synthesized templates: what it finds, as its parseable lines ('' when nothing). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export function cfnLint(files: readonly string[]): Promise<string> {
  // W3005: CDK makes each function depend on its role and on its role's policy (aws-cdk-lib's Function);
  // the role is also read by GetAtt, so one of the two is redundant, which changes nothing at deploy.
  const args = ['--format', 'parseable', '--ignore-checks', 'W3005', '--', ...files];
  // cfn-lint exits 2 on errors and 4 on warnings, each listed on stdout; no cfn-lint at all fails too.
  return promisify(execFile)(process.env.CFN_LINT ?? 'cfn-lint', args, { maxBuffer: 16 << 20 }).then(
    ({ stdout }) => stdout.trim(),
    (error: { stdout?: string; code?: number | string }) =>
      typeof error.code === 'number' ? `exit ${error.code}: ${error.stdout}` : String(error),
  );
}
