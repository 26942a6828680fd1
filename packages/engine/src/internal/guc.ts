/**
 * Configuration parameters (GUCs) with PostgreSQL 15's names, types, units,
 * defaults and contexts: postgresql.conf, SET / SET LOCAL / RESET / SHOW,
 * current_setting() and set_config(), and the transaction semantics of
 * guc.c — a SET inside a transaction that rolls back is undone, SET LOCAL
 * lasts until the end of the transaction, a savepoint rolled back undoes
 * the SETs made after it.
 */
import { quoteIdent, SqlError } from '@pg/types';

/** GucContext: when a setting may change. */
export type GucContext = 'internal' | 'postmaster' | 'sighup' | 'superuser' | 'user';

type Unit = 'kB' | '8kB' | 'MB' | 'ms' | 's' | 'min';

interface BaseDef {
  readonly name: string;
  readonly context: GucContext;
  readonly category: string;
  readonly short: string;
}

export type GucDef =
  | (BaseDef & { readonly type: 'bool'; readonly boot: boolean })
  | (BaseDef & {
      readonly type: 'integer';
      readonly boot: number;
      readonly min: number;
      readonly max: number;
      readonly unit?: Unit;
    })
  | (BaseDef & {
      readonly type: 'real';
      readonly boot: number;
      readonly min: number;
      readonly max: number;
      readonly unit?: Unit; // autovacuum: a real with a time unit (vacuum_cost_delay)
    })
  | (BaseDef & { readonly type: 'string'; readonly boot: string })
  | (BaseDef & {
      readonly type: 'enum';
      readonly boot: string;
      readonly values: readonly string[];
    });

const INT_MAX = 2147483647;
const Q = 'Query Tuning / Planner Method Configuration';
const COSTS = 'Query Tuning / Planner Cost Constants';
const CLIENT = 'Client Connection Defaults / Statement Behavior';
const LOCALE = 'Client Connection Defaults / Locale and Formatting';
const PRESET = 'Preset Options';

const b = (name: string, boot: boolean, context: GucContext, category: string, short = '') =>
  ({ name, type: 'bool', boot, context, category, short }) as const;
const i = (
  name: string,
  boot: number,
  min: number,
  max: number,
  context: GucContext,
  category: string,
  unit?: Unit,
  short = '',
): GucDef =>
  unit === undefined
    ? { name, type: 'integer', boot, min, max, context, category, short }
    : { name, type: 'integer', boot, min, max, unit, context, category, short };
const r = (name: string, boot: number, context: GucContext, category: string, short = '') =>
  ({ name, type: 'real', boot, min: 0, max: Number.MAX_VALUE, context, category, short }) as const;
// autovacuum: a real with bounds and an optional unit
const rb = (
  name: string,
  boot: number,
  min: number,
  max: number,
  context: GucContext,
  category: string,
  unit?: Unit,
): GucDef =>
  unit === undefined
    ? { name, type: 'real', boot, min, max, context, category, short: '' }
    : { name, type: 'real', boot, min, max, unit, context, category, short: '' };
const s = (name: string, boot: string, context: GucContext, category: string, short = '') =>
  ({ name, type: 'string', boot, context, category, short }) as const;
const e = (
  name: string,
  boot: string,
  values: readonly string[],
  context: GucContext,
  category: string,
  short = '',
) => ({ name, type: 'enum', boot, values, context, category, short }) as const;

