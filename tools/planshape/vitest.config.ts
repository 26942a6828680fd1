import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { sharedTestOptions } from '../vitest.shared.js';

// Tests import the package by its name, so they see only the public interface;
// the alias points that name at the sources so no build is needed in between.
export default defineConfig({
  resolve: {
    alias: {
      '@pg/planshape': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
    },
  },
  test: sharedTestOptions,
});
