import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { sharedTestOptions } from '../../tools/vitest.shared.js';

// Tests import the package by its name, so they see only the public interface;
// the aliases point those names at the sources so no build is needed in between.
export default defineConfig({
  resolve: {
    alias: {
      '@pg/engine/testing': fileURLToPath(new URL('./src/testing.ts', import.meta.url)),
      '@pg/engine': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
    },
  },
  // The engine's tests are the suite's longest chain (every package builds before
  // them): two workers, so they use both cores once the other packages are done.
  test: { ...sharedTestOptions, maxWorkers: 2, setupFiles: ['./vitest.setup.ts'] },
});
