import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AuthFailure,
  type AuthPeer,
  authenticate,
  buildScramSecret,
  hostnameMatch,
  loadHba,
  type RoleAuth,
} from './index.js';

const md5 = (s: string | Buffer): string => createHash('md5').update(s).digest('hex');

/** A scripted client: answers each Authentication request the way libpq does. */
function client(
  password: string | undefined,
  opts: Partial<Pick<AuthPeer, 'kind' | 'ssl' | 'address' | 'database' | 'user'>> = {},
) {
  const sent: number[] = [];
  const queue: Uint8Array[] = [];
  let scram: { bare: string; gs2: string } | undefined;
  const user = opts.user ?? 'u';
  const peer: AuthPeer = {
    kind: opts.kind ?? 'host',
    ssl: opts.ssl ?? false,
    address: opts.address ?? '127.0.0.1',
    database: opts.database ?? 'd',
    user,
    sendAuth(code, payload) {
      sent.push(code);
      const pw = password ?? '';
      const text = (s: string) => queue.push(Buffer.from(`${s}\0`));
      if (code === 3) text(pw);
      else if (code === 5) {
        text(
          `md5${md5(Buffer.concat([Buffer.from(md5(pw + user)), Buffer.from(payload as Uint8Array)]))}`,
        );
      } else if (code === 10) {
        expect(Buffer.from(payload as Uint8Array).toString()).toBe('SCRAM-SHA-256\0\0');
        scram = { bare: 'n=*,r=clientnonce', gs2: 'n,,' };
        const first = Buffer.from(scram.gs2 + scram.bare);
        const len = Buffer.alloc(4);
        len.writeInt32BE(first.length);
        queue.push(Buffer.concat([Buffer.from('SCRAM-SHA-256\0'), len, first]));
      } else if (code === 11) {
        const serverFirst = Buffer.from(payload as Uint8Array).toString();
        const a = new Map(serverFirst.split(',').map((kv) => [kv[0], kv.slice(2)] as const));
        const salted = pbkdf2Sync(
          pw,
          Buffer.from(a.get('s') as string, 'base64'),
          Number(a.get('i')),
          32,
          'sha256',
        );
        const ck = createHmac('sha256', salted).update('Client Key').digest();
        const sk = createHash('sha256').update(ck).digest();
        const wp = `c=biws,r=${a.get('r')}`;
        const sig = createHmac('sha256', sk).update(`${scram?.bare},${serverFirst},${wp}`).digest();
        queue.push(
          Buffer.from(
            `${wp},p=${Buffer.from(ck.map((b, i) => b ^ (sig[i] as number))).toString('base64')}`,
          ),
        );
      }
    },
    async readPassword() {
      const m = queue.shift();
      if (m === undefined) throw new Error('EOF');
      return m;
    },
  };
  return { peer, sent };
}

const roles = new Map<string, RoleAuth>([
  ['scram', { canLogin: true, password: buildScramSecret('pw') }],
  ['md5user', { canLogin: true, password: `md5${md5('pwmd5user')}` }],
  ['nopw', { canLogin: true, password: null }],
  ['nologin', { canLogin: false, password: buildScramSecret('pw') }],
  ['expired', { canLogin: true, password: buildScramSecret('pw'), validUntil: new Date(0) }],
  ['u', { canLogin: true, password: null }],
]);
const lookup = (n: string) => roles.get(n);

async function outcome(rulesText: string, c: ReturnType<typeof client>): Promise<string> {
  try {
    await authenticate(c.peer, loadHba(rulesText), lookup);
    return `ok ${c.sent.join(',')}`;
  } catch (e) {
    if (e instanceof AuthFailure) return `${e.code} ${e.message}`;
    throw e;
  }
}

