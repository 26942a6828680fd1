/**
 * CI runs the property tests with a fixed seed so that a red run can be
 * replayed exactly; locally seeds are random, and PG_PROPERTY_SEED pins one.
 */
import fc from 'fast-check';

const seed = process.env.PG_PROPERTY_SEED ?? (process.env.CI ? '20261121' : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });
