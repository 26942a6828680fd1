/**
 * pg_hba.conf: the tokenizer, the line parser and the matcher, following
 * PostgreSQL 15's src/backend/libpq/hba.c (next_token, next_field_expand,
 * parse_hba_line, parse_hba_auth_opt, check_hba, check_db, check_role,
 * check_ip).
 *
 * A file is a list of lines; a line is a list of fields; a field is a list of
 * tokens separated by commas (`a,b` and `a, b` are one field of two tokens).
 * A token remembers whether it began with a double quote: a quoted keyword
 * (`"all"`) is an ordinary name. `#` starts a comment outside quotes.
 *
 *   local      DATABASE USER METHOD [OPTIONS]
 *   host*      DATABASE USER ADDRESS METHOD [OPTIONS]
 *   host*      DATABASE USER IP-ADDRESS IP-MASK METHOD [OPTIONS]
 *
 * Matching is first-match: the first line whose connection type, address,
 * database and user all match decides the method; there is no fall-through
 * when its authentication fails. No matching line is an implicit reject.
 */
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

/** One lexed token; `quoted` when it began with a double quote. */
export interface HbaToken {
  readonly string: string;
  readonly quoted: boolean;
}

export type HbaConnType =
  | 'local'
  | 'host'
  | 'hostssl'
  | 'hostnossl'
  | 'hostgssenc'
  | 'hostnogssenc';

/** The methods this server implements; every other PostgreSQL method is a load error. */
export type HbaMethod = 'trust' | 'reject' | 'password' | 'md5' | 'scram-sha-256';

/** A parsed IP address: 4 bytes (IPv4) or 16 bytes (IPv6). */
export interface IpAddr {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
}

export type HbaAddress =
  | { readonly kind: 'all' }
  | { readonly kind: 'samehost' }
  | { readonly kind: 'samenet' }
  | { readonly kind: 'mask'; readonly addr: IpAddr; readonly mask: IpAddr }
  | { readonly kind: 'hostname'; readonly name: string };

export interface HbaLine {
  /** 1-based line number in the file. */
  readonly lineNumber: number;
  /** The line as written (comments stripped? no: PostgreSQL keeps the raw line). */
  readonly rawLine: string;
  readonly connType: HbaConnType;
  readonly databases: readonly HbaToken[];
  readonly roles: readonly HbaToken[];
  /** Absent for `local` lines. */
  readonly address?: HbaAddress;
  readonly method: HbaMethod;
}

/** A line that loads but can never match (PostgreSQL logs these at LOG and keeps the line). */
export interface HbaWarning {
  readonly message: string;
  readonly hint: string;
  /** `line N of configuration file "F"` */
  readonly context: string;
}

/** The parsed file, in order. */
export interface HbaRules {
  readonly fileName: string;
  readonly lines: readonly HbaLine[];
  readonly warnings: readonly HbaWarning[];
}

/**
 * A pg_hba.conf that cannot be loaded. PostgreSQL logs each bad line
 * (`message` with the context `line N of configuration file "F"`) and then
 * refuses to start with FATAL `could not load pg_hba.conf`.
 */
export class HbaLoadError extends Error {
  /** F0000 (config_file_error). */
  readonly code = 'F0000';
  readonly fileName: string;
  readonly lineNumber: number;
  readonly hint: string | undefined;
  /** `line N of configuration file "F"`, PostgreSQL's CONTEXT line. */
  readonly context: string;
  constructor(message: string, fileName: string, lineNumber: number, hint?: string) {
    super(message);
    this.name = 'HbaLoadError';
    this.fileName = fileName;
    this.lineNumber = lineNumber;
    this.hint = hint;
    this.context = lineNumber > 0 ? `line ${lineNumber} of configuration file "${fileName}"` : '';
  }
}

export interface LoadHbaOptions {
  /** Used in error context and to resolve `@file` includes (relative to its directory). Default "pg_hba.conf". */
  readonly fileName?: string;
  /** Whether the server has TLS (ssl = on); without it hostssl lines are warned about. Default false. */
  readonly ssl?: boolean;
}

// ---------------------------------------------------------------------------
// Tokenizer

const isBlank = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

