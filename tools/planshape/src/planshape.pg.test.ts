/**
 * The plan-shape comparison against real PostgreSQL 15: every query must
 * plan on PostgreSQL itself, and at least thresholds.json's "matches" of
 * them must have the same shape on @pg/engine (the lead raises the number
 * as the planner improves). The report is printed whatever the outcome.
 */

import { comparePlans, formatReport, type PlanshapeReport, readThresholds } from '@pg/planshape';
import { describe, expect, it } from 'vitest';

describe('planshape', () => {
  it('matches at least thresholds.json of the queries', { timeout: 600_000 }, async () => {
    const report: PlanshapeReport = await comparePlans();
    process.stdout.write(formatReport(report));
    expect(report.setupErrors.filter((e) => e.side === 'reference')).toEqual([]);
    expect(report.queries.filter((q) => !q.reference.ok).map((q) => q.name)).toEqual([]);
    expect(report.total).toBeGreaterThanOrEqual(60);
    expect(report.matched).toBeGreaterThanOrEqual(readThresholds().matches);
  });
});
