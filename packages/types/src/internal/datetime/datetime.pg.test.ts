/**
 * Differential tests of the datetime family against a real PostgreSQL 15:
 * text input of generated date/time/interval strings in many styles (valid
 * and invalid) under several TimeZone settings, arithmetic operators,
 * date_trunc, date_part / extract, to_char, age, make_*, AT TIME ZONE and
 * casts on generated values. Each case runs on PostgreSQL and here; results
 * must have the same text, or errors the same SQLSTATE (and message, for
 * text input).
 */
import { type ReferencePostgres, startReferencePostgres } from '@pg/pg-reference';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { defaultContext, type TypeContext } from '../core/context.js';
import { TypeOid } from '../core/oids.js';
import { expectSameOutcome, type Outcome, ourOutcome, pgOutcome } from '../core/pgdiff.js';
import { Registry } from '../core/registry.js';
import { register as registerNumeric } from '../numeric/index.js';
import { register as registerScalars } from '../scalars/index.js';
import { register } from './index.js';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 150);
const r = new Registry();
registerScalars(r);
registerNumeric(r);
register(r);
const { date, time, timetz, timestamp, timestamptz, interval, float8, numeric, int4, text } =
  TypeOid;
const SQL_NAME: Record<number, string> = {
  [date]: 'date',
  [time]: 'time',
  [timetz]: 'timetz',
  [timestamp]: 'timestamp',
  [timestamptz]: 'timestamptz',
  [interval]: 'interval',
  [float8]: 'float8',
  [int4]: 'int4',
  [text]: 'text',
};

let pg: ReferencePostgres;
let agreed = 0;
let currentZone = '';

beforeAll(async () => {
  pg = await startReferencePostgres({ extensions: [] });
}, 60_000);

afterAll(async () => {
  console.log(`datetime differential: ${agreed} cases agreed with PostgreSQL`);
  await pg?.stop();
});

const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Australia/Adelaide',
  'America/Los_Angeles',
];

function ctxFor(zone: string): TypeContext {
  return defaultContext({ timeZone: zone });
}

async function setZone(zone: string): Promise<void> {
  if (zone !== currentZone) {
    await pg.query(`SET TimeZone = '${zone}'`);
    currentZone = zone;
  }
}

/** Our text of a value of type `oid`. */
function out(oid: number, v: unknown, ctx: TypeContext): string | null {
  return v === null ? null : r.mustType(oid).output(v, ctx);
}

async function same(
  label: string,
  zone: string,
  sql: string,
  params: unknown[],
  ours: (ctx: TypeContext) => string | null,
  messages = false,
): Promise<void> {
  await setZone(zone);
  const theirs = await pgOutcome(pg, sql, params);
  const mine: Outcome = ourOutcome(() => ours(ctxFor(zone)));
  expectSameOutcome(label, mine, theirs, messages);
  agreed++;
}

// ------------------------------------------------------------------ generators

const zoneArb = fc.constantFrom(...ZONES);
const UNITS_TZ = [
  'microseconds',
  'milliseconds',
  'second',
  'minute',
  'hour',
  'epoch',
  'timezone',
  'timezone_hour',
  'timezone_minute',
  'day',
];
const p2 = (n: number) => String(n).padStart(2, '0');
const MONTH_NAMES = [
  'Jan',
  'February',
  'mar',
  'APRIL',
  'May',
  'jun',
  'July',
  'Aug',
  'Sept',
  'October',
  'nov',
  'December',
];

const fieldsArb = fc.record({
  year: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 1901, max: 2099 }) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 9999 }) },
    { weight: 1, arbitrary: fc.constantFrom(0, 4713, 4714, 294276, 294277, 5874897, 99, 69, 70) },
  ),
  month: fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 1, max: 12 }) },
    { weight: 1, arbitrary: fc.constantFrom(0, 13) },
  ),
  day: fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 1, max: 28 }) },
    { weight: 2, arbitrary: fc.integer({ min: 28, max: 32 }) },
  ),
  hour: fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 0, max: 23 }) },
    { weight: 1, arbitrary: fc.constantFrom(24, 25) },
  ),
  min: fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 0, max: 59 }) },
    { weight: 1, arbitrary: fc.constant(60) },
  ),
  sec: fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 0, max: 59 }) },
    { weight: 1, arbitrary: fc.constantFrom(60, 61) },
  ),
  frac: fc.oneof(
    { weight: 3, arbitrary: fc.constant('') },
    { weight: 3, arbitrary: fc.stringMatching(/^[0-9]{1,6}$/) },
    { weight: 1, arbitrary: fc.stringMatching(/^[0-9]{7,9}$/) },
    { weight: 1, arbitrary: fc.constantFrom('9999995', '5', '0000005', '9999999') },
  ),
  style: fc.integer({ min: 0, max: 9 }),
  bc: fc.oneof(
    { weight: 9, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  ),
  zone: fc.constantFrom(
    '',
    '',
    '',
    '+02',
    '-05:30',
    '+0530',
    ' UTC',
    ' PST',
    ' cest',
    'Z',
    ' America/New_York',
    ' Europe/Berlin',
    ' Mars/Olympus',
    '+16',
    '-03:00:15',
  ),
});

type Fields = typeof fieldsArb extends fc.Arbitrary<infer T> ? T : never;