interface RawToken {
  readonly string: string;
  readonly initialQuote: boolean;
  readonly terminatingComma: boolean;
}

/** hba.c next_token: one token starting at pos; returns undefined at end of line. */
function nextToken(line: string, start: number): { token: RawToken; next: number } | undefined {
  let pos = start;
  // Skip whitespace and commas before the token.
  while (pos < line.length && (isBlank(line[pos] as string) || line[pos] === ',')) pos++;
  let buf = '';
  let inQuote = false;
  let wasQuote = false;
  let sawQuote = false;
  let initialQuote = false;
  let terminatingComma = false;
  while (pos < line.length) {
    const c = line[pos] as string;
    if (isBlank(c) && !inQuote) break;
    if (c === '#' && !inQuote) {
      pos = line.length;
      break;
    }
    if (c === ',' && !inQuote) {
      terminatingComma = true;
      pos++;
      break;
    }
    if (c !== '"' || wasQuote) buf += c;
    // A literal double quote inside quotes is written as two.
    if (inQuote && c === '"') wasQuote = !wasQuote;
    else wasQuote = false;
    if (c === '"') {
      inQuote = !inQuote;
      sawQuote = true;
      if (buf.length === 0) initialQuote = true;
    }
    pos++;
  }
  if (!sawQuote && buf.length === 0) return undefined;
  return { token: { string: buf, initialQuote, terminatingComma }, next: pos };
}

/** Splits one line into fields of tokens (hba.c next_field_expand), expanding `@file`. */
function tokenizeLine(
  line: string,
  fileName: string,
  lineNumber: number,
  depth: number,
): HbaToken[][] {
  const fields: HbaToken[][] = [];
  let pos = 0;
  for (;;) {
    const field: HbaToken[] = [];
    let more = true;
    let read = false;
    while (more) {
      const t = nextToken(line, pos);
      if (t === undefined) break;
      read = true;
      pos = t.next;
      more = t.token.terminatingComma;
      if (!t.token.initialQuote && t.token.string.length > 1 && t.token.string[0] === '@') {
        field.push(...tokenizeIncludeFile(t.token.string.slice(1), fileName, lineNumber, depth));
      } else {
        field.push({ string: t.token.string, quoted: t.token.initialQuote });
      }
    }
    if (!read) break;
    // A field whose @file include gave no tokens is dropped, as tokenize_auth_file drops it.
    if (field.length > 0) fields.push(field);
  }
  return fields;
}

/**
 * hba.c tokenize_inc_file: every token of every line of the file, in order,
 * as if written in the field. A file that cannot be read makes the line
 * (and so the file) fail to load, as in PostgreSQL 15.
 */
function tokenizeIncludeFile(
  name: string,
  outerFile: string,
  lineNumber: number,
  depth: number,
): HbaToken[] {
  if (depth > 10) {
    throw new HbaLoadError(
      `could not open configuration file "${name}": maximum nesting depth exceeded`,
      outerFile,
      lineNumber,
    );
  }
  const path = isAbsolute(name) ? name : join(dirname(outerFile), name);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why =
      code === 'ENOENT'
        ? 'No such file or directory'
        : code === 'EACCES'
          ? 'Permission denied'
          : code === 'EISDIR'
            ? 'Is a directory'
            : String((e as Error).message);
    throw new HbaLoadError(
      `could not open secondary authentication file "@${name}" as "${path}": ${why}`,
      outerFile,
      lineNumber,
    );
  }
  const out: HbaToken[] = [];
  for (const [i, l] of splitLines(text).entries()) {
    for (const field of tokenizeLine(l, path, i + 1, depth + 1)) out.push(...field);
  }
  return out;
}

