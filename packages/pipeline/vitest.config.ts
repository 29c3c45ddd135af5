import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    setupFiles: ['./test/setup.ts'],
    testTimeout: 120_000,
    // a beforeAll that trains must not fail on a loaded machine: hooks get the tests' limit
    hookTimeout: 120_000,
  },
});
