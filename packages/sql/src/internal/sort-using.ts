/**
 * ORDER BY ... USING op (in a SELECT's ORDER BY, an aggregate's and a
 * window's): the operator must be an ordering operator of the sort
 * expression's type; it decides the direction.
 */
import { TypeOid } from '@pg/types';
import { Code } from './errors.js';
import { errorAt, makeOp, type ParseState } from './expr.js';
import type { PNode } from './parse.js';
import type { Expr } from './query.js';

/**
 * `ORDER BY x USING op`: op(type, type) must be the "<" or ">" member of
 * the type's btree operator family; ">" sorts descending (and, by
 * default, NULLs first, as DESC does).
 */
export function usingDescending(ps: ParseState, s: PNode, e: Expr): boolean {
  const names: string[] = (s.useOp as PNode[]).map((x: PNode) => x.String.sval);
  const name = names[names.length - 1]!;
  const placeholder: Expr = { kind: 'const', value: null, type: e.type, typmod: e.typmod };
  let isBool: boolean;
  try {
    isBool = makeOp(ps, name, placeholder, placeholder, s.location).type === TypeOid.bool;
  } catch (err) {
    // text @@ text (text search) exists in PostgreSQL, not here: it is no ordering operator either
    if (!(e.type === TypeOid.text && name === '@@')) throw err;
    isBool = false;
  }
  const ordering = name === '<' || name === '>' || name === '~<~' || name === '~>~';
  if (!ordering || !isBool) {
    throw errorAt(
      ps,
      Code.WRONG_OBJECT_TYPE,
      `operator ${name} is not a valid ordering operator`,
      s.location,
      { hint: 'Ordering operators must be "<" or ">" members of btree operator families.' },
    );
  }
  return name === '>' || name === '~>~';
}

/** A SortBy node with USING replaced by the ASC or DESC its operator means (else unchanged). */
export function resolveUsing(ps: ParseState, sortBy: PNode, e: Expr): PNode {
  if (sortBy.sortby_dir !== 'SORTBY_USING') return sortBy;
  const desc = usingDescending(ps, sortBy, e);
  return { ...sortBy, sortby_dir: desc ? 'SORTBY_DESC' : 'SORTBY_ASC' };
}