/** Physical lines; a backslash at the end of a line continues it (PostgreSQL 15). */
function splitLines(text: string): string[] {
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

// ---------------------------------------------------------------------------
// Addresses

/** Parses a numeric IPv4 or IPv6 address (no zone), or undefined. */
export function parseIp(text: string): IpAddr | undefined {
  if (!text.includes(':')) return parseInetAton(text);
  let s = text;
  // An embedded IPv4 tail (::ffff:1.2.3.4).
  let tail: number[] = [];
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
  if (v4) {
    const a = parseIp(v4[1] as string);
    if (a === undefined) return undefined;
    tail = [...a.bytes];
    s = `${s.slice(0, -(v4[1] as string).length)}0:0`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const groups = h.split(':');
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0] as string);
  const rest = halves.length === 2 ? parseGroups(halves[1] as string) : [];
  if (head === undefined || rest === undefined) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return undefined;
    groups = [...head, ...new Array<number>(fill).fill(0), ...rest];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  if (tail.length === 4) bytes.set(tail, 12);
  return { family: 6, bytes };
}

/**
 * IPv4 in inet_aton's forms, as getaddrinfo(AI_NUMERICHOST) accepts them:
 * one to four parts, each decimal, octal (leading 0) or hex (0x); the last
 * part fills the remaining bytes ("127.1" is 127.0.0.1, "01.2.3.4" is 1.2.3.4).
 */
function parseInetAton(text: string): IpAddr | undefined {
  const parts = text.split('.');
  if (parts.length > 4) return undefined;
  const values: number[] = [];
  for (const p of parts) {
    let v: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(p)) v = p.length === 2 ? 0 : Number.parseInt(p.slice(2), 16);
    else if (/^0[0-7]*$/.test(p)) v = Number.parseInt(p, 8);
    else if (/^[1-9]\d*$/.test(p)) v = Number(p);
    else return undefined;
    values.push(v);
  }
  const last = values.pop() as number;
  if (values.some((v) => v > 255)) return undefined;
  const lastBytes = 4 - values.length;
  if (last >= 2 ** (8 * lastBytes)) return undefined;
  const bytes = new Uint8Array(4);
  values.forEach((v, i) => {
    bytes[i] = v;
  });
  for (let i = 3, v = last; i >= values.length; i--, v = Math.floor(v / 256)) bytes[i] = v % 256;
  return { family: 4, bytes };
}

/** A CIDR prefix length as a mask (ip.c pg_sockaddr_cidr_mask); undefined when out of range or not a number. */
function cidrMask(bits: string, family: 4 | 6): IpAddr | undefined {
  // PostgreSQL uses strtol and requires the whole string to be consumed.
  if (!/^[+-]?\d+$/.test(bits.trim()) || bits.trim() !== bits) return undefined;
  const n = Number(bits);
  const len = family === 4 ? 4 : 16;
  if (n < 0 || n > len * 8) return undefined;
  const bytes = new Uint8Array(len);
  for (let i = 0; i < len; i++) {
    const b = Math.max(0, Math.min(8, n - 8 * i));
    bytes[i] = (0xff << (8 - b)) & 0xff;
  }
  return { family, bytes };
}

/** check_ip / pg_range_sockaddr: same family and (addr ^ net) & mask == 0. */
export function ipInRange(ip: IpAddr, net: IpAddr, mask: IpAddr): boolean {
  if (ip.family !== net.family || mask.family !== net.family) return false;
  for (let i = 0; i < ip.bytes.length; i++) {
    if ((((ip.bytes[i] as number) ^ (net.bytes[i] as number)) & (mask.bytes[i] as number)) !== 0)
      return false;
  }
  return true;
}

/**
 * The client address as PostgreSQL would see it: Node reports IPv4 clients of
 * a dual-stack socket as ::ffff:a.b.c.d, while PostgreSQL listens with
 * IPV6_V6ONLY and sees them as AF_INET; so a mapped address becomes IPv4.
 * A zone suffix (%eth0) is dropped.
 */
export function normalizeClientAddress(address: string): string {
  let a = address;
  const pct = a.indexOf('%');
  if (pct >= 0) a = a.slice(0, pct);
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(a);
  if (m) return m[1] as string;
  return a;
}

// ---------------------------------------------------------------------------
// Line parser

/** Methods PostgreSQL 15 knows but this server does not implement. */
const UNSUPPORTED_METHODS = new Set([
  'ident',
  'peer',
  'gss',
  'sspi',
  'pam',
  'bsd',
  'ldap',
  'cert',
  'radius',
]);