/** The parameters this engine knows, as guc_tables.c defines them (a subset). */
export const GUC_DEFINITIONS: readonly GucDef[] = [
  s('application_name', '', 'user', 'Reporting and Logging / What to Log'),
  b('autovacuum', true, 'sighup', 'Autovacuum'),
  // autovacuum: the launcher's and the workers' settings (autovacuum.ts)
  rb('autovacuum_analyze_scale_factor', 0.1, 0, 100, 'sighup', 'Autovacuum'),
  i('autovacuum_analyze_threshold', 50, 0, INT_MAX, 'sighup', 'Autovacuum'),
  i('autovacuum_max_workers', 3, 1, 262143, 'postmaster', 'Autovacuum'),
  i('autovacuum_naptime', 60, 1, 2147483, 'sighup', 'Autovacuum', 's'),
  rb('autovacuum_vacuum_cost_delay', 2, -1, 100, 'sighup', 'Autovacuum', 'ms'),
  i('autovacuum_vacuum_cost_limit', -1, -1, 10000, 'sighup', 'Autovacuum'),
  rb('autovacuum_vacuum_insert_scale_factor', 0.2, 0, 100, 'sighup', 'Autovacuum'),
  i('autovacuum_vacuum_insert_threshold', 1000, -1, INT_MAX, 'sighup', 'Autovacuum'),
  rb('autovacuum_vacuum_scale_factor', 0.2, 0, 100, 'sighup', 'Autovacuum'),
  i('autovacuum_vacuum_threshold', 50, 0, INT_MAX, 'sighup', 'Autovacuum'),
  i('autovacuum_work_mem', -1, -1, INT_MAX, 'sighup', 'Resource Usage / Memory', 'kB'),
  i(
    'log_autovacuum_min_duration',
    600_000,
    -1,
    INT_MAX,
    'sighup',
    'Reporting and Logging / What to Log',
    'ms',
  ),
  rb('vacuum_cost_delay', 0, 0, 100, 'user', 'Resource Usage / Cost-Based Vacuum Delay', 'ms'),
  i('vacuum_cost_limit', 200, 1, 10000, 'user', 'Resource Usage / Cost-Based Vacuum Delay'),
  i('vacuum_cost_page_dirty', 20, 0, 10000, 'user', 'Resource Usage / Cost-Based Vacuum Delay'),
  i('vacuum_cost_page_hit', 1, 0, 10000, 'user', 'Resource Usage / Cost-Based Vacuum Delay'),
  i('vacuum_cost_page_miss', 2, 0, 10000, 'user', 'Resource Usage / Cost-Based Vacuum Delay'),
  // autovacuum end
  // freeze (issue 11): the wraparound limits read autovacuum_freeze_max_age at startup
  i(
    'autovacuum_freeze_max_age',
    200_000_000,
    100_000,
    2_000_000_000,
    'postmaster',
    'Autovacuum',
    undefined,
    'Age at which to autovacuum a table to prevent transaction ID wraparound.',
  ),
  i(
    'autovacuum_multixact_freeze_max_age',
    400_000_000,
    10_000,
    2_000_000_000,
    'postmaster',
    'Autovacuum',
    undefined,
    'Multixact age at which to autovacuum a table to prevent multixact wraparound.',
  ),
  i('block_size', 8192, 8192, 8192, 'internal', PRESET),
  e('bytea_output', 'hex', ['escape', 'hex'], 'user', CLIENT),
  i('checkpoint_timeout', 300, 30, 86400, 'sighup', 'Write-Ahead Log / Checkpoints', 's'),
  s('client_encoding', 'UTF8', 'user', LOCALE),
  e(
    'client_min_messages',
    'notice',
    ['debug5', 'debug4', 'debug3', 'debug2', 'debug1', 'log', 'notice', 'warning', 'error'],
    'user',
    'Client Connection Defaults / Statement Behavior',
  ),
  r('cpu_index_tuple_cost', 0.005, 'user', COSTS),
  r('cpu_operator_cost', 0.0025, 'user', COSTS),
  r('cpu_tuple_cost', 0.01, 'user', COSTS),
  b('data_checksums', false, 'internal', PRESET),
  s('data_directory', '', 'postmaster', 'File Locations'),
  s('DateStyle', 'ISO, MDY', 'user', LOCALE),
  i('deadlock_timeout', 1000, 1, INT_MAX, 'superuser', 'Lock Management', 'ms'),
  i('default_statistics_target', 100, 1, 10000, 'user', 'Query Tuning / Other Planner Options'),
  e('default_toast_compression', 'pglz', ['pglz', 'lz4'], 'user', CLIENT),
  e(
    'default_transaction_isolation',
    'read committed',
    ['serializable', 'repeatable read', 'read committed', 'read uncommitted'],
    'user',
    CLIENT,
  ),
  b('default_transaction_read_only', false, 'user', CLIENT),
  i('effective_cache_size', 524288, 1, INT_MAX, 'user', COSTS, '8kB'),
  b('enable_bitmapscan', true, 'user', Q),
  b('enable_hashagg', true, 'user', Q),
  b('enable_hashjoin', true, 'user', Q),
  b('enable_incremental_sort', true, 'user', Q),
  b('enable_indexonlyscan', true, 'user', Q),
  b('enable_indexscan', true, 'user', Q),
  b('enable_material', true, 'user', Q),
  b('enable_memoize', true, 'user', Q),
  b('enable_mergejoin', true, 'user', Q),
  b('enable_nestloop', true, 'user', Q),
  b('enable_seqscan', true, 'user', Q),
  b('enable_sort', true, 'user', Q),
  i('extra_float_digits', 1, -15, 3, 'user', LOCALE),
  i('from_collapse_limit', 8, 1, INT_MAX, 'user', 'Query Tuning / Other Planner Options'),
  b('fsync', true, 'sighup', 'Write-Ahead Log / Settings'),
  b('full_page_writes', true, 'sighup', 'Write-Ahead Log / Settings'),
  i('geqo_threshold', 12, 2, INT_MAX, 'user', 'Query Tuning / Genetic Query Optimizer'),
  i('idle_in_transaction_session_timeout', 0, 0, INT_MAX, 'user', CLIENT, 'ms'),
  i('idle_session_timeout', 0, 0, INT_MAX, 'user', CLIENT, 'ms'), // issue 10 (H6)
  b('integer_datetimes', true, 'internal', PRESET),
  e(
    'IntervalStyle',
    'postgres',
    ['postgres', 'postgres_verbose', 'sql_standard', 'iso_8601'],
    'user',
    LOCALE,
  ),
  b('is_superuser', true, 'internal', 'Preset Options'),
  // the database's collation and character classification (CREATE DATABASE's LC_COLLATE, LC_CTYPE): C here
  i('join_collapse_limit', 8, 1, INT_MAX, 'user', 'Query Tuning / Other Planner Options'),
  s('lc_collate', 'C', 'internal', PRESET),
  s('lc_ctype', 'C', 'internal', PRESET),
  s('lc_messages', 'C', 'superuser', LOCALE),
  s('lc_monetary', 'C', 'user', LOCALE),
  s('lc_numeric', 'C', 'user', LOCALE),
  s('lc_time', 'C', 'user', LOCALE),
  s(
    'listen_addresses',
    'localhost',
    'postmaster',
    'Connections and Authentication / Connection Settings',
  ),
  i('lock_timeout', 0, 0, INT_MAX, 'user', CLIENT, 'ms'),
  i('maintenance_work_mem', 65536, 1024, INT_MAX, 'user', 'Resource Usage / Memory', 'kB'),
  i(
    'max_connections',
    100,
    1,
    262143,
    'postmaster',
    'Connections and Authentication / Connection Settings',
  ),
  i(
    'max_parallel_workers_per_gather',
    2,
    0,
    1024,
    'user',
    'Resource Usage / Asynchronous Behavior',
  ),
  i('max_wal_size', 1024, 2, INT_MAX, 'sighup', 'Write-Ahead Log / Checkpoints', 'MB'),
  e(
    'password_encryption',
    'scram-sha-256',
    ['md5', 'scram-sha-256'],
    'user',
    'Connections and Authentication / Authentication',
    'Chooses the algorithm for encrypting passwords.',
  ), // issue 10 (H3)
  // issue 10 (plan cache): force_custom_plan turns the normalised plan cache off
  e(
    'plan_cache_mode',
    'auto',
    ['auto', 'force_generic_plan', 'force_custom_plan'],
    'user',
    'Query Tuning / Other Planner Options',
    "Controls the planner's selection of custom or generic plan.",
  ),
  i('port', 5432, 1, 65535, 'postmaster', 'Connections and Authentication / Connection Settings'),
  r('random_page_cost', 4, 'user', COSTS),
  b('row_security', true, 'user', CLIENT), // issue 10 (H9): pg_dump sets it off
  s('search_path', '"$user", public', 'user', CLIENT),
  r('seq_page_cost', 1, 'user', COSTS),
  s('server_encoding', 'UTF8', 'internal', PRESET),
  s('server_version', '15.18', 'internal', PRESET),
  i('server_version_num', 150018, 150018, 150018, 'internal', PRESET),
  s('session_authorization', '', 'user', 'Preset Options'),
  i('shared_buffers', 16384, 16, INT_MAX / 2, 'postmaster', 'Resource Usage / Memory', '8kB'),
  b('standard_conforming_strings', true, 'user', 'Version and Platform Compatibility'),
  i('statement_timeout', 0, 0, INT_MAX, 'user', CLIENT, 'ms'),
  // issue 11 (pgstat): how the statistics views read the shared counters (pgstat.ts)
  e(
    'stats_fetch_consistency',
    'cache',
    ['none', 'cache', 'snapshot'],
    'user',
    'Statistics / Cumulative Query and Index Statistics',
  ),
  // issue 10 (H9): pg_dump sets it off (sequential scans here never synchronize)
  b(
    'synchronize_seqscans',
    true,
    'user',
    'Version and Platform Compatibility / Previous PostgreSQL Versions',
  ),
  e(
    'synchronous_commit',
    'on',
    ['local', 'remote_write', 'remote_apply', 'on', 'off'],
    'user',
    'Write-Ahead Log / Settings',
  ),
  s('TimeZone', 'UTC', 'user', LOCALE),
  b('transaction_deferrable', false, 'user', CLIENT),
  e(
    'transaction_isolation',
    'read committed',
    ['serializable', 'repeatable read', 'read committed', 'read uncommitted'],
    'user',
    CLIENT,
  ),
  b('transaction_read_only', false, 'user', CLIENT),
  // freeze (issue 11): vacuum_set_xid_limits' and the failsafe's ages
  i(
    'vacuum_failsafe_age',
    1_600_000_000,
    0,
    2_100_000_000,
    'user',
    CLIENT,
    undefined,
    'Age at which VACUUM should trigger failsafe to avoid a wraparound outage.',
  ),
  i(
    'vacuum_freeze_min_age',
    50_000_000,
    0,
    1_000_000_000,
    'user',
    CLIENT,
    undefined,
    'Minimum age at which VACUUM should freeze a table row.',
  ),
  i(
    'vacuum_freeze_table_age',
    150_000_000,
    0,
    2_000_000_000,
    'user',
    CLIENT,
    undefined,
    'Age at which VACUUM should scan whole table to freeze tuples.',
  ),
  i(
    'vacuum_multixact_failsafe_age',
    1_600_000_000,
    0,
    2_100_000_000,
    'user',
    CLIENT,
    undefined,
    'Multixact age at which VACUUM should trigger failsafe to avoid a wraparound outage.',
  ),
  i(
    'vacuum_multixact_freeze_min_age',
    5_000_000,
    0,
    1_000_000_000,
    'user',
    CLIENT,
    undefined,
    'Minimum age at which VACUUM should freeze a MultiXactId in a table row.',
  ),
  i(
    'vacuum_multixact_freeze_table_age',
    150_000_000,
    0,
    2_000_000_000,
    'user',
    CLIENT,
    undefined,
    'Multixact age at which VACUUM should scan whole table to freeze tuples.',
  ),
  i('wal_buffers', 512, -1, 262143, 'postmaster', 'Write-Ahead Log / Settings', '8kB'),
  e(
    'wal_level',
    'replica',
    ['minimal', 'replica', 'logical'],
    'postmaster',
    'Write-Ahead Log / Settings',
  ),
  i('wal_segment_size', 16777216, 1048576, 1073741824, 'internal', PRESET),
  i('work_mem', 4096, 64, INT_MAX, 'user', 'Resource Usage / Memory', 'kB'),
];

