import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, type Session } from '@pg/engine';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildScramSecret,
  encryptPassword,
  isMd5Password,
  isScramSecret,
  saslprep,
} from './role-ddl.js';

let db: Database;
let su: Session;

beforeAll(async () => {
  db = await Database.open({});
  su = await db.connect();
});

afterAll(async () => {
  await su?.close();
  await db?.close();
});

const error = async (s: Session, sql: string): Promise<string> => {
  try {
    await s.query(sql);
    return 'no error';
  } catch (e) {
    const err = e as { code: string; message: string };
    return `${err.code} ${err.message}`;
  }
};

describe('roles in pg_authid', () => {
  it('Database.roleAuth reads LOGIN, the stored password and VALID UNTIL', async () => {
    await su.query("CREATE ROLE ra1 LOGIN PASSWORD 'pw' VALID UNTIL '2001-02-03 04:05:06+00'");
    const a = db.roleAuth('ra1');
    expect(a?.canLogin).toBe(true);
    expect(a?.password).toMatch(/^SCRAM-SHA-256\$4096:/);
    expect(a?.validUntil?.toISOString()).toBe('2001-02-03T04:05:06.000Z');
    await su.query("ALTER ROLE ra1 NOLOGIN VALID UNTIL 'infinity' PASSWORD NULL");
    expect(db.roleAuth('ra1')).toEqual({ canLogin: false, password: null, validUntil: null });
    expect(db.roleAuth('no_such_role')).toBeUndefined();
    expect(db.roleAuth('postgres')).toMatchObject({ canLogin: true, password: null });
  });

  it('uncommitted roles are not seen by roleAuth', async () => {
    await su.query('BEGIN');
    await su.query("CREATE ROLE ra2 LOGIN PASSWORD 'x'");
    expect(db.roleAuth('ra2')).toBeUndefined();
    await su.query('COMMIT');
    expect(db.roleAuth('ra2')?.canLogin).toBe(true);
  });

  it('connect() takes any role with LOGIN, and refuses others as PostgreSQL does', async () => {
    await su.query('CREATE ROLE ra3 LOGIN');
    await su.query('CREATE ROLE ra4');
    const s = await db.connect({ user: 'ra3' });
    const r = await s.query('SELECT current_user');
    expect(r.rows).toEqual([{ current_user: 'ra3' }]);
    // a role without CREATEROLE
    expect(await error(s, 'CREATE ROLE ra5')).toBe('42501 permission denied to create role');
    expect(await error(s, 'CREATE ROLE ra5 SUPERUSER')).toBe(
      '42501 must be superuser to create superusers',
    );
    expect(await error(s, 'DROP ROLE ra4')).toBe('42501 permission denied to drop role');
    expect(await error(s, 'ALTER ROLE ra4 LOGIN')).toBe('42501 permission denied');
    expect(await error(s, 'ALTER ROLE postgres NOLOGIN')).toBe(
      '42501 must be superuser to alter superuser roles or change superuser attribute',
    );
    // but it may change its own password
    await s.query("ALTER ROLE ra3 PASSWORD 'mine'");
    expect(db.roleAuth('ra3')?.password).toMatch(/^SCRAM-SHA-256\$/);
    await s.close();
    await expect(db.connect({ user: 'ra4' })).rejects.toMatchObject({
      code: '28000',
      message: 'role "ra4" is not permitted to log in',
    });
    await expect(db.connect({ user: 'ra6' })).rejects.toMatchObject({
      code: '28000',
      message: 'role "ra6" does not exist',
    });
    // a CREATEROLE role can create and drop ordinary roles
    await su.query('ALTER ROLE ra3 CREATEROLE');
    const s2 = await db.connect({ user: 'ra3' });
    await s2.query('CREATE ROLE ra7');
    await s2.query('DROP ROLE ra7');
    expect(await error(s2, 'DROP ROLE ra3')).toBe('55006 current user cannot be dropped');
    await s2.close();
  });

  it('concurrent CREATE ROLE of one name: the second waits for the first, then fails', async () => {
    const a = await db.connect();
    const b = await db.connect();
    await a.query('BEGIN');
    await a.query('CREATE ROLE ra_conc');
    const second = b.query('CREATE ROLE ra_conc').then(
      () => 'created',
      (e: { code: string; message: string }) => `${e.code} ${e.message}`,
    );
    const early = await Promise.race([
      second,
      new Promise((r) => setTimeout(() => r('waiting'), 200)),
    ]);
    expect(early).toBe('waiting');
    await a.query('COMMIT');
    expect(await second).toBe('42710 role "ra_conc" already exists');
    const r = await su.query("SELECT count(*)::int AS n FROM pg_authid WHERE rolname = 'ra_conc'");
    expect(r.rows).toEqual([{ n: 1 }]);
    await a.close();
    await b.close();
  });

  it('a role made SUPERUSER is a superuser in its sessions, others are not', async () => {
    await su.query('CREATE ROLE ra_su LOGIN SUPERUSER');
    await su.query('CREATE ROLE ra_plain LOGIN');
    const a = await db.connect({ user: 'ra_su' });
    await a.query('CHECKPOINT');
    await a.query('CREATE ROLE ra_by_su');
    await a.close();
    const b = await db.connect({ user: 'ra_plain' });
    expect(await error(b, 'CHECKPOINT')).toBe(
      '42501 must be superuser or have privileges of pg_checkpoint to do CHECKPOINT',
    );
    await b.close();
  });

  it('CONNECTION LIMIT counts the role sessions (53300 past it)', async () => {
    await su.query('CREATE ROLE ra_lim LOGIN CONNECTION LIMIT 2');
    const one = await db.connect({ user: 'ra_lim' });
    const two = await db.connect({ user: 'ra_lim' });
    await expect(db.connect({ user: 'ra_lim' })).rejects.toMatchObject({
      code: '53300',
      message: 'too many connections for role "ra_lim"',
    });
    await one.close();
    const three = await db.connect({ user: 'ra_lim' });
    await two.close();
    await three.close();
  });

  it('role membership and ALTER ROLE ... SET are refused with 0A000', async () => {
    expect(await error(su, 'CREATE ROLE ra8 IN ROLE ra3')).toBe(
      '0A000 role membership (IN ROLE) is not supported yet',
    );
    expect(await error(su, "ALTER ROLE ra3 SET work_mem = '1MB'")).toBe(
      '0A000 ALTER ROLE ... SET is not supported yet',
    );
  });
});