/** Options per hba.c parse_hba_auth_opt, with the methods they are valid for. */
const OPTION_METHODS: Record<string, string> = {
  map: 'ident, peer, gssapi, sspi, and cert',
  pamservice: 'pam',
  pam_use_hostname: 'pam',
  ldapurl: 'ldap',
  ldaptls: 'ldap',
  ldapscheme: 'ldap',
  ldapserver: 'ldap',
  ldapport: 'ldap',
  ldapbinddn: 'ldap',
  ldapbindpasswd: 'ldap',
  ldapsearchattribute: 'ldap',
  ldapsearchfilter: 'ldap',
  ldapbasedn: 'ldap',
  ldapprefix: 'ldap',
  ldapsuffix: 'ldap',
  krb_realm: 'gssapi and sspi',
  include_realm: 'gssapi and sspi',
  compat_realm: 'sspi',
  upn_username: 'sspi',
  radiusservers: 'radius',
  radiussecrets: 'radius',
  radiusidentifiers: 'radius',
  radiusports: 'radius',
};

function parseLine(
  fields: HbaToken[][],
  rawLine: string,
  lineNumber: number,
  fileName: string,
): HbaLine {
  const fail = (message: string, hint?: string): never => {
    throw new HbaLoadError(message, fileName, lineNumber, hint);
  };
  let fi = 0;
  const connField = fields[fi] as HbaToken[];
  if (connField.length > 1) {
    fail(
      'multiple values specified for connection type',
      'Specify exactly one connection type per line.',
    );
  }
  const connTok = (connField[0] as HbaToken).string;
  let connType: HbaConnType;
  switch (connTok) {
    case 'local':
    case 'host':
    case 'hostssl':
    case 'hostnossl':
    case 'hostgssenc':
    case 'hostnogssenc':
      connType = connTok;
      break;
    default:
      return fail(`invalid connection type "${connTok}"`);
  }

  fi++;
  const databases = fields[fi];
  if (databases === undefined) return fail('end-of-line before database specification');
  fi++;
  const roles = fields[fi];
  if (roles === undefined) return fail('end-of-line before role specification');

  let address: HbaAddress | undefined;
  if (connType !== 'local') {
    fi++;
    const addrField = fields[fi];
    if (addrField === undefined) return fail('end-of-line before IP address specification');
    if (addrField.length > 1) {
      fail('multiple values specified for host address', 'Specify one address range per line.');
    }
    const tok = addrField[0] as HbaToken;
    if (!tok.quoted && tok.string === 'all') address = { kind: 'all' };
    else if (!tok.quoted && tok.string === 'samehost') address = { kind: 'samehost' };
    else if (!tok.quoted && tok.string === 'samenet') address = { kind: 'samenet' };
    else {
      const slash = tok.string.indexOf('/');
      const hostPart = slash >= 0 ? tok.string.slice(0, slash) : tok.string;
      const ip = parseIp(hostPart);
      if (ip === undefined) {
        // getaddrinfo(AI_NUMERICHOST) says EAI_NONAME: a host name.
        if (slash >= 0) fail(`specifying both host name and CIDR mask is invalid: "${tok.string}"`);
        address = { kind: 'hostname', name: hostPart };
      } else if (slash >= 0) {
        const mask = cidrMask(tok.string.slice(slash + 1), ip.family);
        if (mask === undefined) fail(`invalid CIDR mask in address "${tok.string}"`);
        address = { kind: 'mask', addr: ip, mask: mask as IpAddr };
      } else {
        fi++;
        const maskField = fields[fi];
        if (maskField === undefined) {
          return fail(
            'end-of-line before netmask specification',
            'Specify an address range in CIDR notation, or provide a separate netmask.',
          );
        }
        if (maskField.length > 1) fail('multiple values specified for netmask');
        const maskTok = (maskField[0] as HbaToken).string;
        const mask = parseIp(maskTok);
        if (mask === undefined) fail(`invalid IP mask "${maskTok}": Name or service not known`);
        if ((mask as IpAddr).family !== ip.family) fail('IP address and mask do not match');
        address = { kind: 'mask', addr: ip, mask: mask as IpAddr };
      }
    }
  }

  fi++;
  const methodField = fields[fi];
  if (methodField === undefined) return fail('end-of-line before authentication method');
  if (methodField.length > 1) {
    fail(
      'multiple values specified for authentication type',
      'Specify exactly one authentication type per line.',
    );
  }
  const methodTok = (methodField[0] as HbaToken).string;
  let method: HbaMethod;
  switch (methodTok) {
    case 'trust':
    case 'reject':
    case 'password':
    case 'md5':
    case 'scram-sha-256':
      method = methodTok;
      break;
    default:
      if (UNSUPPORTED_METHODS.has(methodTok)) {
        if (connType === 'local' && methodTok === 'gss')
          fail('gssapi authentication is not supported on local sockets');
        if (connType !== 'local' && methodTok === 'peer')
          fail('peer authentication is only supported on local sockets');
        if (connType !== 'hostssl' && methodTok === 'cert') {
          fail('cert authentication is only supported on hostssl connections');
        }
        return fail(`invalid authentication method "${methodTok}": not supported by this build`);
      }
      return fail(`invalid authentication method "${methodTok}"`);
  }

  // Options: name=value tokens (parse_hba_auth_opt). None applies to the
  // methods above except clientcert/clientname on hostssl lines, which need
  // client-certificate checks this server does not make: refused.
  for (fi++; fi < fields.length; fi++) {
    for (const tok of fields[fi] as HbaToken[]) {
      const eq = tok.string.indexOf('=');
      if (eq < 0) fail(`authentication option not in name=value format: ${tok.string}`);
      const name = tok.string.slice(0, eq);
      if (name === 'clientcert' || name === 'clientname') {
        if (connType !== 'hostssl') fail(`${name} can only be configured for "hostssl" rows`);
        fail(`authentication option "${name}" is not supported by this build`);
      }
      const valid = OPTION_METHODS[name];
      if (valid !== undefined)
        fail(`authentication option "${name}" is only valid for authentication methods ${valid}`);
      fail(`unrecognized authentication option name: "${name}"`);
    }
  }

  return {
    lineNumber,
    rawLine,
    connType,
    databases,
    roles,
    ...(address === undefined ? {} : { address }),
    method,
  };
}

