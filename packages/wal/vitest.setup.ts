/**
 * In CI the property tests of this package run with a fixed seed, so a run
 * is reproducible: one unexplained failure was seen in about 180 local runs
 * while the package was written (see the README, "Not implemented yet").
 * Locally, and with PG_PROPERTY_SEED set, seeds stay random or as given.
 */
import fc from 'fast-check';

const seed = process.env.PG_PROPERTY_SEED ?? (process.env.CI ? '20261121' : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });
