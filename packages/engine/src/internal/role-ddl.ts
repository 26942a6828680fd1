/**
 * Roles: CREATE ROLE / USER / GROUP, ALTER ROLE / USER, ALTER ROLE ...
 * RENAME TO, DROP ROLE / USER / GROUP (PostgreSQL 15's
 * src/backend/commands/user.c: CreateRole, AlterRole, RenameRole, DropRole)
 * and the passwords pg_authid.rolpassword stores (src/backend/libpq/crypt.c
 * encrypt_password, get_password_type; scram-common.c scram_build_secret).
 *
 * rolpassword holds one of:
 *
 *   NULL                                   no password (password methods fail)
 *   md5 || md5(password || rolname)        password_encryption = md5 (35 chars)
 *   SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>   (the default)
 *
 * A password given already in one of the two hashed forms is stored as it
 * is; an empty password (or a hash of the empty one) clears it with a NOTICE.
 * Renaming a role clears an md5 password, whose salt is the role name.
 *
 * Not implemented yet (0A000): role membership (IN ROLE, ROLE, ADMIN; there
 * is no pg_auth_members), ALTER ROLE ... SET, SET ROLE. The session's user is
 * both current_user and session_user.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { type Catalog, FIRST_NORMAL_OBJECT_ID } from '@pg/catalog';
import { POSTGRES_EPOCH_OFFSET_MICROS } from '@pg/types';
import { EngineError, type Notice } from './result.js';

// biome-ignore lint/suspicious/noExplicitAny: parse-tree nodes are untyped JSON
type PNode = any;

/** What the statements need from the session. */
export interface RoleDdlContext {
  readonly catalog: Catalog;
  /** The session's role name (current_user and session_user). */
  readonly user: string;
  /** password_encryption: 'scram-sha-256' or 'md5'. */
  readonly passwordEncryption: string;
  /** timestamptz input with the session's TimeZone (VALID UNTIL). */
  timestamptz(text: string): unknown;
  notice(n: Notice): void;
}

/** What authentication needs of a role (Database.roleAuth). */
export interface RoleAuth {
  readonly canLogin: boolean;
  /** rolpassword as stored: 'SCRAM-SHA-256$...', 'md5...', or null. */
  readonly password: string | null;
  /** rolvaliduntil: null for none or infinity. */
  readonly validUntil?: Date | null;
}

const notice = (message: string): Notice => ({ severity: 'NOTICE', code: '00000', message });

// ---------------------------------------------------------------------------
// Passwords (crypt.c)

const SCRAM_ITERATIONS = 4096;
const SCRAM_SALT_LEN = 16;

/** get_password_type: md5 + 32 lowercase hex digits. */
export function isMd5Password(s: string): boolean {
  return /^md5[0-9a-f]{32}$/.test(s);
}

/** get_password_type's SCRAM check (parse_scram_secret's shape). */
export function isScramSecret(s: string): boolean {
  const m =
    /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2}):([A-Za-z0-9+/]+={0,2})$/.exec(
      s,
    );
  if (m === null) return false;
  return (
    Buffer.from(m[3] as string, 'base64').length === 32 &&
    Buffer.from(m[4] as string, 'base64').length === 32
  );
}

type Ranges = readonly (readonly [number, number])[];
const inRanges = (cp: number, ranges: Ranges): boolean =>
  ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
const NON_ASCII_SPACE: Ranges = [
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200b],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
];
const MAPPED_TO_NOTHING: Ranges = [
  [0xad, 0xad],
  [0x34f, 0x34f],
  [0x1806, 0x1806],
  [0x180b, 0x180d],
  [0x200b, 0x200d],
  [0x2060, 0x2060],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
];
const PROHIBITED: Ranges = [
  ...NON_ASCII_SPACE,
  [0x0, 0x1f],
  [0x7f, 0x9f],
  [0x340, 0x341],
  [0x6dd, 0x6dd],
  [0x70f, 0x70f],
  [0x180e, 0x180e],
  [0x200c, 0x200f],
  [0x2028, 0x202e],
  [0x2060, 0x2063],
  [0x206a, 0x206f],
  [0xd800, 0xdfff],
  [0xe000, 0xf8ff],
  [0xfdd0, 0xfdef],
  [0xfeff, 0xfeff],
  [0xfff9, 0xffff],
  [0x1d173, 0x1d17a],
  [0x1fffe, 0x1ffff],
  [0x2fffe, 0x2ffff],
  [0xe0001, 0xe0001],
  [0xe0020, 0xe007f],
  [0xf0000, 0x10ffff],
];
const RAND_AL =
  /[\u05BE\u05C0\u05C3\u05D0-\u05EA\u05F0-\u05F4\u061B\u061F\u0621-\u064A\u066D-\u06D5\u06E5\u06E6\u06FA-\u06FE\u0700-\u070D\u0710-\u072C\u0780-\u07A5\u200F\uFB1D-\uFDFD\uFE70-\uFEFC]/;