const BOOL_TRUE = new Set(['on', 'true', 'yes', '1', 't', 'y', 'tr', 'tru', 'ye', 'o']);
const BOOL_FALSE = new Set(['off', 'false', 'no', '0', 'f', 'n', 'fa', 'fal', 'fals', 'of']);

/** Bytes per unit for memory, milliseconds per unit for time. */
const MEMORY_UNITS: Readonly<Record<string, number>> = {
  B: 1,
  kB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
};
const TIME_UNITS: Readonly<Record<string, number>> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const BASE: Readonly<Record<Unit, { readonly scale: number; readonly memory: boolean }>> = {
  kB: { scale: 1024, memory: true },
  '8kB': { scale: 8192, memory: true },
  MB: { scale: 1024 ** 2, memory: true },
  ms: { scale: 1, memory: false },
  s: { scale: 1000, memory: false },
  min: { scale: 60_000, memory: false },
};

function invalid(name: string, value: string, hint?: string): SqlError {
  return new SqlError(
    '22023',
    `invalid value for parameter "${name}": "${value}"`,
    hint === undefined ? {} : { hint },
  );
}

/** parse_int with units: "64MB", "1s", "4096". Returns the value in the setting's base unit. */
function parseInteger(def: Extract<GucDef, { type: 'integer' }>, text: string): number {
  const m = /^\s*([-+]?\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (m === null) throw invalid(def.name, text);
  const num = Number(m[1]);
  const unitText = m[2] ?? '';
  let value: number;
  if (unitText === '') {
    value = Math.round(num);
  } else {
    const base = def.unit === undefined ? undefined : BASE[def.unit];
    const scale = base?.memory ? MEMORY_UNITS[unitText] : TIME_UNITS[unitText];
    if (base === undefined || scale === undefined) {
      const hint = base?.memory
        ? 'Valid units for this parameter are "B", "kB", "MB", "GB", and "TB".'
        : base !== undefined
          ? 'Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".'
          : undefined;
      throw invalid(def.name, text, hint);
    }
    value = Math.round((num * scale) / base.scale);
  }
  if (value < def.min || value > def.max) {
    throw new SqlError(
      '22023',
      `${value} ${def.unit ?? ''}`.trim() === String(value)
        ? `${value} is outside the valid range for parameter "${def.name}" (${def.min} .. ${def.max})`
        : `${value} ${def.unit} is outside the valid range for parameter "${def.name}" (${def.min} .. ${def.max})`,
    );
  }
  return value;
}

// autovacuum: reals with a time unit (vacuum_cost_delay, autovacuum_vacuum_cost_delay)
type RealDef = Extract<GucDef, { type: 'real' }>;

/** parse_real with units: "2ms", "1.5", "500us". Returns the value in the base unit. */
function parseRealWithUnit(def: RealDef, text: string): number {
  const m = /^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const base = BASE[def.unit as Unit];
  const scale = m?.[2] ? TIME_UNITS[m[2]] : 1;
  if (m === null || scale === undefined)
    throw invalid(
      def.name,
      text,
      m === null
        ? undefined
        : 'Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".',
    );
  const value = m[2] ? (Number(m[1]) * scale) / base.scale : Number(m[1]);
  if (value < def.min || value > def.max)
    throw new SqlError(
      '22023',
      `${value} ${def.unit} is outside the valid range for parameter "${def.name}" (${def.min} .. ${def.max})`,
    );
  return value;
}

/** _ShowOption for reals with units: the largest time unit showing the value as an integer. */
function showRealWithUnit(def: RealDef, value: number): string {
  if (value === 0 || value === -1) return String(value);
  const total = value * BASE[def.unit as Unit].scale;
  for (const u of ['d', 'h', 'min', 's', 'ms'] as const) {
    const n = total / (TIME_UNITS[u] ?? 1);
    if (Math.abs(n - Math.round(n)) < 1e-9) return `${Math.round(n)}${u}`;
  }
  return `${Number((total * 1000).toPrecision(15))}us`;
}
// autovacuum end

/** _ShowOption for integers with units: the largest unit that shows the value exactly. */
function showInteger(def: Extract<GucDef, { type: 'integer' }>, value: number): string {
  if (def.unit === undefined || value === 0 || value === -1) return String(value);
  const base = BASE[def.unit];
  const total = value * base.scale;
  const units = base.memory
    ? (['TB', 'GB', 'MB', 'kB', 'B'] as const).map((u) => [u, MEMORY_UNITS[u] ?? 1] as const)
    : (['d', 'h', 'min', 's', 'ms'] as const).map((u) => [u, TIME_UNITS[u] ?? 1] as const);
  // The units shown: those of the table the base unit belongs to, bytes and microseconds excluded.
  for (const [u, scale] of units) {
    if (scale >= (base.memory ? 1024 : 1) && total % scale === 0) return `${total / scale}${u}`;
  }
  return `${value}${def.unit}`;
}

function canonicalEnum(def: Extract<GucDef, { type: 'enum' }>, text: string): string {
  const v = text.trim().toLowerCase();
  if (def.name === 'synchronous_commit') {
    if (BOOL_TRUE.has(v)) return 'on';
    if (BOOL_FALSE.has(v)) return 'off';
  }
  if (!def.values.includes(v)) {
    throw invalid(def.name, text, `Available values: ${def.values.join(', ')}.`);
  }
  return v;
}

/** A value after parsing, in the setting's own representation. */
export type GucValue = boolean | number | string;

function parseValue(def: GucDef, text: string, current?: GucValue): GucValue {
  switch (def.type) {
    case 'bool': {
      const v = text.trim().toLowerCase();
      if (BOOL_TRUE.has(v) && v !== 'o') return true;
      if (BOOL_FALSE.has(v) && v !== 'o') return false;
      throw new SqlError('22023', `parameter "${def.name}" requires a Boolean value`);
    }
    case 'integer':
      return parseInteger(def, text);
    case 'real': {
      if (def.unit !== undefined) return parseRealWithUnit(def, text); // autovacuum
      const n = Number(text.trim());
      if (text.trim() === '' || Number.isNaN(n)) throw invalid(def.name, text);
      if (n < def.min || n > def.max)
        throw new SqlError(
          '22023',
          `${n} is outside the valid range for parameter "${def.name}" (${def.min} .. ${def.max})`,
        );
      return n;
    }
    case 'enum':
      return canonicalEnum(def, text);
    case 'string':
      return def.name === 'DateStyle'
        ? canonicalDateStyle(text, typeof current === 'string' ? current : def.boot)
        : canonicalString(def.name, text);
  }
}

const TIMEZONE_ALIASES: Readonly<Record<string, string>> = { utc: 'UTC', gmt: 'GMT', z: 'Z' };

function canonicalString(name: string, text: string): string {
  if (name === 'TimeZone') {
    const alias = TIMEZONE_ALIASES[text.toLowerCase()];
    if (alias !== undefined) return alias;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: text });
    } catch {
      throw invalid(name, text);
    }
    return text;
  }
  if (name === 'client_encoding') {
    const v = text.toUpperCase().replace(/[-_]/g, '');
    if (v === 'UTF8' || v === 'UNICODE') return 'UTF8';
    if (v === 'SQLASCII') return 'SQL_ASCII';
    throw invalid(name, text);
  }
  return text;
}

