/**
 * WITH CHECK OPTION (issue 9, task D): the checks of the views an INSERT
 * or UPDATE writes through (InsertQuery/UpdateQuery.viewChecks, made by
 * @pg/sql's view-update.ts), as PostgreSQL's ExecWithCheckOptions runs
 * its WCO_VIEW_CHECK entries: after the new row is written (and its index
 * entries, so a unique violation is reported first), each check in list
 * order (innermost view first) must be true for the new row, else 44000
 * "new row violates check option for view" with the failing row.
 */
import type { RelationDesc } from '@pg/catalog';
import type { InsertQuery, UpdateQuery } from '@pg/sql';
import { builtins, SqlError } from '@pg/types';
import type { ExecContext } from './context.js';
import { type RunOptions, rowDescription } from './execute.js';
import { evaluate, type ModifyPlanning, type RowExprs, type RowVars, rowExprs } from './modify.js';

/** One planned check: the view's name and its condition over the new row. */
export interface PlannedViewCheck {
  readonly viewName: string;
  readonly check: RowExprs;
}

/** The statement's view checks, over the target row (and the other entries' Vars) as parameters. */
export function planViewChecks(
  q: InsertQuery | UpdateQuery,
  rv: RowVars,
  p: ModifyPlanning,
): { viewChecks?: readonly PlannedViewCheck[] } {
  const checks = (q.viewChecks ?? []).flatMap((c) =>
    c.qual === undefined ? [] : [{ viewName: c.viewName, check: rowExprs([c.qual], rv, q, p) }],
  );
  return checks.length === 0 ? {} : { viewChecks: checks };
}

/** Runs the checks on a new row (`row`: its values, then the other entries' values). */
export async function runViewChecks(
  checks: readonly PlannedViewCheck[] | undefined,
  rel: RelationDesc,
  row: readonly unknown[],
  ctx: ExecContext,
  options: RunOptions,
): Promise<void> {
  for (const c of checks ?? []) {
    const [ok] = await evaluate(c.check, row, ctx, options);
    if (ok === true) continue;
    const values = row.slice(0, rel.columns.length);
    throw new SqlError('44000', `new row violates check option for view "${c.viewName}"`, {
      detail: `Failing row contains ${rowDescription(rel, values, ctx.typeContext, ctx.registry ?? builtins)}.`,
    });
  }
}
