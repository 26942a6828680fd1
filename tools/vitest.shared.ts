/**
 * Test settings every package shares: where tests live, generous timeouts
 * for tests that start a real PostgreSQL, and a JSON report per package that
 * tools/test-summary.mjs sums into the suite's closing line.
 */
export const sharedTestOptions = {
  include: ['src/**/*.test.ts'],
  testTimeout: 120_000,
  hookTimeout: 120_000,
  reporters: ['default', 'json'],
  outputFile: { json: '.test-results.json' },
};
