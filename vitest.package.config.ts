import { configDefaults, defineConfig } from 'vitest/config';
import suite from './vitest.config.js';

// `npm run e2e:package`: only the test that packs and installs the package, with the suite's other settings.
export default defineConfig({
  test: { ...suite.test, include: ['test/e2e/package.test.ts'], exclude: configDefaults.exclude },
});