/** check_datestyle: output style and field order; what the text leaves out stays as it is. */
function canonicalDateStyle(text: string, current: string): string {
  let [style = 'ISO', order = 'MDY'] = current.split(', ');
  let orderGiven = false;
  for (const raw of text.split(',')) {
    const w = raw.trim().toLowerCase();
    if (['ymd', 'dmy', 'euro', 'european', 'mdy', 'us', 'noneuro', 'noneuropean'].includes(w))
      orderGiven = true;
    if (w === 'iso') style = 'ISO';
    else if (w === 'sql') style = 'SQL';
    else if (w === 'postgres') style = 'Postgres';
    else if (w === 'german') {
      style = 'German';
      if (!orderGiven) order = 'DMY';
    } else if (w === 'ymd') order = 'YMD';
    else if (w === 'dmy' || w === 'euro' || w === 'european') order = 'DMY';
    else if (w === 'mdy' || w === 'us' || w === 'noneuro' || w === 'noneuropean') order = 'MDY';
    else if (w === 'default') {
      style = 'ISO';
      order = 'MDY';
    } else throw invalid('DateStyle', text);
  }
  return `${style}, ${order}`;
}

/**
 * A SET statement's value: a list (GUC_LIST_INPUT, search_path) is given as
 * its elements, each quoted as an identifier when needed, as
 * flatten_set_variable_args does; other settings take one string.
 */