/**
 * pg_saslprep (RFC 4013) as applied to a password before hashing; undefined
 * when SASLprep refuses it (the raw password is used then). @pg/server's
 * SCRAM exchange uses this one too, so stored and offered passwords agree.
 */
export function saslprep(password: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range check
  if (/^[\u0000-\u007F]*$/.test(password)) return password;
  let mapped = '';
  for (const ch of password) {
    const cp = ch.codePointAt(0) as number;
    if (inRanges(cp, NON_ASCII_SPACE)) mapped += ' ';
    else if (!inRanges(cp, MAPPED_TO_NOTHING)) mapped += ch;
  }
  mapped = mapped.normalize('NFKC');
  if (mapped.length === 0) return undefined;
  for (const ch of mapped) if (inRanges(ch.codePointAt(0) as number, PROHIBITED)) return undefined;
  if (RAND_AL.test(mapped)) {
    const chars = [...mapped];
    if (chars.some((c) => /\p{L}/u.test(c) && !RAND_AL.test(c))) return undefined;
    if (!RAND_AL.test(chars[0] as string) || !RAND_AL.test(chars[chars.length - 1] as string)) {
      return undefined;
    }
  }
  return mapped;
}

/**
 * scram_build_secret: the rolpassword text of a password, by default with a
 * fresh 16-byte salt and 4096 iterations (pg_be_scram_build_secret). The
 * server's SCRAM exchange verifies against what this stores.
 */
