import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Loopback servers and dynalite are light, but CDK synth bundles with esbuild: two workers fit a 2-core box.
    maxWorkers: 2,
    allowOnly: false,
    // The JSON report is what .ci/run counts passes and failures from.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
