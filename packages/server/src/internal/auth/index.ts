/**
 * Client authentication (PostgreSQL 15's src/backend/libpq/auth.c
 * ClientAuthentication): find the first pg_hba.conf line that matches the
 * connection, then run its method's exchange over the peer.
 *
 *   method         messages (server 'R' code -> client 'p')           password needed
 *   trust          none                                              no
 *   reject         none: FATAL 28000 "pg_hba.conf rejects ..."       -
 *   (no line)      none: FATAL 28000 "no pg_hba.conf entry ..."      -
 *   password       3 -> cleartext                                    SCRAM or md5 secret
 *   md5            5 + salt -> "md5"+md5(md5(pw+user)+salt)          md5 secret; a SCRAM secret (or none) switches to SCRAM
 *   scram-sha-256  10 [mechs] -> initial, 11 -> final, 12            SCRAM secret
 *
 * A role that does not exist, has no password or an expired one still goes
 * through the whole exchange (a mock SCRAM secret, or any md5 response) and
 * fails with the same 28P01 message, so a client cannot probe role names.
 * After a successful exchange the role must exist and have LOGIN
 * (InitializeSessionUserId's checks), else FATAL 28000.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as dns } from 'node:dns';
import {
  findHbaLine,
  type HbaLine,
  type HbaLoadError,
  type HbaRules,
  type LoadHbaOptions,
  normalizeClientAddress,
  loadHba as parseHba,
} from './hba.js';
import {
  certificateHash,
  parseScramSecret,
  SCRAM_SHA_256,
  ScramError,
  ScramServer,
  verifyScramPlain,
} from './scram.js';

const SCRAM_SHA_256_PLUS = 'SCRAM-SHA-256-PLUS';

export {
  DEFAULT_HBA,
  HbaLoadError,
  type HbaRules,
  type HbaWarning,
  type LoadHbaOptions,
} from './hba.js';
export { buildScramSecret, parseScramSecret } from './scram.js';

export interface AuthPeer {
  readonly kind: 'local' | 'host';
  readonly ssl: boolean;
  /** Client IP for 'host' (an IPv4-mapped IPv6 address is treated as IPv4). */
  readonly address?: string;
  readonly database: string;
  readonly user: string;
  /**
   * The server's TLS certificate (DER) on a TLS connection (optional
   * extension): with it SCRAM-SHA-256-PLUS (tls-server-end-point channel
   * binding) is offered first, as PostgreSQL does.
   */
  readonly tlsServerCertificate?: Uint8Array;
  /** Sends an Authentication message ('R'): code and its payload after the code. */
  sendAuth(code: number, payload?: Uint8Array): void;
  /** The body of the client's next 'p' message; rejects on another message type or EOF. */
  readPassword(): Promise<Uint8Array>;
}

export interface RoleAuth {
  readonly canLogin: boolean;
  /** rolpassword as stored: 'SCRAM-SHA-256$...', 'md5...', or null. */
  readonly password: string | null;
  /** rolvaliduntil (optional extension): a password past this instant is refused. */
  readonly validUntil?: Date | null;
}

/**
 * Authentication refused. `message` is PostgreSQL's FATAL text. 28000
 * (invalid_authorization_specification) and 28P01 (invalid_password) are the
 * ordinary refusals; 08P01 (protocol_violation) and 0A000 come from a
 * malformed or unsupported exchange (the contract's union, widened for those).
 */
export class AuthFailure extends Error {
  readonly code: '28000' | '28P01' | '08P01' | '0A000';
  /** errdetail for the client, if any (SCRAM protocol errors). */
  readonly detail: string | undefined;
  /** errdetail_log: for the server log only, never sent to the client. */
  readonly logDetail: string | undefined;
  constructor(code: AuthFailure['code'], message: string, detail?: string, logDetail?: string) {
    super(message);
    this.name = 'AuthFailure';
    this.code = code;
    this.detail = detail;
    this.logDetail = logDetail;
  }
}

/** Parses pg_hba.conf; throws HbaLoadError (message, fileName, lineNumber, context) on a bad line. */
export function loadHba(text: string, options?: LoadHbaOptions): HbaRules {
  return parseHba(text, options);
}

const AUTH_REQ_PASSWORD = 3;
const AUTH_REQ_MD5 = 5;
const AUTH_REQ_SASL = 10;
const AUTH_REQ_SASL_CONT = 11;
const AUTH_REQ_SASL_FIN = 12;

