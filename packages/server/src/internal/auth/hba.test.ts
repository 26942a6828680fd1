import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  findHbaLine,
  HbaLoadError,
  type HbaPeer,
  loadHba,
  normalizeClientAddress,
  parseIp,
} from './hba.js';

/** The message of loading one line after a valid first line. */
function loadError(line: string): string {
  try {
    loadHba(`local all all trust\n${line}\n`);
  } catch (e) {
    expect(e).toBeInstanceOf(HbaLoadError);
    expect((e as HbaLoadError).lineNumber).toBe(2);
    expect((e as HbaLoadError).context).toBe('line 2 of configuration file "pg_hba.conf"');
    return (e as Error).message;
  }
  return 'loaded';
}

describe('pg_hba.conf parser', () => {
  // Messages as PostgreSQL 15's pg_hba_file_rules.error reports them for the same lines.
  it.each([
    ['foo all all trust', 'invalid connection type "foo"'],
    ['local all', 'end-of-line before role specification'],
    ['local', 'end-of-line before database specification'],
    ['host all all', 'end-of-line before IP address specification'],
    ['host all all 127.0.0.1', 'end-of-line before netmask specification'],
    ['host all all 127.0.0.1/33 trust', 'invalid CIDR mask in address "127.0.0.1/33"'],
    ['host all all 127.0.0.1/abc trust', 'invalid CIDR mask in address "127.0.0.1/abc"'],
    ['host all all 127.0.0.1/ 32 trust', 'invalid CIDR mask in address "127.0.0.1/"'],
    ['host all all 127.0.0.1/-1 trust', 'invalid CIDR mask in address "127.0.0.1/-1"'],
    ['host all all ::1/129 trust', 'invalid CIDR mask in address "::1/129"'],
    [
      'host all all myhost/24 trust',
      'specifying both host name and CIDR mask is invalid: "myhost/24"',
    ],
    ['host all all 127.0.0.1 ::ffff trust', 'IP address and mask do not match'],
    [
      'host all all 127.0.0.1 nonsense trust',
      'invalid IP mask "nonsense": Name or service not known',
    ],
    ['host all all 1.2.3 trust', 'invalid IP mask "trust": Name or service not known'],
    ['host all all 127.0.0.1/32 bogus', 'invalid authentication method "bogus"'],
    ['host all all 127.0.0.1/32 peer', 'peer authentication is only supported on local sockets'],
    ['local all all gss', 'gssapi authentication is not supported on local sockets'],
    [
      'host all all 127.0.0.1/32 cert',
      'cert authentication is only supported on hostssl connections',
    ],
    [
      'host all all 127.0.0.1/32 sspi',
      'invalid authentication method "sspi": not supported by this build',
    ],
    [
      'host all all 127.0.0.1/32 ident',
      'invalid authentication method "ident": not supported by this build',
    ],
    ['host all all 127.0.0.1/32 trust foo', 'authentication option not in name=value format: foo'],
    ['host all all 127.0.0.1/32 trust foo=bar', 'unrecognized authentication option name: "foo"'],
    [
      'host all all 127.0.0.1/32 trust map=x',
      'authentication option "map" is only valid for authentication methods ident, peer, gssapi, sspi, and cert',
    ],
    [
      'host all all 127.0.0.1/32 trust clientcert=verify-ca',
      'clientcert can only be configured for "hostssl" rows',
    ],
    [
      'host all all 127.0.0.1/32 trust ldapserver=x',
      'authentication option "ldapserver" is only valid for authentication methods ldap',
    ],
    [
      'host all all 127.0.0.1/32 trust include_realm=0',
      'authentication option "include_realm" is only valid for authentication methods gssapi and sspi',
    ],
    ['host all all 127.0.0.1/32,::1 trust', 'multiple values specified for host address'],
    ['host all all 127.0.0.1/32 trust,md5', 'multiple values specified for authentication type'],
    ['local,host all all trust', 'multiple values specified for connection type'],
    [
      'host all all 127.0.0.1/32 trust \\\n  clientcert=verify-full',
      'clientcert can only be configured for "hostssl" rows',
    ],
  ])('%s', (line, message) => {
    expect(loadError(line)).toBe(message);
  });

  it('loads the valid forms with quoting, lists, comments and continuations', () => {
    const rules = loadHba(
      [
        '# a comment',
        '',
        'host "all","a b",c "all",+g,"+h" 10.0.0.0/8 trust # comment',
        'host all all 127.0.0.1 255.255.255.0 md5',
        'hostssl all all ::1/128 scram-sha-256',
        'host all all 127.1/32 password',
        'host all all 01.2.3.4/32 trust',
        'local sameuser, samerole all \\',
        '  reject',
        'host all all samehost trust',
        'hostnogssenc all all all trust',
      ].join('\n'),
    );
    expect(rules.lines.map((l) => l.lineNumber)).toEqual([3, 4, 5, 6, 7, 8, 10, 11]);
    const [first, mask, , aton, octal, local] = rules.lines;
    expect(first?.databases).toEqual([
      { string: 'all', quoted: true },
      { string: 'a b', quoted: true },
      { string: 'c', quoted: false },
    ]);
    expect(first?.roles.map((t) => `${t.quoted ? 'q' : ''}${t.string}`)).toEqual([
      'qall',
      '+g',
      'q+h',
    ]);
    expect(mask?.address).toMatchObject({
      kind: 'mask',
      mask: { family: 4, bytes: Uint8Array.from([255, 255, 255, 0]) },
    });
    expect(aton?.address).toMatchObject({
      kind: 'mask',
      addr: { bytes: Uint8Array.from([127, 0, 0, 1]) },
    });
    expect(octal?.address).toMatchObject({
      kind: 'mask',
      addr: { bytes: Uint8Array.from([1, 2, 3, 4]) },
    });
    expect(local?.method).toBe('reject');
    expect(local?.databases.map((t) => t.string)).toEqual(['sameuser', 'samerole']);
  });

  it('expands @file includes relative to the file; a missing one is a load error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'h3-hba-'));
    try {
      writeFileSync(join(dir, 'users'), 'alice, bob\n# comment\n"carol dave"\n');
      writeFileSync(join(dir, 'empty'), '# nobody\n');
      const rules = loadHba(
        'host all @users,eve 10.0.0.0/8 trust\nhost all @empty,zed all reject\n',
        {
          fileName: join(dir, 'pg_hba.conf'),
        },
      );
      expect(rules.lines[0]?.roles.map((t) => t.string)).toEqual([
        'alice',
        'bob',
        'carol dave',
        'eve',
      ]);
      expect(rules.lines[1]?.roles).toEqual([{ string: 'zed', quoted: false }]);
      // an include that gives nothing drops its field: the next fields move up
      expect(() =>
        loadHba('host all @empty all reject\n', { fileName: join(dir, 'pg_hba.conf') }),
      ).toThrow('end-of-line before authentication method');
      expect(() =>
        loadHba('host all @missing all reject\n', { fileName: join(dir, 'pg_hba.conf') }),
      ).toThrow(
        `could not open secondary authentication file "@missing" as "${join(dir, 'missing')}": No such file or directory`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('samehost and samenet use the interfaces of this machine (loopback here)', () => {
    const rules = loadHba('host all all samehost trust\nhost all all samenet md5\n');
    const at = (address: string) => findHbaLine(rules, peer({ address }))?.lineNumber;
    expect(at('127.0.0.1')).toBe(1);
    expect(at('127.0.0.5')).toBe(2);
    expect(at('203.0.113.7')).toBeUndefined();
  });

  it('warns about lines that cannot match (hostssl without TLS, hostgssenc)', () => {
    const text = 'hostssl all all all trust\nhostgssenc all all all trust\n';
    expect(loadHba(text).warnings.map((w) => `${w.message} (${w.context})`)).toEqual([
      'hostssl record cannot match because SSL is disabled (line 1 of configuration file "pg_hba.conf")',
      'hostgssenc record cannot match because GSSAPI is not supported by this build (line 2 of configuration file "pg_hba.conf")',
    ]);
    expect(loadHba(text, { ssl: true }).warnings).toHaveLength(1);
  });

  it('refuses a file without entries', () => {
    expect(() => loadHba('# nothing\n')).toThrow(
      'configuration file "pg_hba.conf" contains no entries',
    );
  });

  it('parses IPv6 and normalises mapped client addresses', () => {
    expect(parseIp('::1')?.bytes).toEqual(Uint8Array.from([...new Array(15).fill(0), 1]));
    expect(parseIp('fe80::1:2')?.family).toBe(6);
    expect(parseIp('::ffff:10.1.2.3')?.bytes.slice(10)).toEqual(
      Uint8Array.from([255, 255, 10, 1, 2, 3]),
    );
    expect(parseIp('1::2::3')).toBeUndefined();
    expect(parseIp('localhost')).toBeUndefined();
    expect(normalizeClientAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeClientAddress('fe80::1%eth0')).toBe('fe80::1');
  });
});

const peer = (p: Partial<HbaPeer>): HbaPeer => ({
  kind: 'host',
  ssl: false,
  address: '127.0.0.1',
  database: 'd',
  user: 'u',
  roleExists: true,
  ...p,
});

describe('pg_hba.conf matching', () => {
  const rules = loadHba(
    [
      'local all postgres trust',
      'hostssl all all 10.0.0.0/8 md5',
      'hostnossl all all 10.0.0.0/8 password',
      'host sameuser all 127.0.0.1/32 trust',
      'host samerole all 127.0.0.1/32 md5',
      'host "all" +admins ::1/128 reject',
      'host all all ::1/128 scram-sha-256',
      'host all all 192.168.1.0 255.255.255.0 trust',
    ].join('\n'),
  );
  const lineOf = (p: Partial<HbaPeer>): number | undefined =>
    findHbaLine(rules, peer(p))?.lineNumber;

  it('follows connection type, SSL, address, database and user', () => {
    expect(lineOf({ kind: 'local', user: 'postgres' })).toBe(1);
    expect(lineOf({ kind: 'local', user: 'other' })).toBeUndefined();
    expect(lineOf({ address: '10.9.8.7', ssl: true })).toBe(2);
    expect(lineOf({ address: '10.9.8.7', ssl: false })).toBe(3);
    expect(lineOf({ user: 'd' })).toBe(4);
    expect(lineOf({ user: 'x', database: 'x' })).toBe(4);
    expect(lineOf({ user: 'x', database: 'y' })).toBeUndefined();
    // samerole: the database names a role the user belongs to (itself here).
    expect(lineOf({ user: 'x', database: 'x', roleExists: false })).toBe(4);
    expect(lineOf({ user: 'x', database: 'z', memberOf: ['x', 'z'] })).toBe(5);
    // +admins: membership; a quoted "all" database is a database named all.
    expect(lineOf({ address: '::1', user: 'admins', database: 'all' })).toBe(6);
    expect(lineOf({ address: '::1', user: 'admins', database: 'd' })).toBe(7);
    expect(lineOf({ address: '::1', user: 'admins', database: 'all', roleExists: false })).toBe(7);
    expect(lineOf({ address: '192.168.1.200' })).toBe(8);
    expect(lineOf({ address: '192.168.2.1' })).toBeUndefined();
    // An IPv4 client never matches an IPv6 rule (and the reverse).
    expect(lineOf({ address: '::ffff:7f00:1', user: 'x', database: 'x' })).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------
// Property: the matcher agrees with a naive reference on random rules and peers.

interface RefRule {
  type: 'local' | 'host' | 'hostssl' | 'hostnossl';
  dbs: string[];
  users: string[];
  /** [address, prefix] or 'all' */
  addr: [string, number] | 'all';
  method: 'trust' | 'reject' | 'md5' | 'password' | 'scram-sha-256';
}

const NAMES = ['a', 'b', 'c'];
const V4 = ['10.0.0.1', '10.0.1.2', '10.1.0.3', '192.168.0.1', '127.0.0.1'];
const V6 = ['::1', 'fd00::1', 'fd00::1:1', 'fd00:1::2'];

/** Address to a bit string, independently of parseIp. */
function bits(addr: string): string {
  if (addr.includes(':')) {
    const [head, tail] = addr.split('::') as [string, string | undefined];
    const h = head === '' ? [] : head.split(':');
    const t = tail === undefined || tail === '' ? [] : tail.split(':');
    const groups = [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t];
    return groups.map((g) => Number.parseInt(g, 16).toString(2).padStart(16, '0')).join('');
  }
  return addr
    .split('.')
    .map((o) => Number(o).toString(2).padStart(8, '0'))
    .join('');
}

function refMatch(
  rules: RefRule[],
  p: { local: boolean; ssl: boolean; addr: string; db: string; user: string },
): number {
  for (const [i, r] of rules.entries()) {
    if ((r.type === 'local') !== p.local) continue;
    if (r.type === 'hostssl' && !p.ssl) continue;
    if (r.type === 'hostnossl' && p.ssl) continue;
    if (!p.local && r.addr !== 'all') {
      const [a, n] = r.addr;
      const x = bits(a);
      const y = bits(p.addr);
      if (x.length !== y.length || x.slice(0, n) !== y.slice(0, n)) continue;
    }
    if (!r.dbs.some((d) => d === 'all' || d === p.db || (d === 'sameuser' && p.db === p.user)))
      continue;
    if (!r.users.some((u) => u === 'all' || u === p.user || u === `+${p.user}`)) continue;
    return i + 1;
  }
  return 0;
}

const ruleArb: fc.Arbitrary<RefRule> = fc.record({
  type: fc.constantFrom('local', 'host', 'hostssl', 'hostnossl'),
  dbs: fc.uniqueArray(fc.constantFrom('all', 'sameuser', ...NAMES), { minLength: 1, maxLength: 3 }),
  users: fc.uniqueArray(fc.constantFrom('all', ...NAMES, ...NAMES.map((n) => `+${n}`)), {
    minLength: 1,
    maxLength: 3,
  }),
  addr: fc.oneof(
    fc.constant('all' as const),
    fc.tuple(fc.constantFrom(...V4), fc.integer({ min: 0, max: 32 })),
    fc.tuple(fc.constantFrom(...V6), fc.integer({ min: 0, max: 128 })),
  ),
  method: fc.constantFrom('trust', 'reject', 'md5', 'password', 'scram-sha-256'),
});

function render(r: RefRule): string {
  const addr = r.type === 'local' ? '' : r.addr === 'all' ? 'all' : `${r.addr[0]}/${r.addr[1]}`;
  return `${r.type}\t${r.dbs.join(',')}  ${r.users.join(', ')} ${addr} ${r.method}`;
}

describe('pg_hba.conf matching (property)', () => {
  it('agrees with a reference matcher on random rules and peers', () => {
    fc.assert(
      fc.property(
        fc.array(ruleArb, { minLength: 1, maxLength: 8 }),
        fc.array(
          fc.record({
            local: fc.boolean(),
            ssl: fc.boolean(),
            addr: fc.constantFrom(...V4, ...V6, '::ffff:10.0.0.1'),
            db: fc.constantFrom(...NAMES),
            user: fc.constantFrom(...NAMES),
          }),
          { minLength: 1, maxLength: 10 },
        ),
        (refRules, peers) => {
          const rules = loadHba(refRules.map(render).join('\n'));
          for (const p of peers) {
            const addr = normalizeClientAddress(p.addr);
            const got = findHbaLine(rules, {
              kind: p.local ? 'local' : 'host',
              ssl: !p.local && p.ssl,
              address: addr,
              database: p.db,
              user: p.user,
              roleExists: true,
            });
            expect(got?.lineNumber ?? 0).toBe(
              refMatch(refRules, { ...p, addr, ssl: !p.local && p.ssl }),
            );
            if (got !== undefined) expect(got.method).toBe(refRules[got.lineNumber - 1]?.method);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