/**
 * Parses pg_hba.conf text. Throws HbaLoadError for the first bad line, as
 * PostgreSQL refuses the whole file when any line is bad, and for a file with
 * no entries.
 */
export function loadHba(text: string, options: LoadHbaOptions = {}): HbaRules {
  const fileName = options.fileName ?? 'pg_hba.conf';
  const lines: HbaLine[] = [];
  const warnings: HbaWarning[] = [];
  const physical = splitLines(text);
  for (let i = 0; i < physical.length; i++) {
    const lineNumber = i + 1;
    let raw = physical[i] as string;
    // Backslash continuation (PostgreSQL 15): join with the next line.
    while (raw.endsWith('\\') && i + 1 < physical.length) {
      raw = raw.slice(0, -1) + (physical[++i] as string);
    }
    const fields = tokenizeLine(raw, fileName, lineNumber, 0);
    if (fields.length === 0) continue;
    const line = parseLine(fields, raw, lineNumber, fileName);
    const context = `line ${lineNumber} of configuration file "${fileName}"`;
    if (line.connType === 'hostssl' && options.ssl !== true) {
      warnings.push({
        message: 'hostssl record cannot match because SSL is disabled',
        hint: 'Set ssl = on in postgresql.conf.',
        context,
      });
    } else if (line.connType === 'hostgssenc') {
      warnings.push({
        message: 'hostgssenc record cannot match because GSSAPI is not supported by this build',
        hint: 'Compile with --with-gssapi to use GSSAPI connections.',
        context,
      });
    }
    lines.push(line);
  }
  if (lines.length === 0) {
    throw new HbaLoadError(`configuration file "${fileName}" contains no entries`, fileName, 0);
  }
  return { fileName, lines, warnings };
}

/** The rules used when there is no pg_hba.conf: trust for local sockets and loopback TCP. */
export const DEFAULT_HBA = `local all all trust
host all all 127.0.0.1/32 trust
host all all ::1/128 trust
`;

// ---------------------------------------------------------------------------
// Matching