/** Test hooks: deterministic salts and nonces. */
export interface AuthOptions {
  readonly randomBytes?: (n: number) => Buffer;
  /** password_encryption, which decides the mock exchange for md5 rules (default scram-sha-256). */
  readonly passwordEncryption?: 'scram-sha-256' | 'md5';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

function encryptionState(peer: AuthPeer): string {
  return peer.ssl ? 'SSL encryption' : 'no encryption';
}

function hostInfo(peer: AuthPeer): string {
  return peer.kind === 'local' ? '[local]' : normalizeClientAddress(peer.address ?? '');
}

/** md5 password type check (crypt.c get_password_type): "md5" + 32 lowercase hex digits. */
export function isMd5Secret(s: string): boolean {
  return /^md5[0-9a-f]{32}$/.test(s);
}

const md5hex = (data: string | Uint8Array): string => createHash('md5').update(data).digest('hex');

/** The body of a PasswordMessage: a NUL-terminated string filling the message (recv_password_packet). */
function passwordString(body: Uint8Array): string {
  const nul = body.indexOf(0);
  if (nul !== body.length - 1) throw new AuthFailure('08P01', 'invalid password packet size');
  if (body.length === 1) throw new AuthFailure('28P01', 'empty password returned by client');
  return decoder.decode(body.subarray(0, nul));
}

/** get_role_password: the stored secret, or undefined with the log detail saying why. */
function rolePassword(
  user: string,
  role: RoleAuth | undefined,
): { secret?: string; logDetail?: string } {
  if (role === undefined) return { logDetail: `Role "${user}" does not exist.` };
  if (role.password === null) return { logDetail: `User "${user}" has no password assigned.` };
  if (role.validUntil != null && role.validUntil.getTime() < Date.now()) {
    return { logDetail: `User "${user}" has an expired password.` };
  }
  return { secret: role.password };
}

function passwordFailed(user: string, line: HbaLine, logDetail?: string): AuthFailure {
  const cdetail = `Connection matched pg_hba.conf line ${line.lineNumber}: "${line.rawLine}"`;
  return new AuthFailure(
    '28P01',
    `password authentication failed for user "${user}"`,
    undefined,
    logDetail === undefined ? cdetail : `${logDetail}\n${cdetail}`,
  );
}

/** plain_crypt_verify: a cleartext password against a stored secret. */
function verifyPlain(user: string, secret: string, password: string): string | undefined {
  const scram = parseScramSecret(secret);
  if (scram !== undefined) {
    return verifyScramPlain(scram, password)
      ? undefined
      : `Password does not match for user "${user}".`;
  }
  if (isMd5Secret(secret)) {
    return `md5${md5hex(password + user)}` === secret
      ? undefined
      : `Password does not match for user "${user}".`;
  }
  // A plaintext stored password (PostgreSQL no longer stores these).
  return secret === password ? undefined : `Password does not match for user "${user}".`;
}

async function checkPasswordAuth(
  peer: AuthPeer,
  line: HbaLine,
  role: RoleAuth | undefined,
): Promise<void> {
  peer.sendAuth(AUTH_REQ_PASSWORD);
  const password = passwordString(await peer.readPassword());
  const { secret, logDetail } = rolePassword(peer.user, role);
  if (secret === undefined) throw passwordFailed(peer.user, line, logDetail);
  const mismatch = verifyPlain(peer.user, secret, password);
  if (mismatch !== undefined) throw passwordFailed(peer.user, line, mismatch);
}

async function checkMd5Auth(
  peer: AuthPeer,
  line: HbaLine,
  secret: string | undefined,
  logDetail: string | undefined,
  random: (n: number) => Buffer,
): Promise<void> {
  const salt = random(4);
  peer.sendAuth(AUTH_REQ_MD5, salt);
  const response = passwordString(await peer.readPassword());
  if (secret === undefined) throw passwordFailed(peer.user, line, logDetail);
  // md5_crypt_verify: the stored md5 hash (or the hash of a plaintext one), salted.
  const base = isMd5Secret(secret) ? secret.slice(3) : md5hex(secret + peer.user);
  const expected = `md5${md5hex(Buffer.concat([Buffer.from(base), salt]))}`;
  const a = Buffer.from(expected);
  const b = Buffer.from(response);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw passwordFailed(peer.user, line, `Password does not match for user "${peer.user}".`);
  }
}

function scramFailure(e: ScramError): AuthFailure {
  return new AuthFailure(e.code, e.message, e.detail);
}