function dateText(f: Fields): string {
  const y = String(f.year).padStart(4, '0');
  const mon = MONTH_NAMES[(f.month + 11) % 12]!;
  switch (f.style) {
    case 0:
    case 1:
    case 2:
      return `${y}-${p2(f.month)}-${p2(f.day)}`;
    case 3:
      return `${mon} ${f.day} ${y}`;
    case 4:
      return `${f.day} ${mon} ${y}`;
    case 5:
      return `${f.month}/${f.day}/${y}`;
    case 6:
      return `${y}${p2(f.month)}${p2(f.day)}`;
    case 7:
      return `${mon} ${f.day}, ${y}`;
    case 8:
      return `${y}-${mon}-${p2(f.day)}`;
    default:
      return `${p2(f.month)}-${p2(f.day)}-${String(f.year % 100).padStart(2, '0')}`;
  }
}

const DAY_NAMES = ['Sun', 'Mon', 'tue', 'Wednesday', 'THU', 'Fri', 'Sat'];

/** Unix date(1) style: 'Sat Nov 21 05:30:01 UTC 2026'. */
function unixText(f: Fields): string {
  const mon = MONTH_NAMES[(f.month + 11) % 12]!;
  return `${DAY_NAMES[f.day % 7]} ${mon} ${f.day} ${timeText(f)}${f.zone} ${f.year}`;
}

function timeText(f: Fields): string {
  const frac = f.frac === '' ? '' : `.${f.frac}`;
  switch (f.style % 4) {
    case 0:
      return `${p2(f.hour)}:${p2(f.min)}:${p2(f.sec)}${frac}`;
    case 1:
      return `${p2(f.hour)}:${p2(f.min)}`;
    case 2:
      return `${f.hour % 12 || 12}:${p2(f.min)}:${p2(f.sec)} ${f.hour >= 12 ? 'PM' : 'am'}`;
    default:
      return `${p2(f.hour)}:${p2(f.min)}:${p2(f.sec)}${frac}`;
  }
}

function timestampText(f: Fields, withZone: boolean): string {
  const sep = f.style === 1 ? 'T' : ' ';
  return `${dateText(f)}${sep}${timeText(f)}${withZone ? f.zone : ''}${f.bc ? ' BC' : ''}`;
}

const TOKENS = [
  '2024',
  '-',
  '12',
  '31',
  ':',
  '.',
  ' ',
  '/',
  'T',
  'Z',
  'jan',
  'AM',
  'BC',
  '+05',
  'epoch',
  'infinity',
  'x',
  '99',
  '7',
  'allballs',
  'day',
];
const junkArb = fc
  .array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 6 })
  .map((a) => a.join(''));

const INTERVAL_UNITS = [
  'year',
  'years',
  'mon',
  'months',
  'week',
  'day',
  'days',
  'hour',
  'hours',
  'min',
  'minutes',
  'sec',
  'seconds',
  'ms',
  'milliseconds',
  'us',
  'microsecond',
  'decade',
  'century',
  'millennium',
  'y',
  'm',
  'd',
  'h',
  's',
];
const intervalPieceArb = fc.oneof(
  fc
    .tuple(
      fc.oneof(
        fc.integer({ min: -100, max: 100 }),
        fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }),
      ),
      fc.constantFrom('', '', '.5', '.25', '.123456789', '.'),
      fc.constantFrom(...INTERVAL_UNITS),
    )
    .map(([n, f, u]) => `${n}${f} ${u}`),
  fc
    .tuple(
      fc.integer({ min: -30, max: 30 }),
      fc.integer({ min: 0, max: 61 }),
      fc.integer({ min: 0, max: 61 }),
    )
    .map(([h, m, s]) => `${h}:${p2(m)}:${p2(s)}`),
  fc
    .tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 12 }))
    .map(([y, m]) => `${y}-${m}`),
  fc.constantFrom('ago', '@', '+1 -2:00', 'P1Y2M', 'PT36H', 'P1.5W', 'P0001-02-03T04:05:06', 'x'),
);
const intervalTextArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.array(intervalPieceArb, { minLength: 1, maxLength: 4 }).map((a) => a.join(' ')),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.integer({ min: -5, max: 5 }),
        fc.integer({ min: -15, max: 15 }),
        fc.integer({ min: -40, max: 40 }),
        fc.integer({ min: -30, max: 30 }),
        fc.integer({ min: -70, max: 70 }),
        fc.constantFrom('', '.5', '.000001', '1.25'),
      )
      .map(([y, m, d, h, mi, s]) => `P${y}Y${m}M${d}DT${h}H${mi}M${s === '' ? '0' : s}S`),
  },
);

const MICROS_PER_DAY = 86_400_000_000n;
/** Timestamps between 1901 and 2099, sometimes on exact hours or DST-ish boundaries. */
const timestampArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.bigInt({ min: -36_500n * MICROS_PER_DAY, max: 36_500n * MICROS_PER_DAY }),
  },
  {
    weight: 2,
    arbitrary: fc
      .bigInt({ min: -36_500n * 24n, max: 36_500n * 24n })
      .map((h) => h * 3_600_000_000n),
  },
  { weight: 1, arbitrary: fc.constantFrom(-9223372036854775808n, 9223372036854775807n) },
);
const wideTimestampArb = fc.oneof(
  timestampArb,
  fc.bigInt({ min: -211813488000000000n, max: 9223371331199999999n }),
);
const intervalArb = fc.record({
  months: fc.oneof(fc.integer({ min: -30, max: 30 }), fc.integer({ min: -100000, max: 100000 })),
  days: fc.oneof(fc.integer({ min: -40, max: 40 }), fc.integer({ min: -100000, max: 100000 })),
  micros: fc.oneof(
    fc.bigInt({ min: -100n * MICROS_PER_DAY, max: 100n * MICROS_PER_DAY }),
    fc.bigInt({ min: -3_600_000_000n * 30n, max: 3_600_000_000n * 30n }),
    fc.constant(0n),
  ),
});
const dateArb = fc.oneof(
  fc.integer({ min: -40000, max: 40000 }),
  fc.integer({ min: -2451545, max: 2147483493 - 2451545 }),
  fc.constantFrom(-2147483648, 2147483647),
);

