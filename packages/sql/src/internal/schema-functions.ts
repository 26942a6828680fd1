/**
 * current_schemas(include_implicit) (PostgreSQL's namespace.c
 * fetch_search_path): the session's search_path as the schemas it really
 * searches, read through the catalog hook of the TypeContext
 * (`RegCatalog.currentSchemas`), so not in the @pg/types registry.
 * pgbench's partition check calls it:
 * `array_position(current_schemas(true), n.nspname)`.
 */
import { type FunctionDef, pgArray, SqlError, TypeOid } from '@pg/types';

/** pg_proc's current_schemas(boolean) -> name[] (stable, strict). */
export const SCHEMA_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: 'current_schemas',
    args: [TypeOid.bool],
    result: TypeOid._name,
    volatility: 's',
    strict: true,
    impl: ([implicit], ctx) => {
      const schemas = ctx.catalog?.currentSchemas;
      if (schemas === undefined) {
        throw new SqlError('0A000', 'current_schemas() is not supported here');
      }
      return pgArray(schemas.call(ctx.catalog, implicit === true));
    },
  },
];