/** What check_hba needs to know about the connection. */
export interface HbaPeer {
  readonly kind: 'local' | 'host';
  readonly ssl: boolean;
  /** Normalised client IP (see normalizeClientAddress) for 'host'. */
  readonly address?: string;
  readonly database: string;
  readonly user: string;
  /** Whether the role exists (samerole/+group need it). */
  readonly roleExists: boolean;
  /** Roles the user is a member of, itself included (for +group and samerole). */
  readonly memberOf?: readonly string[];
}

function isMember(peer: HbaPeer, role: string): boolean {
  if (!peer.roleExists) return false;
  if (peer.memberOf !== undefined) return peer.memberOf.includes(role);
  return role === peer.user;
}

/** hba.c check_db. Replication connections are not supported, so `replication` never matches. */
function checkDb(peer: HbaPeer, tokens: readonly HbaToken[]): boolean {
  for (const t of tokens) {
    if (!t.quoted && t.string === 'all') return true;
    if (!t.quoted && t.string === 'sameuser') {
      if (peer.database === peer.user) return true;
    } else if (!t.quoted && (t.string === 'samegroup' || t.string === 'samerole')) {
      if (isMember(peer, peer.database)) return true;
    } else if (!t.quoted && t.string === 'replication') {
    } else if (t.string === peer.database) return true;
  }
  return false;
}

/** hba.c check_role. */
function checkRole(peer: HbaPeer, tokens: readonly HbaToken[]): boolean {
  for (const t of tokens) {
    if (!t.quoted && t.string.startsWith('+')) {
      if (isMember(peer, t.string.slice(1))) return true;
    } else if (t.string === peer.user || (!t.quoted && t.string === 'all')) return true;
  }
  return false;
}

/** The server's own interface addresses with their netmasks (samehost/samenet). */
function localNetworks(): { addr: IpAddr; mask: IpAddr }[] {
  const out: { addr: IpAddr; mask: IpAddr }[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) {
      const addr = parseIp(normalizeClientAddress(info.address));
      const mask = parseIp(info.netmask);
      if (addr !== undefined && mask !== undefined && addr.family === mask.family)
        out.push({ addr, mask });
    }
  }
  return out;
}

function checkAddress(
  address: HbaAddress,
  client: IpAddr | undefined,
  hostnameMatches: (name: string) => boolean,
): boolean {
  switch (address.kind) {
    case 'all':
      return true;
    case 'mask':
      return client !== undefined && ipInRange(client, address.addr, address.mask);
    case 'samehost': {
      if (client === undefined) return false;
      const full = (f: 4 | 6): IpAddr => ({
        family: f,
        bytes: new Uint8Array(f === 4 ? 4 : 16).fill(0xff),
      });
      return localNetworks().some((n) => ipInRange(client, n.addr, full(n.addr.family)));
    }
    case 'samenet':
      return client !== undefined && localNetworks().some((n) => ipInRange(client, n.addr, n.mask));
    case 'hostname':
      return hostnameMatches(address.name);
  }
}

/**
 * hba.c check_hba: the first line that matches, or undefined (implicit
 * reject). `hostnameMatches` decides host-name address fields (the caller
 * resolves the client's name as check_hostname does).
 */
export function findHbaLine(
  rules: HbaRules,
  peer: HbaPeer,
  hostnameMatches: (name: string) => boolean = () => false,
): HbaLine | undefined {
  const client =
    peer.kind === 'host' && peer.address !== undefined ? parseIp(peer.address) : undefined;
  for (const line of rules.lines) {
    if (line.connType === 'local') {
      if (peer.kind !== 'local') continue;
    } else {
      if (peer.kind === 'local') continue;
      if (peer.ssl && line.connType === 'hostnossl') continue;
      if (!peer.ssl && line.connType === 'hostssl') continue;
      // No GSSAPI encryption here: hostgssenc never matches, hostnogssenc always does.
      if (line.connType === 'hostgssenc') continue;
      if (line.address !== undefined && !checkAddress(line.address, client, hostnameMatches))
        continue;
    }
    if (!checkDb(peer, line.databases)) continue;
    if (!checkRole(peer, line.roles)) continue;
    return line;
  }
  return undefined;
}
