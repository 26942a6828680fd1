import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { sharedTestOptions } from '../../tools/vitest.shared.js';

// Tests import the package by its name, so they see only the public interface.
export default defineConfig({
  resolve: {
    alias: {
      '@pg/server': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
    },
  },
  test: { ...sharedTestOptions, setupFiles: ['./vitest.setup.ts'] },
});
