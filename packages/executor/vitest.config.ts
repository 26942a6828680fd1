import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { sharedTestOptions } from '../../tools/vitest.shared.js';

// Tests import the package by its name, so they see only the public interface;
// the aliases point those names at the sources so no build is needed in between.
export default defineConfig({
  resolve: {
    alias: {
      '@pg/executor/testing': fileURLToPath(new URL('./src/testing.ts', import.meta.url)),
      '@pg/executor': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      // the analyzer's sources (its package is built by another issue step; no dist needed here)
      '@pg/sql': fileURLToPath(new URL('../sql/src/index.ts', import.meta.url)),
    },
  },
  test: { ...sharedTestOptions, setupFiles: ['./vitest.setup.ts'] },
});
