import { catalogHarness } from '@pg/catalog/testing';
import { ForkNumber } from '@pg/storage';
import { SqlError } from '@pg/types';
import { describe, expect, it } from 'vitest';

const INT4 = 23;
const TEXT = 25;

function sqlError(fn: () => unknown): SqlError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SqlError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('bootstrap', () => {
  it('describes the catalogs themselves', () => {
    const h = catalogHarness();
    const s = h.session();
    const d = s.run((c) => c.lookupRelation(undefined, 'pg_class'));
    expect(d?.oid).toBe(1259);
    expect(d?.columns.map((c) => c.name).slice(0, 4)).toEqual([
      'oid',
      'relname',
      'relnamespace',
      'reltype',
    ]);
    expect(d?.indexes.map((i) => [i.oid, i.name])).toEqual([
      [2662, 'pg_class_oid_index'],
      [2663, 'pg_class_relname_nsp_index'],
      [3455, 'pg_class_tblspc_relfilenode_index'],
    ]);
    const db = s.run((c) => c.lookupRelation('pg_catalog', 'pg_database'));
    expect(db?.shared).toBe(true);
    expect(s.run((c) => c.namespaceOid('public'))).toBe(2200);
    // the executor can scan a catalog through open()
    const rows = s.run((c) => {
      const o = c.openTable(2615);
      return [
        ...o.heap.scan(h.procArray.getSnapshotData(s.id, 0), {
          log: h.transam,
          isCurrentTransactionId: () => false,
        }),
      ].map((r) => r.values[1]);
    });
    expect(rows).toEqual(['pg_catalog', 'pg_toast', 'public', 'information_schema']);
  });
});

