import { defineConfig } from 'tsup';

/**
 * The build of every published package: ESM and CommonJS with type
 * declarations and source maps, for Node 20. `entries` are the package's
 * entry points (its `exports`): src/index.ts, and src/testing.ts where the
 * package has test helpers.
 */
export function packageBuild(entries: readonly string[] = ['src/index.ts', 'src/testing.ts']) {
  return defineConfig({
    entry: [...entries],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
  });
}
