/**
 * INTERSECT / EXCEPT (PostgreSQL's nodeSetOp.c) and WITH RECURSIVE
 * (nodeRecursiveunion.c).
 *
 * SetOp counts, for each distinct row (NULLs equal, the columns' types'
 * equality), its copies on the left (cL) and on the right (cR):
 *   INTERSECT      one copy when cL > 0 and cR > 0
 *   INTERSECT ALL  min(cL, cR) copies
 *   EXCEPT         one copy when cL > 0 and cR = 0
 *   EXCEPT ALL     max(cL - cR, 0) copies
 * Rows come out in the order of their first appearance on the left (so a
 * sorted input gives sorted output).
 */
import type { RecursiveUnionNode, SetOpNode } from '@pg/planner';
import type { Builder } from './builder.js';
import type { ExecNode } from './node.js';
import { genNode, RowKeyOps, RowMap } from './rowutil.js';

export function buildSetOp(b: Builder, node: SetOpNode): ExecNode {
  const left = b.build(node.left);
  const right = b.build(node.right);
  const width = node.left.output.length;
  const ops = new RowKeyOps(
    node.left.output.map((e) => e.type),
    b.cx.registry,
  );
  return genNode(
    function* () {
      const counts = new RowMap<{ row: unknown[]; l: number; r: number }>(ops);
      const order: { row: unknown[]; l: number; r: number }[] = [];
      for (let row = left.next(); row !== undefined; row = left.next()) {
        const key = row.length === width ? row : row.slice(0, width);
        const e = counts.get(key);
        if (e !== undefined) e.l++;
        else {
          const n = { row: key, l: 1, r: 0 };
          counts.set(key, n);
          order.push(n);
        }
      }
      for (let row = right.next(); row !== undefined; row = right.next()) {
        const e = counts.get(row);
        if (e !== undefined) e.r++;
      }
      for (const e of order) {
        let copies: number;
        if (node.op === 'intersect')
          copies = node.all ? Math.min(e.l, e.r) : e.l > 0 && e.r > 0 ? 1 : 0;
        else copies = node.all ? Math.max(e.l - e.r, 0) : e.r === 0 ? 1 : 0;
        for (let i = 0; i < copies; i++) yield e.row;
      }
    },
    {
      rescan: () => {
        left.rescan();
        right.rescan();
      },
      close: () => {
        left.close();
        right.close();
      },
    },
  );
}

/**
 * The non-recursive term's rows, then the recursive term run again and
 * again over the previous iteration's rows (the work table) until it
 * returns none. UNION (not ALL) discards any row seen before, which also
 * ends cycles.
 */
export function buildRecursiveUnion(b: Builder, node: RecursiveUnionNode): ExecNode {
  const nonRecursive = b.build(node.nonRecursive);
  const recursive = b.build(node.recursive);
  const width = node.output.length;
  const ops = new RowKeyOps(
    node.output.map((e) => e.type),
    b.cx.registry,
  );
  return genNode(
    function* () {
      const seen = node.all ? undefined : new RowMap<true>(ops);
      const keep = (row: unknown[]): boolean => {
        if (seen === undefined) return true;
        if (seen.get(row) !== undefined) return false;
        seen.set(row, true);
        return true;
      };
      let work: unknown[][] = [];
      nonRecursive.rescan();
      for (let r = nonRecursive.next(); r !== undefined; r = nonRecursive.next()) {
        const row = r.length === width ? r : r.slice(0, width);
        if (!keep(row)) continue;
        work.push(row);
        yield row;
      }
      let n = 0;
      while (work.length > 0) {
        b.worktables.set(node.worktable, work);
        recursive.rescan();
        const next: unknown[][] = [];
        for (let r = recursive.next(); r !== undefined; r = recursive.next()) {
          if (++n % 4096 === 0) b.cx.checkInterrupts();
          const row = r.length === width ? r : r.slice(0, width);
          if (!keep(row)) continue;
          next.push(row);
          yield row;
        }
        work = next;
      }
      b.worktables.delete(node.worktable);
    },
    {
      close: () => {
        nonRecursive.close();
        recursive.close();
      },
    },
  );
}