describe('DDL', () => {
  it('creates a table with its row type, defaults and system columns', async () => {
    const h = catalogHarness();
    const s = h.session();
    const oid = s.run((c) =>
      c.createTable({
        namespace: 'public',
        name: 't',
        columns: [
          { name: 'a', typeOid: INT4, typmod: -1, notNull: true },
          { name: 'b', typeOid: TEXT, typmod: -1, notNull: false, defaultExpr: "'x'::text" },
        ],
      }),
    );
    expect(oid).toBeGreaterThanOrEqual(16384);
    const d = s.run((c) => c.lookupRelation(undefined, 't'));
    expect(d?.columns).toMatchObject([
      { attnum: 1, name: 'a', typeOid: INT4, notNull: true, hasDefault: false },
      { attnum: 2, name: 'b', typeOid: TEXT, hasDefault: true, defaultExpr: "'x'::text" },
    ]);
    // another session does not see it before commit
    const other = h.session();
    expect(other.run((c) => c.lookupRelation(undefined, 't'))).toBeUndefined();
    await s.commit();
    expect(other.run((c) => c.lookupRelation(undefined, 't'))?.oid).toBe(oid);
    expect(
      sqlError(() => s.run((c) => c.createTable({ namespace: 'public', name: 't', columns: [] })))
        .message,
    ).toBe('relation "t" already exists');
    const e = sqlError(() =>
      s.run((c) =>
        c.createTable({
          namespace: 'public',
          name: 'u',
          columns: [
            { name: 'a', typeOid: INT4, typmod: -1, notNull: false },
            { name: 'a', typeOid: INT4, typmod: -1, notNull: false },
          ],
        }),
      ),
    );
    expect([e.code, e.message]).toEqual(['42701', 'column "a" specified more than once']);
    expect(
      sqlError(() => s.run((c) => c.createTable({ namespace: 'nope', name: 'u', columns: [] })))
        .code,
    ).toBe('3F000');
  });

  it('builds indexes over existing rows with PostgreSQL names and unique errors', async () => {
    const h = catalogHarness();
    const s = h.session();
    const t = s.run((c) =>
      c.createTable({
        namespace: 'public',
        name: 't',
        columns: [
          { name: 'a', typeOid: INT4, typmod: -1, notNull: false },
          { name: 'b', typeOid: INT4, typmod: -1, notNull: false },
        ],
      }),
    ) as number;
    await s.commit();
    s.run((c) => {
      const o = c.openTable(t);
      const w = h.manager;
      for (const v of [
        [1, 10],
        [2, 20],
        [1, 30],
      ])
        o.heap.insert(v, w.getXid(s.id), w.commandId(s.id, true));
    });
    await s.commit();
    const names = s.run((c) => {
      const i1 = c.createIndex({ table: t, columns: [1] });
      const i2 = c.createIndex({ table: t, columns: [1, 2] });
      const i3 = c.createIndex({ table: t, columns: [1] });
      return [i1, i2, i3].map((i) => c.relation(i as number)?.name);
    });
    expect(names).toEqual(['t_a_idx', 't_a_b_idx', 't_a_idx1']);
    const e = sqlError(() =>
      s.run((c) => c.createIndex({ table: t, columns: [1], unique: true, constraint: true })),
    );
    expect([e.code, e.message, e.detail]).toEqual([
      '23505',
      'could not create unique index "t_a_key"',
      'Key (a)=(1) is duplicated.',
    ]);
    // the failed statement aborted the transaction: its indexes are gone
    expect(s.run((c) => c.relation(t)?.indexes.length)).toBe(0);
    const pk = s.run((c) => c.createIndex({ table: t, columns: [2], primary: true })) as number;
    const d = s.run((c) => c.relation(t));
    expect(d?.indexes).toMatchObject([
      {
        oid: pk,
        name: 't_pkey',
        primary: true,
        unique: true,
        constraintName: 't_pkey',
        columns: [2],
      },
    ]);
    expect(d?.columns[1]?.notNull).toBe(true);
    // the index finds the rows
    const found = s.run((c) => {
      const o = c.openTable(t);
      const scan = o.indexes[0]!.index.beginScan();
      scan.rescan([{ attno: 1, strategy: 3, argument: 20 }]);
      const r = scan.next();
      scan.end();
      return (
        r &&
        o.heap.fetch(r.tid, h.procArray.getSnapshotData(s.id, 10), {
          log: h.transam,
          isCurrentTransactionId: () => false,
        })?.values
      );
    });
    expect(found).toEqual([2, 20]);
    const e2 = sqlError(() => s.run((c) => c.dropRelation(pk)));
    expect([e2.code, e2.message, e2.hint]).toEqual([
      '2BP01',
      'cannot drop index t_pkey because constraint t_pkey on table t requires it',
      'You can drop constraint t_pkey on table t instead.',
    ]);
  });

  it('partial and expression indexes: indkey 0, indexprs/indpred text, entries from entryOf', async () => {
    const h = catalogHarness();
    const s = h.session();
    const t = s.run((c) =>
      c.createTable({
        namespace: 'public',
        name: 't',
        columns: [
          { name: 'a', typeOid: INT4, typmod: -1, notNull: false },
          { name: 'b', typeOid: INT4, typmod: -1, notNull: false },
        ],
      }),
    ) as number;
    await s.commit();
    s.run((c) => {
      const o = c.openTable(t);
      for (const v of [
        [1, 10],
        [2, 20],
        [3, 30],
      ])
        o.heap.insert(v, h.manager.getXid(s.id), h.manager.commandId(s.id, true));
    });
    await s.commit();
    // what the engine computes: key (a, a + b) for rows with b > 10
    const entryOf = (v: readonly unknown[]) =>
      (v[1] as number) > 10 ? [v[0], (v[0] as number) + (v[1] as number)] : undefined;
    const ix = s.run((c) =>
      c.createIndex({
        table: t,
        columns: [1, 0],
        expressions: [{ text: '(a + b)', name: 'expr', typeOid: INT4, typmod: -1 }],
        predicate: '(b > 10)',
        entryOf,
      }),
    ) as number;
    await s.commit();
    const d = s.run((c) => c.relation(t)?.indexes[0]);
    expect(d).toMatchObject({
      oid: ix,
      name: 't_a_expr_idx',
      columns: [1, 0],
      expressions: [{ text: '(a + b)', name: 'expr', typeOid: INT4, typmod: -1 }],
      predicate: '(b > 10)',
    });
    const keys = s.run((c) => {
      const scan = c.openTable(t).indexes[0]!.index.beginScan();
      scan.rescan([]);
      const out: unknown[] = [];
      for (let r = scan.next(); r !== null; r = scan.next()) out.push(r.values);
      scan.end();
      return out;
    });
    expect(keys).toEqual([
      [2, 22],
      [3, 33],
    ]);
    const def = s.run((c) => [
      ...(c.open(c.relnameRelid('pg_indexes', 11) as number).rows?.() ?? []),
    ]);
    expect(JSON.stringify(def)).toContain(
      'CREATE INDEX t_a_expr_idx ON public.t USING btree (a, ((a + b))) WHERE (b > 10)',
    );
  });

  it('an index built after HOT updates points at the chain roots', async () => {
    const h = catalogHarness();
    const s = h.session();
    const t = s.run((c) =>
      c.createTable({
        namespace: 'public',
        name: 't',
        columns: [
          { name: 'a', typeOid: INT4, typmod: -1, notNull: false },
          { name: 'b', typeOid: INT4, typmod: -1, notNull: false },
        ],
      }),
    ) as number;
    await s.commit();
    const tid = s.run((c) =>
      c.openTable(t).heap.insert([1, 10], h.manager.getXid(s.id), h.manager.commandId(s.id, true)),
    );
    await s.commit();
    // a HOT update (no index yet): the new version is a heap-only tuple at another offset
    s.run((c) => {
      const w = s.txn!.writer();
      const r = c.openTable(t).heap.update(tid, [1, 20], w);
      expect(r.result).toBe('TM_Ok');
      expect('tid' in r && r.tid?.offset).toBe(2);
    });
    await s.commit();
    s.run((c) => c.createIndex({ table: t, columns: [2] }));
    const fetched = s.run((c) => {
      const o = c.openTable(t);
      const scan = o.indexes[0]!.index.beginScan();
      scan.rescan([{ attno: 1, strategy: 3, argument: 20 }]);
      const r = scan.next();
      scan.end();
      expect(r?.tid).toEqual({ block: 0, offset: 1 }); // the root
      return r && o.heap.fetch(r.tid, s.txn!.snapshot(), s.txn!.ctx)?.values;
    });
    expect(fetched).toEqual([1, 20]);
  });

  it('refuses DROP SCHEMA with dependents, cascades with a NOTICE', async () => {
    const h = catalogHarness();
    const s = h.session();
    s.run((c) => c.createNamespace('s'));
    s.run((c) =>
      c.createTable({
        namespace: 's',
        name: 't',
        columns: [{ name: 'a', typeOid: INT4, typmod: -1, notNull: false }],
      }),
    );
    s.run((c) => c.createTable({ namespace: 's', name: 'u', columns: [] }));
    await s.commit();
    expect(sqlError(() => s.run((c) => c.createNamespace('s'))).code).toBe('42P06');
    const e = sqlError(() => s.run((c) => c.dropNamespace('s')));
    expect([e.code, e.message, e.detail, e.hint]).toEqual([
      '2BP01',
      'cannot drop schema s because other objects depend on it',
      'table s.t depends on schema s\ntable s.u depends on schema s',
      'Use DROP ... CASCADE to drop the dependent objects too.',
    ]);
    s.run((c) => c.dropNamespace('s', { cascade: true }));
    expect(s.notices.map((n) => [n.message, n.detail])).toEqual([
      [
        'drop cascades to 2 other objects',
        'drop cascades to table s.t\ndrop cascades to table s.u',
      ],
    ]);
    await s.commit();
    expect(s.run((c) => c.namespaceOid('s'))).toBeUndefined();
  });
});