function listValue(name: string, value: string | readonly string[]): string {
  if (typeof value === 'string') return value;
  if (name === 'search_path') return value.map(quoteIdent).join(', ');
  return value.join(', ');
}

/** How a value shows in SHOW and current_setting(). */
export function showValue(def: GucDef, value: GucValue): string {
  switch (def.type) {
    case 'bool':
      return value ? 'on' : 'off';
    case 'integer':
      return showInteger(def, value as number);
    case 'real':
      return def.unit === undefined ? String(value) : showRealWithUnit(def, value as number); // autovacuum
    default:
      return String(value);
  }
}

/** A custom (extension-style) parameter name: prefix.name, each part an identifier. */
function isPlaceholderName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)+$/.test(name);
}

const DEFINITIONS = new Map(GUC_DEFINITIONS.map((d) => [d.name.toLowerCase(), d]));

/** The definition of `name` (case-insensitive), or a 42704 error. */
export function gucDefinition(name: string): GucDef {
  const def = DEFINITIONS.get(name.toLowerCase());
  if (def === undefined) {
    throw new SqlError('42704', `unrecognized configuration parameter "${name}"`);
  }
  return def;
}

/** One SET's saved state for undo at transaction or savepoint end. */
interface StackEntry {
  readonly name: string;
  /** The session value before the change (undefined: it had none, so the reset value applied). */
  readonly prior: GucValue | undefined;
  /** The value it set. */
  readonly value: GucValue;
  /** The nesting level (0 = top-level transaction, 1 = first savepoint...) that made it. */
  readonly level: number;
  readonly local: boolean;
}