describe('authenticate', () => {
  it('trust, reject and no matching line', async () => {
    expect(await outcome('host all all all trust', client(undefined))).toBe('ok ');
    expect(await outcome('host all all all reject', client(undefined))).toBe(
      '28000 pg_hba.conf rejects connection for host "127.0.0.1", user "u", database "d", no encryption',
    );
    expect(
      await outcome('local all all trust', client(undefined, { address: '::ffff:127.0.0.1' })),
    ).toBe(
      '28000 no pg_hba.conf entry for host "127.0.0.1", user "u", database "d", no encryption',
    );
    expect(await outcome('host all all all trust', client(undefined, { kind: 'local' }))).toBe(
      '28000 no pg_hba.conf entry for host "[local]", user "u", database "d", no encryption',
    );
    expect(await outcome('hostnossl all all all trust', client(undefined, { ssl: true }))).toBe(
      '28000 no pg_hba.conf entry for host "127.0.0.1", user "u", database "d", SSL encryption',
    );
    expect(await outcome('host all all all trust', client(undefined, { user: 'ghost' }))).toBe(
      '28000 role "ghost" does not exist',
    );
    expect(await outcome('host all all all trust', client(undefined, { user: 'nologin' }))).toBe(
      '28000 role "nologin" is not permitted to log in',
    );
  });

  it('scram-sha-256: right and wrong passwords, unknown roles, md5 secrets', async () => {
    const rule = 'host all all 127.0.0.1/32 scram-sha-256';
    expect(await outcome(rule, client('pw', { user: 'scram' }))).toBe('ok 10,11,12');
    const fail = (u: string) => `28P01 password authentication failed for user "${u}"`;
    expect(await outcome(rule, client('bad', { user: 'scram' }))).toBe(fail('scram'));
    expect(await outcome(rule, client('pw', { user: 'ghost' }))).toBe(fail('ghost'));
    expect(await outcome(rule, client('pw', { user: 'nopw' }))).toBe(fail('nopw'));
    expect(await outcome(rule, client('pw', { user: 'expired' }))).toBe(fail('expired'));
    expect(await outcome(rule, client('pw', { user: 'md5user' }))).toBe(fail('md5user'));
  });

  it('md5: md5 secrets use MD5, SCRAM secrets switch to SCRAM', async () => {
    const rule = 'host all all all md5';
    expect(await outcome(rule, client('pw', { user: 'md5user' }))).toBe('ok 5');
    expect(await outcome(rule, client('bad', { user: 'md5user' }))).toBe(
      '28P01 password authentication failed for user "md5user"',
    );
    expect(await outcome(rule, client('pw', { user: 'scram' }))).toBe('ok 10,11,12');
    // An unknown role gets a mock exchange of password_encryption's kind (SCRAM by default).
    const c = client('pw', { user: 'ghost' });
    expect(await outcome(rule, c)).toBe('28P01 password authentication failed for user "ghost"');
    expect(c.sent).toEqual([10, 11]);
  });

  it('password: cleartext against either kind of secret', async () => {
    const rule = 'host all all all password';
    expect(await outcome(rule, client('pw', { user: 'scram' }))).toBe('ok 3');
    expect(await outcome(rule, client('pw', { user: 'md5user' }))).toBe('ok 3');
    expect(await outcome(rule, client('nope', { user: 'scram' }))).toBe(
      '28P01 password authentication failed for user "scram"',
    );
    expect(await outcome(rule, client('', { user: 'scram' }))).toBe(
      '28P01 empty password returned by client',
    );
  });

  it('host names: the client name (forward-confirmed) against the rule', async () => {
    expect(hostnameMatch('.Example.com', 'db.example.COM')).toBe(true);
    expect(hostnameMatch('.example.com', 'example.com')).toBe(false);
    expect(hostnameMatch('example.com', 'EXAMPLE.com')).toBe(true);
    // /etc/hosts names 127.0.0.1 localhost here, as on most machines
    expect(await outcome('host all all localhost trust', client(undefined))).toBe('ok ');
    expect(await outcome('host all all .invalid trust', client(undefined))).toMatch(
      /^28000 no pg_hba.conf entry/,
    );
  });

  it('offers SCRAM-SHA-256-PLUS first on TLS when the server certificate is known', async () => {
    // Certificate { tbsCertificate SEQUENCE {}, signatureAlgorithm { sha256WithRSAEncryption } }
    const der = Uint8Array.from([
      0x30, 0x0f, 0x30, 0x00, 0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
      0x01, 0x0b,
    ]);
    const mechanisms = async (ssl: boolean): Promise<string> => {
      let offered = '';
      const peer: AuthPeer = {
        kind: 'host',
        ssl,
        address: '127.0.0.1',
        database: 'd',
        user: 'scram',
        tlsServerCertificate: der,
        sendAuth: (code, payload) => {
          if (code === 10) offered = Buffer.from(payload as Uint8Array).toString();
        },
        readPassword: () => Promise.reject(new Error('EOF')),
      };
      await authenticate(peer, loadHba('host all all all scram-sha-256'), lookup).catch(() => {});
      return offered;
    };
    expect(await mechanisms(true)).toBe('SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0');
    expect(await mechanisms(false)).toBe('SCRAM-SHA-256\0\0');
  });

  it('logs why a password failed without telling the client', async () => {
    const c = client('pw', { user: 'ghost' });
    const err = await authenticate(c.peer, loadHba('host all all all scram-sha-256'), lookup).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(AuthFailure);
    expect(err.logDetail).toBe(
      'Role "ghost" does not exist.\nConnection matched pg_hba.conf line 1: "host all all all scram-sha-256"',
    );
  });
});