/** auth-sasl.c CheckSASLAuth with the SCRAM mechanism. */
async function checkScramAuth(
  peer: AuthPeer,
  line: HbaLine,
  secret: string | undefined,
  logDetail: string | undefined,
  random: (n: number) => Buffer,
): Promise<void> {
  const certHash =
    peer.ssl && peer.tlsServerCertificate !== undefined
      ? certificateHash(peer.tlsServerCertificate)
      : undefined;
  const mechanisms = certHash === undefined ? [SCRAM_SHA_256] : [SCRAM_SHA_256_PLUS, SCRAM_SHA_256];
  peer.sendAuth(AUTH_REQ_SASL, encoder.encode(`${mechanisms.join('\0')}\0\0`));
  let server: ScramServer | undefined;
  let initial = true;
  for (;;) {
    const body = await peer.readPassword();
    let input: string | undefined;
    if (initial) {
      // SASLInitialResponse: mechanism name (String), Int32 length (-1: none), bytes.
      const nul = body.indexOf(0);
      if (nul < 0) throw new AuthFailure('08P01', 'invalid string in message');
      const mech = decoder.decode(body.subarray(0, nul));
      if (!mechanisms.includes(mech)) {
        throw new AuthFailure('08P01', 'client selected an invalid SASL authentication mechanism');
      }
      server = new ScramServer(peer.user, secret, () => random(18).toString('base64'), {
        ...(certHash === undefined ? {} : { certificateHash: certHash }),
        plus: mech === SCRAM_SHA_256_PLUS,
      });
      if (body.length < nul + 5)
        throw new AuthFailure('08P01', 'insufficient data left in message');
      const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
      const len = view.getInt32(nul + 1);
      const start = nul + 5;
      if (len === -1) {
        if (body.length !== start) throw new AuthFailure('08P01', 'invalid message format');
        input = undefined;
      } else {
        if (len < 0 || start + len > body.length)
          throw new AuthFailure('08P01', 'insufficient data left in message');
        if (start + len !== body.length) throw new AuthFailure('08P01', 'invalid message format');
        input = decoder.decode(body.subarray(start, start + len));
      }
      initial = false;
    } else {
      input = decoder.decode(body);
    }
    let step: ReturnType<ScramServer['exchange']>;
    try {
      step = (server as ScramServer).exchange(input);
    } catch (e) {
      if (e instanceof ScramError) throw scramFailure(e);
      throw e;
    }
    if (step.kind === 'continue') {
      peer.sendAuth(AUTH_REQ_SASL_CONT, encoder.encode(step.output));
      continue;
    }
    if (step.kind === 'success') {
      peer.sendAuth(AUTH_REQ_SASL_FIN, encoder.encode(step.output));
      return;
    }
    throw passwordFailed(peer.user, line, step.logDetail ?? logDetail);
  }
}

/**
 * Runs the whole exchange for the first matching rule; resolves when the
 * client is authenticated (the caller then sends AuthenticationOk), throws
 * AuthFailure otherwise.
 */
export async function authenticate(
  peer: AuthPeer,
  rules: HbaRules,
  lookupRole: (name: string) => RoleAuth | undefined,
  options: AuthOptions = {},
): Promise<void> {
  const random = options.randomBytes ?? randomBytes;
  const role = lookupRole(peer.user);
  const address = peer.address === undefined ? undefined : normalizeClientAddress(peer.address);
  const needsName = peer.kind === 'host' && rules.lines.some((l) => l.address?.kind === 'hostname');
  const remoteHostname =
    needsName && address !== undefined ? await resolveClientName(address) : undefined;
  const line = findHbaLine(
    rules,
    {
      kind: peer.kind,
      ssl: peer.ssl,
      ...(address === undefined ? {} : { address }),
      database: peer.database,
      user: peer.user,
      roleExists: role !== undefined,
    },
    (pattern) => remoteHostname !== undefined && hostnameMatch(pattern, remoteHostname),
  );
  const who = `host "${hostInfo(peer)}", user "${peer.user}", database "${peer.database}", ${encryptionState(peer)}`;
  if (line === undefined) throw new AuthFailure('28000', `no pg_hba.conf entry for ${who}`);
  switch (line.method) {
    case 'reject':
      throw new AuthFailure('28000', `pg_hba.conf rejects connection for ${who}`);
    case 'trust':
      break;
    case 'password':
      await checkPasswordAuth(peer, line, role);
      break;
    case 'md5':
    case 'scram-sha-256': {
      // CheckPWChallengeAuth: md5 only when the rule allows it and the secret is md5
      // (or, with no usable secret, when password_encryption is md5).
      const { secret, logDetail } = rolePassword(peer.user, role);
      const md5 =
        line.method === 'md5' &&
        (secret === undefined
          ? options.passwordEncryption === 'md5'
          : isMd5Secret(secret) || parseScramSecret(secret) === undefined);
      if (md5) await checkMd5Auth(peer, line, secret, logDetail, random);
      else await checkScramAuth(peer, line, secret, logDetail, random);
      break;
    }
  }
  // InitializeSessionUserId: the role must exist and may log in.
  if (role === undefined) throw new AuthFailure('28000', `role "${peer.user}" does not exist`);
  if (!role.canLogin)
    throw new AuthFailure('28000', `role "${peer.user}" is not permitted to log in`);
}

/**
 * hba.c check_hostname's look-ups: the client's name by getnameinfo
 * (NI_NAMEREQD: a numeric answer is no name), kept only when the name's
 * forward look-up gives the client's address back. undefined: no usable name.
 */
async function resolveClientName(ip: string): Promise<string | undefined> {
  try {
    const { hostname } = await dns.lookupService(ip, 0);
    if (hostname === ip || hostname === '') return undefined;
    const addrs = await dns.lookup(hostname, { all: true });
    return addrs.some((a) => normalizeClientAddress(a.address) === ip) ? hostname : undefined;
  } catch {
    return undefined;
  }
}

/** hba.c hostname_match: a leading dot matches a domain suffix; otherwise the whole name, case-insensitively. */
export function hostnameMatch(pattern: string, actual: string): boolean {
  const p = pattern.toLowerCase();
  const a = actual.toLowerCase();
  if (p.startsWith('.')) return a.endsWith(p);
  return p === a;
}

/** For callers that log load errors as PostgreSQL does. */
export function describeHbaLoadError(e: HbaLoadError): string[] {
  return [e.message, ...(e.context === '' ? [] : [`CONTEXT:  ${e.context}`])];
}