export function buildScramSecret(
  password: string,
  salt: Uint8Array = randomBytes(SCRAM_SALT_LEN),
  iterations = SCRAM_ITERATIONS,
): string {
  const salted = pbkdf2Sync(
    Buffer.from(saslprep(password) ?? password, 'utf8'),
    salt,
    iterations,
    32,
    'sha256',
  );
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${Buffer.from(salt).toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** encrypt_password: a hashed password as given, else hashed per password_encryption. */
export function encryptPassword(method: string, role: string, password: string): string {
  if (isMd5Password(password) || isScramSecret(password)) return password;
  if (method === 'md5')
    return `md5${createHash('md5')
      .update(password + role)
      .digest('hex')}`;
  return buildScramSecret(password);
}

/** plain_crypt_verify(role, shadow, ""): whether a stored form is the empty password's. */
function isEmptyPassword(role: string, password: string): boolean {
  if (password === '') return true;
  if (isMd5Password(password)) return password === encryptPassword('md5', role, '');
  if (isScramSecret(password)) {
    const [, iterSalt, keys] = password.split('$') as [string, string, string];
    const [iter, salt] = iterSalt.split(':') as [string, string];
    const serverKey = keys.split(':')[1] as string;
    const salted = pbkdf2Sync(
      Buffer.alloc(0),
      Buffer.from(salt, 'base64'),
      Number(iter),
      32,
      'sha256',
    );
    return createHmac('sha256', salted).update('Server Key').digest('base64') === serverKey;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Statements

/** IsReservedName: names starting with pg_. */
function checkReserved(name: string): void {
  if (name.startsWith('pg_')) {
    throw new EngineError('42939', `role name "${name}" is reserved`, {
      detail: 'Role names starting with "pg_" are reserved.',
    });
  }
}

function mustRole(ctx: RoleDdlContext, name: string): Record<string, unknown> {
  const row = ctx.catalog.authid(name);
  if (row === undefined) throw new EngineError('42704', `role "${name}" does not exist`);
  return row;
}

/** superuser(): the session's role has rolsuper. */
function isSuperuser(ctx: RoleDdlContext): boolean {
  return ctx.catalog.authid(ctx.user)?.rolsuper === true;
}

/** have_createrole_privilege. */
function hasCreateRole(ctx: RoleDdlContext): boolean {
  const me = ctx.catalog.authid(ctx.user);
  return me?.rolsuper === true || me?.rolcreaterole === true;
}

/** The name a RoleSpec names (get_rolespec_name). */
function roleSpecName(ctx: RoleDdlContext, spec: PNode): string {
  switch (spec?.roletype) {
    case 'ROLESPEC_CSTRING':
      return String(spec.rolename);
    case 'ROLESPEC_CURRENT_USER':
    case 'ROLESPEC_CURRENT_ROLE':
    case 'ROLESPEC_SESSION_USER':
      return ctx.user;
    default:
      throw new EngineError('42704', 'role "public" does not exist');
  }
}

interface RoleOptions {
  password?: { value: string | null };
  superuser?: boolean;
  inherit?: boolean;
  createrole?: boolean;
  createdb?: boolean;
  canlogin?: boolean;
  isreplication?: boolean;
  bypassrls?: boolean;
  connectionlimit?: number;
  validUntil?: string;
}

const BOOL_OPTIONS = new Set([
  'superuser',
  'inherit',
  'createrole',
  'createdb',
  'canlogin',
  'isreplication',
  'bypassrls',
]);

/** The DefElem list of CREATE/ALTER ROLE, with errorConflictingDefElem for repeats. */
function parseOptions(ctx: RoleDdlContext, options: readonly PNode[]): RoleOptions {
  const out: RoleOptions = {};
  const seen = new Set<string>();
  for (const o of options) {
    const d = o.DefElem;
    const name = String(d.defname);
    if (name === 'sysid') {
      ctx.notice(notice('SYSID can no longer be specified'));
      continue;
    }
    if (seen.has(name)) {
      throw new EngineError('42601', 'conflicting or redundant options', {
        position: typeof d.location === 'number' ? d.location + 1 : undefined,
      });
    }
    seen.add(name);
    if (BOOL_OPTIONS.has(name)) {
      (out as Record<string, unknown>)[name] = d.arg?.Boolean?.boolval === true;
    } else if (name === 'password') {
      out.password = { value: d.arg === undefined ? null : String(d.arg.String?.sval ?? '') };
    } else if (name === 'connectionlimit') {
      out.connectionlimit = Number(d.arg?.Integer?.ival ?? 0);
    } else if (name === 'validUntil') {
      out.validUntil = String(d.arg?.String?.sval ?? '');
    } else if (name === 'addroleto' || name === 'rolemembers' || name === 'adminmembers') {
      const clause = name === 'addroleto' ? 'IN ROLE' : name === 'rolemembers' ? 'ROLE' : 'ADMIN';
      throw new EngineError('0A000', `role membership (${clause}) is not supported yet`);
    } else {
      throw new EngineError('XX000', `option "${name}" not recognized`);
    }
  }
  if (out.connectionlimit !== undefined && out.connectionlimit < -1) {
    throw new EngineError('22023', `invalid connection limit: ${out.connectionlimit}`);
  }
  return out;
}

/** The stored form of a PASSWORD option: null for PASSWORD NULL or an empty password. */
function storedPassword(ctx: RoleDdlContext, role: string, value: string | null): string | null {
  if (value === null) return null;
  if (isEmptyPassword(role, value)) {
    ctx.notice(notice('empty string is not a valid password, clearing password'));
    return null;
  }
  return encryptPassword(ctx.passwordEncryption, role, value);
}

/** CREATE ROLE / USER / GROUP (CreateRole). Returns the command tag. */
export function createRole(ctx: RoleDdlContext, body: PNode): string {
  const name = String(body.role);
  const o = parseOptions(ctx, body.options ?? []);
  if (o.superuser === true) {
    if (!isSuperuser(ctx)) throw new EngineError('42501', 'must be superuser to create superusers');
  } else if (o.isreplication === true) {
    if (!isSuperuser(ctx))
      throw new EngineError('42501', 'must be superuser to create replication users');
  } else if (o.bypassrls === true) {
    if (!isSuperuser(ctx))
      throw new EngineError('42501', 'must be superuser to create bypassrls users');
  } else if (!hasCreateRole(ctx)) {
    throw new EngineError('42501', 'permission denied to create role');
  }
  checkReserved(name);
  if (ctx.catalog.authid(name) !== undefined) {
    throw new EngineError('42710', `role "${name}" already exists`);
  }
  const validUntil = o.validUntil === undefined ? null : ctx.timestamptz(o.validUntil);
  ctx.catalog.createAuthid({
    rolname: name,
    rolsuper: o.superuser ?? false,
    rolinherit: o.inherit ?? true,
    rolcreaterole: o.createrole ?? false,
    rolcreatedb: o.createdb ?? false,
    // CREATE USER logs in by default; CREATE ROLE and CREATE GROUP do not
    rolcanlogin: o.canlogin ?? body.stmt_type === 'ROLESTMT_USER',
    rolreplication: o.isreplication ?? false,
    rolbypassrls: o.bypassrls ?? false,
    rolconnlimit: o.connectionlimit ?? -1,
    rolpassword: o.password === undefined ? null : storedPassword(ctx, name, o.password.value),
    rolvaliduntil: validUntil,
  });
  return 'CREATE ROLE';
}

/** ALTER ROLE / USER name [WITH] options (AlterRole). */
export function alterRole(ctx: RoleDdlContext, body: PNode): string {
  if (body.action !== undefined && body.action !== 1) {
    throw new EngineError('0A000', 'ALTER GROUP ... DROP USER is not supported yet');
  }
  const o = parseOptions(ctx, body.options ?? []);
  const name = roleSpecName(ctx, body.role);
  const row = mustRole(ctx, name);
  const oid = row.oid as number;
  if (row.rolsuper === true || o.superuser !== undefined) {
    if (!isSuperuser(ctx)) {
      throw new EngineError(
        '42501',
        'must be superuser to alter superuser roles or change superuser attribute',
      );
    }
  } else if (row.rolreplication === true || o.isreplication !== undefined) {
    if (!isSuperuser(ctx)) {
      throw new EngineError(
        '42501',
        'must be superuser to alter replication roles or change replication attribute',
      );
    }
  } else if (o.bypassrls !== undefined) {
    if (!isSuperuser(ctx))
      throw new EngineError('42501', 'must be superuser to change bypassrls attribute');
  } else if (!hasCreateRole(ctx)) {
    // without CREATEROLE, only your own password
    const others =
      o.inherit !== undefined ||
      o.createrole !== undefined ||
      o.createdb !== undefined ||
      o.canlogin !== undefined ||
      o.connectionlimit !== undefined ||
      o.validUntil !== undefined;
    if (others || o.password === undefined || name !== ctx.user) {
      throw new EngineError('42501', 'permission denied');
    }
  }
  const changes: Record<string, unknown> = {};
  if (o.validUntil !== undefined) changes.rolvaliduntil = ctx.timestamptz(o.validUntil);
  if (o.superuser !== undefined) changes.rolsuper = o.superuser;
  if (o.inherit !== undefined) changes.rolinherit = o.inherit;
  if (o.createrole !== undefined) changes.rolcreaterole = o.createrole;
  if (o.createdb !== undefined) changes.rolcreatedb = o.createdb;
  if (o.canlogin !== undefined) changes.rolcanlogin = o.canlogin;
  if (o.isreplication !== undefined) changes.rolreplication = o.isreplication;
  if (o.bypassrls !== undefined) changes.rolbypassrls = o.bypassrls;
  if (o.connectionlimit !== undefined) changes.rolconnlimit = o.connectionlimit;
  if (o.password !== undefined) changes.rolpassword = storedPassword(ctx, name, o.password.value);
  ctx.catalog.updateAuthid(oid, changes);
  return 'ALTER ROLE';
}

/** ALTER ROLE name RENAME TO newname (RenameRole). */
export function renameRole(ctx: RoleDdlContext, body: PNode): string {
  const from = String(body.subname);
  const to = String(body.newname);
  const row = mustRole(ctx, from);
  if (from === ctx.user) throw new EngineError('0A000', 'session user cannot be renamed');
  checkReserved(from);
  checkReserved(to);
  if (ctx.catalog.authid(to) !== undefined)
    throw new EngineError('42710', `role "${to}" already exists`);
  if (row.rolsuper === true) {
    if (!isSuperuser(ctx)) throw new EngineError('42501', 'must be superuser to rename superusers');
  } else if (!hasCreateRole(ctx)) {
    throw new EngineError('42501', 'permission denied to rename role');
  }
  const changes: Record<string, unknown> = { rolname: to };
  if (typeof row.rolpassword === 'string' && isMd5Password(row.rolpassword)) {
    // MD5 uses the user name as salt, so the hash is worthless under the new name
    changes.rolpassword = null;
    ctx.notice(notice('MD5 password cleared because of role rename'));
  }
  ctx.catalog.updateAuthid(row.oid as number, changes);
  return 'ALTER ROLE';
}

const RELKIND_NAMES: Readonly<Record<string, string>> = {
  r: 'table',
  p: 'table',
  v: 'view',
  m: 'materialized view',
  S: 'sequence',
  f: 'foreign table',
  c: 'composite type',
};

/**
 * checkSharedDependencies' detail: what role `oid` owns — databases
 * (shared), and this database's schemas and relations. Objects in other
 * databases are not seen (PostgreSQL's pg_shdepend records them too).
 */
function ownedObjects(catalog: Catalog, oid: number): string[] {
  const out: string[] = [];
  for (const d of catalog.catalogRows('pg_database')) {
    if (d.datdba === oid) out.push(`owner of database ${String(d.datname)}`);
  }
  for (const n of catalog.catalogRows('pg_namespace')) {
    if (n.nspowner === oid) out.push(`owner of schema ${String(n.nspname)}`);
  }
  for (const c of catalog.catalogRows('pg_class')) {
    const kind = RELKIND_NAMES[String(c.relkind)];
    if (c.relowner === oid && kind !== undefined) out.push(`owner of ${kind} ${String(c.relname)}`);
  }
  return out;
}

/** DROP ROLE / USER / GROUP [IF EXISTS] names (DropRole). */
export function dropRole(ctx: RoleDdlContext, body: PNode): string {
  if (!hasCreateRole(ctx)) throw new EngineError('42501', 'permission denied to drop role');
  for (const item of body.roles ?? []) {
    const spec = item.RoleSpec;
    if (spec?.roletype !== 'ROLESPEC_CSTRING') {
      throw new EngineError('22023', 'cannot use special role specifier in DROP ROLE');
    }
    const name = String(spec.rolename);
    const row = ctx.catalog.authid(name);
    if (row === undefined) {
      if (body.missing_ok !== true) throw new EngineError('42704', `role "${name}" does not exist`);
      ctx.notice(notice(`role "${name}" does not exist, skipping`));
      continue;
    }
    const oid = row.oid as number;
    if (name === ctx.user) throw new EngineError('55006', 'current user cannot be dropped');
    if (row.rolsuper === true && !isSuperuser(ctx)) {
      throw new EngineError('42501', 'must be superuser to drop superusers');
    }
    if (oid < FIRST_NORMAL_OBJECT_ID) {
      throw new EngineError(
        '2BP01',
        `cannot drop role ${name} because it is required by the database system`,
      );
    }
    const owned = ownedObjects(ctx.catalog, oid);
    if (owned.length > 0) {
      throw new EngineError(
        '2BP01',
        `role "${name}" cannot be dropped because some objects depend on it`,
        {
          detail: owned.join('\n'),
        },
      );
    }
    ctx.catalog.dropAuthid(oid);
  }
  return 'DROP ROLE';
}

/** Database.roleAuth: what authentication needs from pg_authid, or undefined for no such role. */
export function roleAuthOf(catalog: Catalog, name: string): RoleAuth | undefined {
  const row = catalog.authid(name);
  if (row === undefined) return undefined;
  const until = row.rolvaliduntil;
  let validUntil: Date | null = null;
  if (typeof until === 'bigint') {
    // int64 max is infinity (never expires), int64 min -infinity (always expired)
    if (until === -(2n ** 63n)) validUntil = new Date(0);
    else if (until !== 2n ** 63n - 1n) {
      validUntil = new Date(Number((until + POSTGRES_EPOCH_OFFSET_MICROS) / 1000n));
    }
  }
  return {
    canLogin: row.rolcanlogin === true,
    password: typeof row.rolpassword === 'string' ? row.rolpassword : null,
    validUntil,
  };
}
