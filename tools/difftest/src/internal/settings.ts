/**
 * The session settings every case runs with, on real PostgreSQL (through
 * PGOPTIONS for psql, the `options` startup parameter for node-postgres) and
 * on the engine. They are session defaults, so RESET returns to them there.
 * See the README for why each is chosen.
 */
export const SESSION_SETTINGS: Readonly<Record<string, string>> = {
  client_min_messages: 'notice',
  lc_messages: 'C',
  DateStyle: 'ISO, MDY',
  TimeZone: 'UTC',
  IntervalStyle: 'postgres',
  extra_float_digits: '1',
  bytea_output: 'hex',
  search_path: '"$user", public',
  // psql and node-postgres would send their own names; both send this one instead.
  application_name: 'difftest',
};

/** The settings as a libpq `options` / PGOPTIONS value (`-c name=value ...`, spaces escaped). */
export function startupOptions(): string {
  return Object.entries(SESSION_SETTINGS)
    .map(([k, v]) => `-c ${k}=${v.replace(/\\/g, '\\\\').replace(/ /g, '\\ ')}`)
    .join(' ');
}

/** How each case's fresh database is created on real PostgreSQL. */
export function createDatabaseSql(name: string): string {
  return `CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`;
}