/**
 * The settings of one cluster (from postgresql.conf and the command line)
 * and, per session, its own values with guc.c's transactional stack.
 */
export class ClusterSettings {
  readonly #values = new Map<string, GucValue>();

  /** Applies postgresql.conf's text: `name = value` lines, # comments, quoted strings. */
  loadConf(text: string, onWarning?: (msg: string) => void): void {
    for (const rawLine of text.split('\n')) {
      const line = stripComment(rawLine).trim();
      if (line === '') continue;
      const m = /^([A-Za-z_][A-Za-z0-9_.]*)\s*=?\s*(.*)$/.exec(line);
      if (m === null || m[1] === undefined) {
        onWarning?.(`syntax error in configuration file near "${line}"`);
        continue;
      }
      const value = unquoteConf(m[2] ?? '');
      try {
        this.set(m[1], value);
      } catch (err) {
        onWarning?.(err instanceof Error ? err.message : String(err));
      }
    }
  }

  /** Sets a cluster-level value (postgresql.conf, a startup option). */
  set(name: string, text: string): void {
    const def = gucDefinition(name);
    this.#values.set(def.name, parseValue(def, text));
  }

  /** The cluster-level value (boot value when not set). */
  get(name: string): GucValue {
    const def = gucDefinition(name);
    return this.#values.get(def.name) ?? def.boot;
  }
}