const tsLit = (t: bigint) => out(timestamp, t, ctxFor('UTC'))!;
const tstzLit = (t: bigint) => out(timestamptz, t, ctxFor('UTC'))!;
const ivLit = (v: unknown) => out(interval, v, ctxFor('UTC'))!;
const dateLit = (d: number) => out(date, d, ctxFor('UTC'))!;

describe('datetime against PostgreSQL 15', () => {
  it('text input of dates, timestamps and timestamptz', async () => {
    await fc.assert(
      fc.asyncProperty(
        fieldsArb,
        zoneArb,
        fc.constantFrom(date, timestamp, timestamptz),
        async (f, zone, oid) => {
          const s =
            oid === date
              ? dateText(f) + (f.bc ? ' BC' : '')
              : f.style === 3 && f.bc
                ? unixText(f)
                : timestampText(f, oid === timestamptz || f.style === 2);
          await same(
            `${SQL_NAME[oid]} ${s}`,
            zone,
            `SELECT $1::text::${SQL_NAME[oid]}::text AS v`,
            [s],
            (ctx) => out(oid, r.mustType(oid).input(s, -1, ctx), ctx),
            true,
          );
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('local times around DST transitions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1950, max: 2037 }),
        fc.constantFrom(3, 4, 10, 11, 9),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 59 }),
        fc.constantFrom('America/New_York', 'Europe/Berlin', 'Australia/Adelaide'),
        async (y, m, d, h, mi, zone) => {
          const s = `${y}-${p2(m)}-${p2(Math.min(d, 30))} ${p2(h)}:${p2(mi)}`;
          await same(
            `timestamptz ${s} @${zone}`,
            zone,
            'SELECT $1::text::timestamptz::text AS v',
            [s],
            (ctx) => out(timestamptz, r.mustType(timestamptz).input(s, -1, ctx), ctx),
          );
          await same(
            `${s} AT TIME ZONE ${zone}`,
            'UTC',
            'SELECT ($1::text::timestamp AT TIME ZONE $2)::text AS v',
            [s, zone],
            (ctx) =>
              out(
                timestamptz,
                r.call(
                  'timezone',
                  [text, timestamp],
                  [zone, r.mustType(timestamp).input(s, -1, ctx)],
                  ctx,
                ),
                ctx,
              ),
          );
          const one = { months: 0, days: 1, micros: 0n };
          await same(
            `${s} + 1 day @${zone}`,
            zone,
            "SELECT ($1::text::timestamptz + interval '1 day')::text AS v",
            [s],
            (ctx) =>
              out(
                timestamptz,
                r.operate(
                  '+',
                  timestamptz,
                  interval,
                  [r.mustType(timestamptz).input(s, -1, ctx), one],
                  ctx,
                ),
                ctx,
              ),
          );
          await same(
            `date_trunc(day, ${s}) @${zone}`,
            zone,
            "SELECT date_trunc('day', $1::text::timestamptz)::text AS v",
            [s],
            (ctx) =>
              out(
                timestamptz,
                r.call(
                  'date_trunc',
                  [text, timestamptz],
                  ['day', r.mustType(timestamptz).input(s, -1, ctx)],
                  ctx,
                ),
                ctx,
              ),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('time, timetz and cross-type comparison operators', async () => {
    const timeArb = fc.bigInt({ min: 0n, max: MICROS_PER_DAY });
    await fc.assert(
      fc.asyncProperty(
        timeArb,
        timeArb,
        intervalArb,
        dateArb,
        timestampArb,
        zoneArb,
        fc.integer({ min: -50400, max: 50400 }),
        async (a, b, v, d, t, zone, tz) => {
          const ta = out(time, a, ctxFor('UTC'))!;
          const tb = out(time, b, ctxFor('UTC'))!;
          const iv = ivLit(v);
          const ttz = out(timetz, { time: a, zone: tz }, ctxFor('UTC'))!;
          const bin: [string, number, string, number, unknown, unknown, string, number][] = [
            ['+', time, ta, interval, a, v, iv, time],
            ['-', time, ta, interval, a, v, iv, time],
            ['-', time, ta, time, a, b, tb, interval],
            ['+', date, dateLit(d), time, d, b, tb, timestamp],
            ['+', timetz, ttz, interval, { time: a, zone: tz }, v, iv, timetz],
            ['+', date, dateLit(d), timetz, d, { time: a, zone: tz }, ttz, timestamptz],
            ['<', time, ta, time, a, b, tb, TypeOid.bool],
            [
              '<',
              timetz,
              ttz,
              timetz,
              { time: a, zone: tz },
              { time: b, zone: 0 },
              out(timetz, { time: b, zone: 0 }, ctxFor('UTC'))!,
              TypeOid.bool,
            ],
          ];
          for (const [op, lt, la, rt, va, vb, lb, res] of bin) {
            const sql = `SELECT ($1::text::${SQL_NAME[lt]} ${op} $2::text::${SQL_NAME[rt]})::text AS v`;
            await same(`${la} ${op} ${lb}`, zone, sql, [la, lb], (ctx) => {
              const x = r.operate(op, lt, rt, [va, vb], ctx);
              return res === TypeOid.bool ? (x ? 'true' : 'false') : out(res, x, ctx);
            });
          }
          const ld = dateLit(d);
          const lts = tsLit(t);
          for (const op of ['<', '=', '>=']) {
            for (const [lt, rt, la, lb, va, vb] of [
              [date, timestamp, ld, lts, d, t],
              [timestamp, date, lts, ld, t, d],
              [date, timestamptz, ld, lts, d, null],
              [timestamp, timestamptz, lts, lts, t, null],
            ] as const) {
              const sql = `SELECT ($1::text::${SQL_NAME[lt]} ${op} $2::text::${SQL_NAME[rt]})::text AS v`;
              await same(`${la} ${op} ${lb} @${zone}`, zone, sql, [la, lb], (ctx) => {
                const right = vb === null ? r.mustType(timestamptz).input(lb, -1, ctx) : vb;
                return r.operate(op, lt, rt, [va, right], ctx) ? 'true' : 'false';
              });
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('date_bin, OVERLAPS, generate_series and timetz functions', async () => {
    await fc.assert(
      fc.asyncProperty(
        timestampArb,
        timestampArb,
        intervalArb,
        fc.array(fc.option(timestampArb, { freq: 5 }), { minLength: 4, maxLength: 4 }),
        fc.record({
          time: fc.bigInt({ min: 0n, max: MICROS_PER_DAY }),
          zone: fc.integer({ min: -50400, max: 50400 }),
        }),
        fc.constantFrom(...UNITS_TZ),
        async (a, b, v, four, tt, unit) => {
          const stride = {
            months: 0,
            days: Math.abs(v.days) % 3,
            micros: v.micros < 0n ? -v.micros : v.micros,
          };
          await same(
            `date_bin(${ivLit(stride)}, ${tsLit(a)}, ${tsLit(b)})`,
            'UTC',
            'SELECT date_bin($1::text::interval, $2::text::timestamp, $3::text::timestamp)::text AS v',
            [ivLit(stride), tsLit(a), tsLit(b)],
            (ctx) =>
              out(
                timestamp,
                r.call('date_bin', [interval, timestamp, timestamp], [stride, a, b], ctx),
                ctx,
              ),
          );
          const lits = four.map((x) => (x === null ? null : tsLit(x)));
          await same(
            `overlaps ${lits.join(',')}`,
            'UTC',
            'SELECT (($1::text::timestamp, $2::text::timestamp) OVERLAPS ($3::text::timestamp, $4::text::timestamp))::text AS v',
            lits,
            (ctx) => {
              const res = r.call(
                'overlaps',
                [timestamp, timestamp, timestamp, timestamp],
                four,
                ctx,
              );
              return res === null ? null : res ? 'true' : 'false';
            },
          );
          const lo = [a, b].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))[0]!;
          const span = (a < b ? b - a : a - b) / 7n + 1n;
          const step = { months: 0, days: 0, micros: span };
          if (lo > -9000000000000000000n && lo + span * 8n < 9000000000000000000n) {
            await same(
              `generate_series(${tsLit(lo)}, +${span})`,
              'UTC',
              "SELECT string_agg(g::text, ',') AS v FROM generate_series($1::text::timestamp, $2::text::timestamp, $3::text::interval) g",
              [tsLit(lo), tsLit(lo + span * 5n), ivLit(step)],
              (ctx) => {
                const it = r.call(
                  'generate_series',
                  [timestamp, timestamp, interval],
                  [lo, lo + span * 5n, step],
                  ctx,
                ) as Iterable<bigint>;
                return [...it].map((x) => out(timestamp, x, ctx)).join(',');
              },
            );
          }
          const ivl = ivLit(v);
          await same(
            `overlaps ${lits[0]}, ${ivl}, ${lits[2]}, ${lits[3]}`,
            'UTC',
            'SELECT (($1::text::timestamp, $2::text::interval) OVERLAPS ($3::text::timestamp, $4::text::timestamp))::text AS v',
            [lits[0], ivl, lits[2], lits[3]],
            (ctx) => {
              const res = r.call(
                'overlaps',
                [timestamp, interval, timestamp, timestamp],
                [four[0], v, four[2], four[3]],
                ctx,
              );
              return res === null ? null : res ? 'true' : 'false';
            },
          );
          const zoneIv = { months: 0, days: 0, micros: v.micros % 50_000_000_000n };
          await same(
            `timezone(${ivLit(zoneIv)}, timetz)`,
            'UTC',
            'SELECT timezone($1::text::interval, $2::text::timetz)::text AS v',
            [ivLit(zoneIv), out(timetz, tt, ctxFor('UTC'))],
            (ctx) => out(timetz, r.call('timezone', [interval, timetz], [zoneIv, tt], ctx), ctx),
          );
          const lt = out(timetz, tt, ctxFor('UTC'))!;
          await same(
            `date_part(${unit}, timetz ${lt})`,
            'UTC',
            'SELECT date_part($1, $2::text::timetz)::text AS v',
            [unit, lt],
            (ctx) => out(float8, r.call('date_part', [text, timetz], [unit, tt], ctx), ctx),
          );
          await same(
            `extract(${unit}, timetz ${lt})`,
            'UTC',
            `SELECT extract(${unit} from $1::text::timetz)::text AS v`,
            [lt],
            (ctx) =>
              r.mustType(numeric).output(r.call('extract', [text, timetz], [unit, tt], ctx), ctx),
          );
          await same(
            `timezone(EST, timetz ${lt})`,
            'UTC',
            "SELECT timezone('EST', $1::text::timetz)::text AS v",
            [lt],
            (ctx) => out(timetz, r.call('timezone', [text, timetz], ['EST', tt], ctx), ctx),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('special values that read the transaction clock', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          'today',
          'tomorrow',
          'yesterday',
          'now',
          'today 12:00',
          'tomorrow allballs',
          'yesterday 23:59:59.5',
        ),
        fc.constantFrom(date, timestamp, timestamptz, time, timetz),
        zoneArb,
        async (s, oid, zone) => {
          await setZone(zone);
          const theirs = await pgOutcome(
            pg,
            `SELECT ((extract(epoch from now()) - 946684800) * 1000000)::bigint::text || '|' || $1::text::${SQL_NAME[oid]}::text AS v`,
            [s],
          );
          let start = 0n;
          let expected: Outcome = theirs;
          if (theirs.ok && theirs.text !== null) {
            const bar = theirs.text.indexOf('|');
            start = BigInt(theirs.text.slice(0, bar));
            expected = { ok: true, text: theirs.text.slice(bar + 1) };
          }
          const ctx = defaultContext({
            timeZone: zone,
            transactionStart: start,
            statementStart: start,
          });
          const ours = ourOutcome(() => out(oid, r.mustType(oid).input(s, -1, ctx), ctx));
          expectSameOutcome(`${SQL_NAME[oid]} ${s} @${zone}`, ours, expected, true);
          agreed++;
          const rows2 = await pg.query<{ e: string; v: string | null }>(
            'SELECT ((extract(epoch from now()) - 946684800) * 1000000)::bigint::text AS e, age($1::text::timestamp)::text AS v',
            ['2001-02-03 04:05:06'],
          );
          const start2 = BigInt(rows2[0]!.e);
          const ctx2 = defaultContext({
            timeZone: zone,
            transactionStart: start2,
            statementStart: start2,
          });
          const ts = r.mustType(timestamp).input('2001-02-03 04:05:06', -1, ctx2);
          expectSameOutcome(
            `age(2001-02-03 04:05:06) @${zone}`,
            ourOutcome(() => out(interval, r.call('age', [timestamp], [ts], ctx2), ctx2)),
            { ok: true, text: rows2[0]!.v },
          );
          agreed++;
        },
      ),
      { numRuns: Math.max(20, Math.floor(RUNS / 3)) },
    );
  });

  it('text input of junk strings', async () => {
    await fc.assert(
      fc.asyncProperty(
        junkArb,
        fc.constantFrom(date, time, timetz, timestamp, timestamptz, interval),
        async (s, oid) => {
          if (/^\s*(now|today)/.test(s)) return;
          // letters run into digits read as POSIX TZ specs (e.g. 'am-05'); only plain ones are supported
          if (/[a-z][+-]?\d/i.test(s)) return;
          await same(
            `${SQL_NAME[oid]} ${s}`,
            'UTC',
            `SELECT $1::text::${SQL_NAME[oid]}::text AS v`,
            [s],
            (ctx) => out(oid, r.mustType(oid).input(s, -1, ctx), ctx),
            true,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('text input of times and timetz, with typmods', async () => {
    await fc.assert(
      fc.asyncProperty(
        fieldsArb,
        fc.constantFrom(time, timetz),
        fc.constantFrom(-1, 0, 2, 6),
        async (f, oid, p) => {
          const zone = oid === timetz ? f.zone.replace(/ (America|Europe)\/\w+/, '') : '';
          const s = `${timeText(f)}${zone}`;
          const typ = `${SQL_NAME[oid]}${p >= 0 ? `(${p})` : ''}`;
          await same(
            `${typ} ${s}`,
            'UTC',
            // an untyped literal reaches interval_in with the typmod (a text cast would not)
            `SELECT '${s.replace(/'/g, "''")}'::${typ}::text AS v`,
            [],
            (ctx) => {
              const t = r.mustType(oid);
              return out(oid, t.input(s, p, ctx), ctx);
            },
            true,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('interval input with field typmods', async () => {
    const RANGES: [string, number][] = [
      ['year', 1 << 2],
      ['month', 1 << 1],
      ['day', 1 << 3],
      ['hour', 1 << 10],
      ['minute', 1 << 11],
      ['second', 1 << 12],
      ['year to month', (1 << 2) | (1 << 1)],
      ['day to hour', (1 << 3) | (1 << 10)],
      ['day to minute', (1 << 3) | (1 << 10) | (1 << 11)],
      ['day to second', (1 << 3) | (1 << 10) | (1 << 11) | (1 << 12)],
      ['hour to minute', (1 << 10) | (1 << 11)],
      ['hour to second', (1 << 10) | (1 << 11) | (1 << 12)],
      ['minute to second', (1 << 11) | (1 << 12)],
    ];
    const texts = fc.oneof(
      intervalTextArb,
      fc.constantFrom(
        '1 2',
        '1:30',
        '1 2:03',
        '1:02:03.456',
        '-1 2',
        '12.5',
        '5',
        '1-2',
        '1 2:03:04.5678',
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        texts,
        fc.constantFrom(...RANGES),
        fc.constantFrom(-1, 0, 3),
        async (s, [name, range], p) => {
          const typ = `interval ${name}${p >= 0 && name.endsWith('second') ? `(${p})` : ''}`;
          const mods = p >= 0 && name.endsWith('second') ? [range, p] : [range];
          await same(
            `'${s}'::${typ}`,
            'UTC',
            // an untyped literal reaches interval_in with the typmod (a text cast would not)
            `SELECT '${s.replace(/'/g, "''")}'::${typ}::text AS v`,
            [],
            (ctx) => {
              const t = r.mustType(interval);
              return out(interval, t.input(s, t.typmodIn!(mods), ctx), ctx);
            },
            true,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('text input of intervals', async () => {
    await fc.assert(
      fc.asyncProperty(intervalTextArb, async (s) => {
        await same(
          `interval ${s}`,
          'UTC',
          'SELECT $1::text::interval::text AS v',
          [s],
          (ctx) => out(interval, r.mustType(interval).input(s, -1, ctx), ctx),
          true,
        );
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('timestamp(p) and interval typmods', async () => {
    await fc.assert(
      fc.asyncProperty(
        wideTimestampArb,
        intervalArb,
        fc.integer({ min: 0, max: 6 }),
        async (t, v, p) => {
          await same(
            `timestamp(${p}) ${t}`,
            'UTC',
            `SELECT $1::text::timestamp(${p})::text AS v`,
            [tsLit(t)],
            (ctx) => out(timestamp, r.mustType(timestamp).input(tsLit(t), p, ctx), ctx),
          );
          const typmod = r.mustType(interval).typmodIn!([0x7fff, p]);
          await same(
            `interval(${p}) ${ivLit(v)}`,
            'UTC',
            `SELECT $1::text::interval(${p})::text AS v`,
            [ivLit(v)],
            (ctx) => out(interval, r.mustType(interval).input(ivLit(v), typmod, ctx), ctx),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('timestamp and timestamptz output in several zones', async () => {
    await fc.assert(
      fc.asyncProperty(wideTimestampArb, zoneArb, async (t, zone) => {
        const z = zone === 'UTC' ? 'UTC' : zone;
        const tt = z === 'UTC' ? t : t % (36_500n * MICROS_PER_DAY);
        await same(
          `timestamptz ${tt}`,
          z,
          'SELECT $1::text::timestamptz::text AS v',
          [`${tstzLit(tt)}`],
          (ctx) => out(timestamptz, tt, ctx),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('timestamp and date arithmetic', async () => {
    await fc.assert(
      fc.asyncProperty(
        timestampArb,
        timestampArb,
        intervalArb,
        dateArb,
        fc.integer({ min: -100000, max: 100000 }),
        zoneArb,
        async (a, b, v, d, n, zone) => {
          const ta = tsLit(a);
          const tb = tsLit(b);
          const iv = ivLit(v);
          const cases: [string, string[], string, number[], unknown[], number][] = [
            ['timestamp + interval', [ta, iv], '+', [timestamp, interval], [a, v], timestamp],
            ['timestamp - interval', [ta, iv], '-', [timestamp, interval], [a, v], timestamp],
            ['timestamp - timestamp', [ta, tb], '-', [timestamp, timestamp], [a, b], interval],
            ['timestamptz + interval', [ta, iv], '+', [timestamptz, interval], [a, v], timestamptz],
            ['timestamptz - interval', [ta, iv], '-', [timestamptz, interval], [a, v], timestamptz],
            ['date + int4', [dateLit(d), String(n)], '+', [date, int4], [d, n], date],
            ['date - int4', [dateLit(d), String(n)], '-', [date, int4], [d, n], date],
            ['date + interval', [dateLit(d), iv], '+', [date, interval], [d, v], timestamp],
          ];
          for (const [label, lits, op, types, vals, res] of cases) {
            const sql = `SELECT ($1::text::${SQL_NAME[types[0]!]} ${op} $2::text::${SQL_NAME[types[1]!]})::text AS v`;
            await same(`${label} ${lits.join(' , ')} @${zone}`, zone, sql, lits, (ctx) => {
              // timestamptz operands are the same literals read in the session zone
              const args = vals.map((x, i) =>
                types[i] === timestamptz ? r.mustType(timestamptz).input(lits[i]!, -1, ctx) : x,
              );
              return out(res, r.operate(op, types[0]!, types[1]!, args, ctx), ctx);
            });
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('interval arithmetic and justify', async () => {
    const factors = fc.oneof(
      fc.constantFrom(0, 1, -1, 2, 0.5, 1.5, 3, 0.1, 1e-7, 1e10, 100),
      fc.double({ min: -1000, max: 1000, noNaN: true }),
    );
    await fc.assert(
      fc.asyncProperty(intervalArb, intervalArb, factors, async (a, b, f) => {
        const la = ivLit(a);
        const lb = ivLit(b);
        const fl = String(f);
        const bin: [string, string, number, unknown][] = [
          ['+', lb, interval, b],
          ['-', lb, interval, b],
          ['*', fl, float8, f],
          ['/', fl, float8, f],
        ];
        for (const [op, lit, t, val] of bin) {
          await same(
            `interval ${la} ${op} ${lit}`,
            'UTC',
            `SELECT ($1::text::interval ${op} $2::text::${SQL_NAME[t]})::text AS v`,
            [la, lit],
            (ctx) => out(interval, r.operate(op, interval, t, [a, val], ctx), ctx),
          );
        }
        for (const fname of ['justify_days', 'justify_hours', 'justify_interval']) {
          await same(
            `${fname}(${la})`,
            'UTC',
            `SELECT ${fname}($1::text::interval)::text AS v`,
            [la],
            (ctx) => out(interval, r.call(fname, [interval], [a], ctx), ctx),
          );
        }
        await same(
          `${la} < ${lb}`,
          'UTC',
          'SELECT ($1::text::interval < $2::text::interval)::text AS v',
          [la, lb],
          (ctx) =>
            String(r.operate('<', interval, interval, [a, b], ctx)) === 'true' ? 'true' : 'false',
        );
      }),
      { numRuns: RUNS },
    );
  });

  const UNITS = [
    'microseconds',
    'milliseconds',
    'second',
    'minute',
    'hour',
    'day',
    'week',
    'month',
    'quarter',
    'year',
    'decade',
    'century',
    'millennium',
    'dow',
    'isodow',
    'doy',
    'epoch',
    'isoyear',
    'julian',
    'timezone',
    'timezone_hour',
    'timezone_minute',
    'fortnight',
    'MONTHS',
  ];

  it('date_trunc, date_part and extract', async () => {
    await fc.assert(
      fc.asyncProperty(
        timestampArb,
        intervalArb,
        dateArb,
        fc.constantFrom(...UNITS),
        zoneArb,
        async (t, v, d, unit, zone) => {
          const lt = tsLit(t);
          const lv = ivLit(v);
          const ld = dateLit(d);
          for (const [oid, lit, val] of [
            [timestamp, lt, t],
            [timestamptz, lt, null],
            [interval, lv, v],
          ] as const) {
            const arg = (ctx: TypeContext) =>
              val === null ? r.mustType(timestamptz).input(lit, -1, ctx) : val;
            const tn = SQL_NAME[oid];
            await same(
              `date_trunc(${unit}, ${tn} ${lit}) @${zone}`,
              zone,
              `SELECT date_trunc($1, $2::text::${tn})::text AS v`,
              [unit, lit],
              (ctx) => out(oid, r.call('date_trunc', [text, oid], [unit, arg(ctx)], ctx), ctx),
            );
            await same(
              `date_part(${unit}, ${tn} ${lit}) @${zone}`,
              zone,
              `SELECT date_part($1, $2::text::${tn})::text AS v`,
              [unit, lit],
              (ctx) => out(float8, r.call('date_part', [text, oid], [unit, arg(ctx)], ctx), ctx),
            );
            await same(
              `extract(${unit}, ${tn} ${lit}) @${zone}`,
              zone,
              `SELECT extract(${unit.replace(/^fortnight$/, '"fortnight"')} from $1::text::${tn})::text AS v`,
              [lit],
              (ctx) => {
                const res = r.call('extract', [text, oid], [unit, arg(ctx)], ctx);
                return res === null ? null : r.mustType(numeric).output(res, ctx);
              },
            );
          }
          await same(
            `extract(${unit}, date ${ld})`,
            'UTC',
            `SELECT extract(${unit.replace(/^fortnight$/, '"fortnight"')} from $1::text::date)::text AS v`,
            [ld],
            (ctx) => {
              const res = r.call('extract', [text, date], [unit, d], ctx);
              return res === null ? null : r.mustType(numeric).output(res, ctx);
            },
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  const PATTERNS = [
    'YYYY',
    'YYY',
    'YY',
    'Y',
    'Y,YYY',
    'IYYY',
    'IY',
    'MM',
    'Mon',
    'MON',
    'mon',
    'Month',
    'MONTH',
    'month',
    'FMMonth',
    'DD',
    'DDD',
    'D',
    'ID',
    'IDDD',
    'Day',
    'DAY',
    'day',
    'FMDay',
    'Dy',
    'dy',
    'HH',
    'HH12',
    'HH24',
    'MI',
    'SS',
    'MS',
    'US',
    'FF3',
    'SSSS',
    'AM',
    'pm',
    'A.M.',
    'p.m.',
    'TZ',
    'tz',
    'OF',
    'TZH:TZM',
    'Q',
    'WW',
    'IW',
    'W',
    'J',
    'CC',
    'RM',
    'rm',
    'BC',
    'a.d.',
    'DDth',
    'FMDDth',
    'HH24TH',
    'FMHH12',
    'DDSP',
    'DDTHSP',
    'FMDDSPTH',
    '"text"',
    ' ',
    '-',
    ':',
    '\\"',
    'x',
  ];

  it('to_char of timestamps, timestamptz and intervals', async () => {
    await fc.assert(
      fc.asyncProperty(
        wideTimestampArb,
        fc.array(fc.constantFrom(...PATTERNS), { minLength: 1, maxLength: 5 }),
        fc.constantFrom('UTC', 'America/New_York'),
        intervalArb,
        async (t, pieces, zone, v) => {
          const fmt = pieces.join('');
          const lt = tsLit(t);
          await same(
            `to_char(timestamp ${lt}, ${fmt})`,
            zone,
            'SELECT to_char($1::text::timestamp, $2) AS v',
            [lt, fmt],
            (ctx) => r.call('to_char', [timestamp, text], [t, fmt], ctx) as string | null,
          );
          const tz =
            ((t % (36_500n * MICROS_PER_DAY)) + 36_500n * MICROS_PER_DAY) %
            (36_500n * MICROS_PER_DAY);
          await same(
            `to_char(timestamptz ${tstzLit(tz)}, ${fmt})`,
            zone,
            'SELECT to_char($1::text::timestamptz, $2) AS v',
            [tstzLit(tz), fmt],
            (ctx) => r.call('to_char', [timestamptz, text], [tz, fmt], ctx) as string | null,
          );
          const ifmt = fmt;
          await same(
            `to_char(interval ${ivLit(v)}, ${ifmt})`,
            'UTC',
            'SELECT to_char($1::text::interval, $2) AS v',
            [ivLit(v), ifmt],
            (ctx) => r.call('to_char', [interval, text], [v, ifmt], ctx) as string | null,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('age, make_*, to_timestamp, AT TIME ZONE and casts', async () => {
    await fc.assert(
      fc.asyncProperty(
        timestampArb,
        timestampArb,
        fc.tuple(
          fc.integer({ min: -5000, max: 10000 }),
          fc.integer({ min: 0, max: 13 }),
          fc.integer({ min: 0, max: 32 }),
          fc.integer({ min: -1, max: 25 }),
          fc.integer({ min: 0, max: 60 }),
          fc.oneof(
            fc.double({ min: 0, max: 61, noNaN: true }),
            fc.constantFrom(0, 59.9999999, 60, 1.5),
          ),
        ),
        zoneArb,
        fc.constantFrom(
          'UTC',
          'EST',
          'America/New_York',
          'Asia/Kolkata',
          'cest',
          'Nowhere/Zone',
          'Europe/Berlin',
        ),
        intervalArb,
        async (a, b, [y, mo, d, h, mi, s], zone, atZone, v) => {
          const la = tsLit(a);
          const lb = tsLit(b);
          await same(
            `age(${la}, ${lb})`,
            zone,
            'SELECT age($1::text::timestamp, $2::text::timestamp)::text AS v',
            [la, lb],
            (ctx) => out(interval, r.call('age', [timestamp, timestamp], [a, b], ctx), ctx),
          );
          await same(
            `age(tz ${la}, ${lb}) @${zone}`,
            zone,
            'SELECT age($1::text::timestamptz, $2::text::timestamptz)::text AS v',
            [la, lb],
            (ctx) => {
              const tz = r.mustType(timestamptz);
              return out(
                interval,
                r.call(
                  'age',
                  [timestamptz, timestamptz],
                  [tz.input(la, -1, ctx), tz.input(lb, -1, ctx)],
                  ctx,
                ),
                ctx,
              );
            },
          );
          await same(
            `make_date(${y},${mo},${d})`,
            'UTC',
            'SELECT make_date($1, $2, $3)::text AS v',
            [y, mo, d],
            (ctx) => out(date, r.call('make_date', [int4, int4, int4], [y, mo, d], ctx), ctx),
            true,
          );
          await same(
            `make_time(${h},${mi},${s})`,
            'UTC',
            'SELECT make_time($1, $2, $3::float8)::text AS v',
            [h, mi, String(s)],
            (ctx) => out(time, r.call('make_time', [int4, int4, float8], [h, mi, s], ctx), ctx),
            true,
          );
          await same(
            `make_timestamp(${y},${mo},${d},${h},${mi},${s})`,
            'UTC',
            'SELECT make_timestamp($1, $2, $3, $4, $5, $6::float8)::text AS v',
            [y, mo, d, h, mi, String(s)],
            (ctx) =>
              out(
                timestamp,
                r.call(
                  'make_timestamp',
                  [int4, int4, int4, int4, int4, float8],
                  [y, mo, d, h, mi, s],
                  ctx,
                ),
                ctx,
              ),
            true,
          );
          await same(
            `make_interval(${y},${mo},${d},${h},${mi},${s})`,
            'UTC',
            'SELECT make_interval($1, $2, 0, $3, $4, $5, $6::float8)::text AS v',
            [y, mo, d, h, mi, String(s)],
            (ctx) =>
              out(
                interval,
                r.call(
                  'make_interval',
                  [int4, int4, int4, int4, int4, int4, float8],
                  [y, mo, 0, d, h, mi, s],
                  ctx,
                ),
                ctx,
              ),
          );
          for (const mz of [atZone, '+05', '-03:30', '5']) {
            await same(
              `make_timestamptz(${y},${mo},${d},${h},${mi},${s},${mz})`,
              zone,
              'SELECT make_timestamptz($1, $2, $3, $4, $5, $6::float8, $7)::text AS v',
              [y, mo, d, h, mi, String(s), mz],
              (ctx) =>
                out(
                  timestamptz,
                  r.call(
                    'make_timestamptz',
                    [int4, int4, int4, int4, int4, float8, text],
                    [y, mo, d, h, mi, s, mz],
                    ctx,
                  ),
                  ctx,
                ),
              true,
            );
          }
          const secs = Number(a) / 1e6 + 946684800 + s / 7;
          await same(
            `to_timestamp(${secs})`,
            zone,
            'SELECT to_timestamp($1::float8)::text AS v',
            [String(secs)],
            (ctx) => out(timestamptz, r.call('to_timestamp', [float8], [secs], ctx), ctx),
          );
          await same(
            `${la} AT TIME ZONE ${atZone}`,
            zone,
            'SELECT ($1::text::timestamp AT TIME ZONE $2)::text AS v',
            [la, atZone],
            (ctx) => out(timestamptz, r.call('timezone', [text, timestamp], [atZone, a], ctx), ctx),
            true,
          );
          await same(
            `tz ${la} AT TIME ZONE ${atZone}`,
            zone,
            'SELECT ($1::text::timestamptz AT TIME ZONE $2)::text AS v',
            [la, atZone],
            (ctx) =>
              out(
                timestamp,
                r.call(
                  'timezone',
                  [text, timestamptz],
                  [atZone, r.mustType(timestamptz).input(la, -1, ctx)],
                  ctx,
                ),
                ctx,
              ),
            true,
          );
          const casts: [number, number, string][] = [
            [timestamptz, date, la],
            [timestamptz, time, la],
            [timestamptz, timestamp, la],
            [timestamptz, timetz, la],
            [timestamp, timestamptz, la],
            [timestamp, date, la],
            [timestamp, time, la],
            [date, timestamptz, dateLit(Number(a / MICROS_PER_DAY))],
            [date, timestamp, dateLit(Number(a / MICROS_PER_DAY))],
            [interval, time, ivLit(v)],
            [
              time,
              interval,
              out(time, ((a % MICROS_PER_DAY) + MICROS_PER_DAY) % MICROS_PER_DAY, ctxFor('UTC'))!,
            ],
          ];
          for (const [src, dst, lit] of casts) {
            await same(
              `${lit}::${SQL_NAME[src]}::${SQL_NAME[dst]} @${zone}`,
              zone,
              `SELECT $1::text::${SQL_NAME[src]}::${SQL_NAME[dst]}::text AS v`,
              [lit],
              (ctx) => {
                const value = r.mustType(src).input(lit, -1, ctx);
                return out(dst, r.cast(src, dst)!.fn!(value, -1, ctx, true), ctx);
              },
            );
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
