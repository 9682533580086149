import { configDefaults, defineConfig } from 'vitest/config';
import suite from './vitest.config.js';

// `npm run e2e:aws`: only the stack on moto (test/e2e-aws), which the suite excludes, with the suite's other settings.
export default defineConfig({
  test: { ...suite.test, include: ['test/e2e-aws/**/*.test.ts'], exclude: configDefaults.exclude },
});