function stripComment(line: string): string {
  let quoted = false;
  for (let k = 0; k < line.length; k++) {
    const c = line[k];
    if (c === "'") quoted = !quoted;
    else if (c === '#' && !quoted) return line.slice(0, k);
  }
  return line;
}

function unquoteConf(value: string): string {
  const v = value.trim();
  if (v.startsWith("'") && v.endsWith("'") && v.length >= 2) {
    return v.slice(1, -1).replace(/''/g, "'").replace(/\\'/g, "'");
  }
  return v;
}

/** A session's settings: SET, SET LOCAL, RESET, SHOW with guc.c's transaction semantics. */
export class SessionSettings {
  readonly #cluster: ClusterSettings;
  readonly #session = new Map<string, GucValue>();
  #stack: StackEntry[] = [];
  /** The current nesting level: -1 outside a transaction block, 0 in it, +1 per savepoint. */
  #level = -1;
  /** Bumped on every change of a session value (what caches of derived settings compare). */
  #version = 0;

  /** A number that changes whenever a session value changes. */
  get version(): number {
    return this.#version;
  }

  constructor(cluster: ClusterSettings, startup: Readonly<Record<string, string>> = {}) {
    this.#cluster = cluster;
    for (const [name, value] of Object.entries(startup)) {
      const def = gucDefinition(name);
      this.#session.set(def.name, parseValue(def, value));
    }
  }

  /**
   * Placeholders: a name with a dot (my.setting) that no module defines is
   * a string parameter of its own once SET (guc.c's
   * add_placeholder_variable); before that it is unrecognized.
   */
  readonly #placeholders = new Map<string, GucDef>();

  #def(name: string, create = false): GucDef {
    const placeholder = this.#placeholders.get(name.toLowerCase());
    if (placeholder !== undefined) return placeholder;
    try {
      return gucDefinition(name);
    } catch (err) {
      if (!create || !isPlaceholderName(name)) throw err;
      const def: GucDef = {
        name: name.toLowerCase(),
        context: 'user',
        category: 'Customized Options',
        short: '',
        type: 'string',
        boot: '',
      };
      this.#placeholders.set(def.name, def);
      return def;
    }
  }

  /** The value in effect. */
  get(name: string): GucValue {
    const def = this.#def(name);
    return (
      this.#session.get(def.name) ??
      (this.#placeholders.has(def.name) ? '' : this.#cluster.get(def.name))
    );
  }

  /** SHOW name / current_setting(name). */
  show(name: string): string {
    const def = this.#def(name);
    return showValue(def, this.get(def.name));
  }

  /** The definition's canonical name (SHOW's column title). */
  canonicalName(name: string): string {
    return this.#def(name).name;
  }

  /**
   * SET [LOCAL] name TO value (value undefined: DEFAULT, i.e. the reset
   * value). `inTransactionBlock` tells whether SET LOCAL has an effect
   * (outside a block it warns in PostgreSQL and does nothing).
   */
  set(name: string, value: string | readonly string[] | undefined, local = false): void {
    const def = this.#def(name, true);
    if (def.context === 'internal') {
      throw new SqlError('55P02', `parameter "${def.name}" cannot be changed`);
    }
    if (def.context === 'postmaster') {
      throw new SqlError(
        '55P02',
        `parameter "${def.name}" cannot be changed without restarting the server`,
      );
    }
    if (def.context === 'sighup') {
      throw new SqlError('55P02', `parameter "${def.name}" cannot be changed now`);
    }
    const parsed =
      value === undefined
        ? this.#placeholders.has(def.name)
          ? ''
          : this.#cluster.get(def.name)
        : parseValue(def, listValue(def.name, value), this.get(def.name));
    if (local && this.#level < 0) return;
    if (this.#level >= 0) {
      this.#stack.push({
        name: def.name,
        prior: this.#session.get(def.name),
        value: parsed,
        level: this.#level,
        local,
      });
    }
    this.#session.set(def.name, parsed);
    this.#version++;
  }

  /** RESET name. */
  reset(name: string): void {
    this.set(name, undefined);
  }

  /** RESET ALL: every user-settable value back to its reset value. */
  resetAll(): void {
    for (const def of GUC_DEFINITIONS) {
      if (def.context === 'user' || def.context === 'superuser') {
        if (this.#session.has(def.name)) this.set(def.name, undefined);
      }
    }
  }

  /** Every setting with its value (pg_settings, SHOW ALL). */
  /**
   * pg_settings' rows: `setting` in the parameter's base unit (work_mem
   * 4096 with unit kB, as PostgreSQL shows it there, where SHOW says 4MB).
   */
  settingRows(): Record<string, unknown>[] {
    return GUC_DEFINITIONS.map((def) => {
      const value = this.get(def.name);
      const base = (v: GucValue) =>
        def.type === 'integer' || def.type === 'real' ? String(v) : showValue(def, v);
      return {
        name: def.name,
        setting: base(value),
        unit: def.type === 'integer' || def.type === 'real' ? (def.unit ?? null) : null, // autovacuum: reals too
        category: def.category,
        short_desc: def.short,
        extra_desc: null,
        context: def.context,
        vartype: def.type,
        source: this.#session.has(def.name) ? 'session' : 'default',
        min_val: def.type === 'integer' || def.type === 'real' ? String(def.min) : null,
        max_val: def.type === 'integer' || def.type === 'real' ? String(def.max) : null,
        boot_val: base(def.boot),
        reset_val: base(this.#cluster.get(def.name)),
        pending_restart: false,
      };
    });
  }

  all(): { def: GucDef; value: string }[] {
    return GUC_DEFINITIONS.map((def) => ({ def, value: showValue(def, this.get(def.name)) }));
  }

  /** The transaction block starts (level 0). */
  beginTransaction(): void {
    this.#level = 0;
    this.#stack = [];
  }

  /** SAVEPOINT: one level deeper. Returns the new level (what rollback/release take). */
  savepoint(): number {
    this.#level++;
    return this.#level;
  }

  /** ROLLBACK TO SAVEPOINT (the savepoint made at `level`): undoes the SETs made since; it stays. */
  rollbackToSavepoint(level: number): void {
    this.#undo((entry) => entry.level >= level);
    this.#level = level;
  }

  /** RELEASE SAVEPOINT (made at `level`): its changes belong to the enclosing level. */
  releaseSavepoint(level: number): void {
    this.#stack = this.#stack.map((entry) =>
      entry.level >= level ? { ...entry, level: level - 1 } : entry,
    );
    this.#level = level - 1;
  }

  /**
   * COMMIT: a name keeps the value of its newest plain SET of the
   * transaction, or, when it had only SET LOCALs, its value from before.
   * ROLLBACK: everything is undone.
   */
  endTransaction(committed: boolean): void {
    if (committed) {
      const names = new Set(this.#stack.map((entry) => entry.name));
      for (const name of names) {
        const entries = this.#stack.filter((entry) => entry.name === name);
        const lastPlain = entries.findLastIndex((entry) => !entry.local);
        const first = entries[0];
        if (lastPlain === -1 && first !== undefined) this.#restore(name, first.prior);
        else if (lastPlain >= 0) this.#restore(name, entries[lastPlain]?.value);
      }
    } else {
      this.#undo(() => true);
    }
    this.#stack = [];
    this.#level = -1;
  }

  #restore(name: string, value: GucValue | undefined): void {
    this.#version++;
    if (value === undefined) this.#session.delete(name);
    else this.#session.set(name, value);
  }

  #undo(which: (entry: StackEntry) => boolean): void {
    // Newest first, so each name ends at the value before its oldest undone change.
    for (let k = this.#stack.length - 1; k >= 0; k--) {
      const entry = this.#stack[k];
      if (entry === undefined || !which(entry)) continue;
      this.#restore(entry.name, entry.prior);
      this.#stack.splice(k, 1);
    }
  }
}
