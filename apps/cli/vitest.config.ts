import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // every test runs the built `rvft` binary in a real process
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
