/**
 * Model-based: random DDL in random transactions that commit or roll back
 * (an error rolls back, as a failed statement does), checked after every
 * step against a simple model of the catalog — the descriptors session A
 * (inside its transaction) and session B (a second session with its own
 * relation cache, outside it) get from their relation caches. B keeps its
 * cache across steps, so a missed invalidation shows as a stale descriptor.
 */

import type { CatalogTxn } from '@pg/catalog';
import { catalogHarness, checkCatalogIndexes } from '@pg/catalog/testing';
import { SqlError } from '@pg/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyModel,
  clone,
  type Model,
  type Op,
  opArb,
  project,
  projectModel,
  runOp,
  TABLES,
} from './internal/ddl-model.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 10);
const NO_EXAMPLES: [Op[]][] | undefined = process.env.NO_EXAMPLES ? [] : undefined;

describe('catalog DDL against a model', () => {
  it('relation caches of both sessions agree with the model after every step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 30 }), async (ops) => {
        const h = catalogHarness({ sharedBuffers: 256 });
        const a = h.session();
        const b = h.session();
        let committed: Model = new Map();
        let current: Model = new Map();
        /** the model at each open savepoint, outermost first */
        const savepoints: Model[] = [];
        const check = () => {
          for (const name of TABLES) {
            const ad = a.run((cat) => project(cat.lookupRelation('public', name)));
            // index order: by OID = creation order, as the model appends
            expect(ad, `session A sees ${name}`).toEqual(projectModel(current, name));
          }
          for (const name of TABLES) {
            const bd = b.run((cat) => project(cat.lookupRelation('public', name)));
            expect(bd, `session B sees ${name}`).toEqual(projectModel(committed, name));
          }
          b.rollback();
        };
        for (const op of ops) {
          if (op.kind === 'commit') {
            await a.commit();
            committed = clone(current);
            savepoints.length = 0;
          } else if (op.kind === 'rollback') {
            a.rollback();
            current = clone(committed);
            savepoints.length = 0;
          } else if (op.kind === 'savepoint') {
            a.run(() => undefined); // inside a transaction block
            a.savepoint(`s${savepoints.length}`);
            savepoints.push(clone(current));
          } else if (op.kind === 'rollbackTo') {
            if (savepoints.length === 0) continue;
            a.rollbackTo(`s${savepoints.length - 1}`); // the savepoint stays
            current = clone(savepoints.at(-1) as Model);
          } else if (
            op.kind === 'dropIndex' &&
            current.get(TABLES[op.t] as string)?.indexes[op.i]?.unique
          ) {
            // dropping a constraint's index is refused and aborts the transaction
            let code: string | undefined;
            try {
              a.run((cat) => runOp(cat, op, current));
            } catch (e) {
              code = (e as SqlError).code;
            }
            expect(code).toBe('2BP01');
            current = clone(committed);
            savepoints.length = 0;
          } else {
            const next = clone(current);
            const expected = applyModel(next, op);
            if (expected === 'skip') continue;
            let code: string | undefined;
            try {
              a.run((cat) => runOp(cat, op, current));
            } catch (e) {
              if (!(e instanceof SqlError)) throw e;
              code = e.code;
            }
            expect(code, JSON.stringify(op)).toBe(expected);
            current = expected === undefined ? next : clone(committed);
            if (expected !== undefined) savepoints.length = 0; // the error ended the transaction block
          }
          check();
        }
        // C1 at the end (a full pass over every catalog is slow): index lookups agree with the heaps
        a.run(() => undefined);
        expect(checkCatalogIndexes(h.cluster, 5, a.txn as CatalogTxn)).toEqual([]);
        a.rollback();
      }),
      {
        numRuns: RUNS,
        examples: NO_EXAMPLES ?? [
          [
            [
              { kind: 'createTable', t: 0, cols: [0], types: [false, false, false] },
              { kind: 'commit' },
              { kind: 'addColumn', t: 0, c: 1, text: false },
              { kind: 'commit' },
            ],
          ],
          [
            [
              { kind: 'createTable', t: 0, cols: [0], types: [false, false, false] },
              { kind: 'commit' },
              { kind: 'savepoint' },
              { kind: 'addColumn', t: 0, c: 1, text: false },
              { kind: 'createTable', t: 1, cols: [0], types: [true, false, false] },
              { kind: 'rollbackTo' },
              { kind: 'commit' },
            ],
          ],
        ],
      },
    );
  }, 300_000);
});