describe('invalidation, files, views', () => {
  it('two sessions: the other session never uses a stale or uncommitted definition', async () => {
    const h = catalogHarness();
    const a = h.session();
    const b = h.session();
    const oid = a.run((c) =>
      c.createTable({
        namespace: 'public',
        name: 't',
        columns: [{ name: 'a', typeOid: INT4, typmod: -1, notNull: false }],
      }),
    ) as number;
    await a.commit();
    const cols = () => {
      const r = b.run((c) =>
        c
          .relation(oid)
          ?.columns.filter((x) => !x.dropped)
          .map((x) => x.name),
      );
      b.rollback();
      return r;
    };
    expect(cols()).toEqual(['a']);
    a.run((c) => c.addColumn(oid, { name: 'b', typeOid: TEXT, typmod: -1, notNull: false }));
    expect(a.run((c) => c.relation(oid)?.columns.map((x) => x.name))).toEqual(['a', 'b']); // its own change
    expect(cols()).toEqual(['a']); // not yet committed
    await a.commit();
    expect(cols()).toEqual(['a', 'b']); // the commit's invalidation reached B's cache
    a.run((c) => c.renameColumn(oid, 'a', 'z'));
    a.rollback();
    expect(a.run((c) => c.relation(oid)?.columns.map((x) => x.name))).toEqual(['a', 'b']); // the abort dropped A's entry
    a.rollback();
    expect(cols()).toEqual(['a', 'b']);
  });

  it('files: created at CREATE, removed at abort; TRUNCATE swaps relfilenodes, the old file goes at commit', async () => {
    const h = catalogHarness();
    const s = h.session();
    const file = (node: number) =>
      h.smgr.exists({ spcOid: 1663, dbOid: 5, relNumber: node }, ForkNumber.main);
    const oid = s.run((c) =>
      c.createTable({ namespace: 'public', name: 't', columns: [] }),
    ) as number;
    expect(file(oid)).toBe(true);
    s.rollback();
    expect(file(oid)).toBe(false);
    const t = s.run((c) =>
      c.createTable({
        namespace: 'public',
        name: 't',
        columns: [{ name: 'a', typeOid: INT4, typmod: -1, notNull: false }],
      }),
    ) as number;
    const ix = s.run((c) => c.createIndex({ table: t, columns: [1] })) as number;
    await s.commit();
    s.run((c) => c.truncate(t));
    const [node, ixNode] = s.run((c) => [
      c.relation(t)?.relfilenode,
      c.relation(t)?.indexes[0]?.relfilenode,
    ]) as [number, number];
    expect(node).not.toBe(t);
    expect([file(t), file(ix), file(node), file(ixNode)]).toEqual([true, true, true, true]);
    await s.commit();
    expect([file(t), file(ix), file(node), file(ixNode)]).toEqual([false, false, true, true]);
    s.run((c) => c.dropRelation(t));
    expect(file(node)).toBe(true);
    await s.commit();
    expect([file(node), file(ixNode)]).toEqual([false, false]);
  });

  it('ROLLBACK TO SAVEPOINT: the rolled-back DDL is gone from the cache, its file removed', async () => {
    const h = catalogHarness();
    const s = h.session();
    const t = s.run((c) =>
      c.createTable({
        namespace: 'public',
        name: 't',
        columns: [{ name: 'a', typeOid: INT4, typmod: -1, notNull: false }],
      }),
    ) as number;
    s.savepoint('sp');
    s.run((c) => c.addColumn(t, { name: 'b', typeOid: INT4, typmod: -1, notNull: false }));
    const u = s.run((c) =>
      c.createTable({ namespace: 'public', name: 'u', columns: [] }),
    ) as number;
    expect(s.run((c) => c.relation(t)?.columns.length)).toBe(2);
    s.rollbackTo('sp');
    expect(h.smgr.exists({ spcOid: 1663, dbOid: 5, relNumber: u }, ForkNumber.main)).toBe(false);
    expect(s.run((c) => c.relation(t)?.columns.length)).toBe(1);
    expect(s.run((c) => c.lookupRelation(undefined, 'u'))).toBeUndefined();
    await s.commit();
    expect(h.smgr.exists({ spcOid: 1663, dbOid: 5, relNumber: t }, ForkNumber.main)).toBe(true);
    const other = h.session();
    expect(other.run((c) => c.relation(t)?.columns.map((x) => x.name))).toEqual(['a']);
  });

  it('databases: CREATE / RENAME / DROP write the shared pg_database', async () => {
    const h = catalogHarness();
    const s = h.session();
    const oid = s.run((c) => c.createDatabase({ name: 'db1' }));
    expect(oid).toBeGreaterThanOrEqual(16384);
    expect(sqlError(() => s.run((c) => c.createDatabase({ name: 'db1' }))).code).toBe('42P04');
    // the error rolled the transaction back; once more, and commit
    const again = s.run((c) => c.createDatabase({ name: 'db1' }));
    expect(again).not.toBe(oid); // OIDs are never handed out twice
    await s.commit();
    // another database's session sees it (pg_database is shared)
    const t1 = h.session(1);
    expect(t1.run((c) => c.databaseOid('db1'))).toBe(again);
    t1.rollback();
    s.run((c) => c.renameDatabase('db1', 'db2'));
    expect(s.run((c) => c.dropDatabase('db2'))).toBe(again);
    expect(sqlError(() => s.run((c) => c.dropDatabase('template1'))).code).toBe('42809');
    expect(sqlError(() => s.run((c) => c.dropDatabase('postgres'))).code).toBe('55006');
  });

  it('pg_settings comes from the settings provider; computed views are marked', () => {
    const h = catalogHarness({
      settings: () => [
        {
          name: 'work_mem',
          setting: '4096',
          unit: 'kB',
          vartype: 'integer',
          context: 'user',
          source: 'default',
        },
      ],
    });
    const s = h.session();
    const rows = s.run((c) => {
      const d = c.lookupRelation(undefined, 'pg_settings');
      expect(d?.kind).toBe('v');
      expect(d?.computed).toBe(true);
      const o = c.open(d?.oid as number);
      expect(o.heap).toBeUndefined();
      return [...(o.rows?.() ?? [])];
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.slice(0, 3)).toEqual(['work_mem', '4096', 'kB']);
    expect(rows[0]?.[6]).toBe('user'); // context
    expect(rows[0]?.[7]).toBe('integer'); // vartype
    expect(
      sqlError(() =>
        s.run((c) => c.openTable(c.lookupRelation(undefined, 'pg_tables')?.oid as number)),
      ).code,
    ).toBe('42809');
  });
});
