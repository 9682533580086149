import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Packs and installs the package, over a minute of two cores: `npm run e2e:package` (vitest.package.config.ts).
    // The stack on moto (test/e2e-aws, 40 to 70 s on two shared cores, moto_server on every machine of this kind) is part of the
    // suite; `npm run e2e:aws` runs it alone.
    exclude: [...configDefaults.exclude, 'test/e2e/package.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Loopback servers and dynalite are light, but CDK synth bundles with esbuild: two workers fit a 2-core box.
    maxWorkers: 2,
    allowOnly: false,
    // One temporary folder for the whole run, removed at its end.
    globalSetup: ['test/support/temp-root.ts'],
    // The SDK's notice that Node 20 support ends is for deployers, not test output (Lambdas run nodejs24.x).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // The JSON report is what .ci/run counts passes and failures from.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