describe('roles on disk', () => {
  it('survive a restart and a crash (shared catalog rows are WAL-logged)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'h3-roles-'));
    try {
      const d1 = await Database.open({ dataDir: dir });
      const s1 = await d1.connect();
      await s1.query("CREATE ROLE disk1 LOGIN PASSWORD 'pw'");
      await s1.close();
      await d1.close('fast');
      const d2 = await Database.open({ dataDir: dir });
      expect(d2.roleAuth('disk1')?.password).toMatch(/^SCRAM-SHA-256\$/);
      const s2 = await d2.connect({ user: 'disk1' });
      await s2.close();
      const s3 = await d2.connect();
      await s3.query("ALTER ROLE disk1 PASSWORD 'md5aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'");
      await s3.close();
      await d2.close('immediate');
      const d3 = await Database.open({ dataDir: dir });
      expect(d3.roleAuth('disk1')?.password).toBe('md5aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
      await d3.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('password hashing (encrypt_password)', () => {
  it('md5 is md5(password || role); hashed input is kept', () => {
    expect(encryptPassword('md5', 'h3_p2', 'secret')).toBe('md5cfcf5559a89180c95146baaaddde06a4');
    const scram = buildScramSecret('x');
    expect(encryptPassword('md5', 'r', scram)).toBe(scram);
    expect(encryptPassword('scram-sha-256', 'r', 'md5a3556571e93b0d20722ba62be61e8c2d')).toBe(
      'md5a3556571e93b0d20722ba62be61e8c2d',
    );
    // not quite a hash: hashed again
    expect(isMd5Password(encryptPassword('md5', 'r', 'md5A3556571E93B0D20722BA62BE61E8C2D'))).toBe(
      true,
    );
    expect(encryptPassword('md5', 'r', 'md5A3556571E93B0D20722BA62BE61E8C2D')).not.toBe(
      'md5A3556571E93B0D20722BA62BE61E8C2D',
    );
  });

  it('SCRAM secrets match RFC 7677 (user "user", password "pencil")', () => {
    const secret = buildScramSecret('pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'));
    // the server signature of the RFC's exchange follows from ServerKey
    const serverKey = Buffer.from(secret.split(':')[2] as string, 'base64');
    const authMessage =
      'n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
    expect(createHmac('sha256', serverKey).update(authMessage).digest('base64')).toBe(
      '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
    );
  });

  it('property: a secret verifies its own password and is recognised as SCRAM', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 10 }), (pw) => {
        const secret = buildScramSecret(pw);
        expect(isScramSecret(secret)).toBe(true);
        const [, iterSalt, keys] = secret.split('$') as [string, string, string];
        const salt = Buffer.from(iterSalt.split(':')[1] as string, 'base64');
        const salted = pbkdf2Sync(saslprep(pw) ?? pw, salt, 4096, 32, 'sha256');
        const clientKey = createHmac('sha256', salted).update('Client Key').digest();
        expect(createHash('sha256').update(clientKey).digest('base64')).toBe(keys.split(':')[0]);
      }),
      { numRuns: 20 },
    );
  });
});
