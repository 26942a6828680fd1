/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL 15's
 * src/backend/libpq/auth-scram.c and src/common/scram-common.c do it.
 *
 * Stored secret (pg_authid.rolpassword):
 *
 *   SCRAM-SHA-256$<iterations>:<salt, base64>$<StoredKey, base64>:<ServerKey, base64>
 *
 *   SaltedPassword = Hi(SASLprep(password), salt, iterations)      (PBKDF2-HMAC-SHA-256)
 *   ClientKey      = HMAC(SaltedPassword, "Client Key")
 *   StoredKey      = H(ClientKey)
 *   ServerKey      = HMAC(SaltedPassword, "Server Key")
 *
 * Exchange (the server side):
 *
 *   client-first  gs2-header ("n,," or "y,,") "n=" user "," "r=" c-nonce [,ext...]
 *   server-first  "r=" c-nonce s-nonce ",s=" salt ",i=" iterations
 *   client-final  "c=" base64(gs2-header) ",r=" nonce [,ext...] ",p=" base64(ClientProof)
 *   server-final  "v=" base64(ServerSignature)
 *
 *   AuthMessage     = client-first-bare "," server-first "," client-final-without-proof
 *   ClientSignature = HMAC(StoredKey, AuthMessage);  ClientKey = ClientProof XOR ClientSignature
 *   accept iff H(ClientKey) == StoredKey;  ServerSignature = HMAC(ServerKey, AuthMessage)
 *
 * The user name in client-first is ignored (the startup packet names the
 * user; libpq sends "n=,"). Channel binding (SCRAM-SHA-256-PLUS) is not
 * offered, so a client choosing it or sending "p=" is refused as PostgreSQL
 * refuses it when it has not advertised it.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { buildScramSecret, saslprep } from '@pg/engine';

/** PostgreSQL 15's iteration count (scram_iterations became a GUC only in 16). */
export const SCRAM_ITERATIONS = 4096;
/** SCRAM_DEFAULT_SALT_LEN */
export const SCRAM_SALT_LEN = 16;
/** SCRAM_RAW_NONCE_LEN */
export const SCRAM_RAW_NONCE_LEN = 18;
export const SCRAM_KEY_LEN = 32;
export const SCRAM_SHA_256 = 'SCRAM-SHA-256';

/** An error PostgreSQL raises with ereport(ERROR) inside the exchange (FATAL during authentication). */
export class ScramError extends Error {
  readonly code: '08P01' | '0A000' | '28000';
  readonly detail: string | undefined;
  constructor(code: '08P01' | '0A000' | '28000', message: string, detail?: string) {
    super(message);
    this.name = 'ScramError';
    this.code = code;
    this.detail = detail;
  }
}

const hmac = (key: Uint8Array, data: string | Uint8Array): Buffer =>
  createHmac('sha256', key).update(data).digest();
const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

// SASLprep (RFC 4013): the engine's, the one CREATE ROLE ... PASSWORD hashed with.
export { saslprep };

function passwordBytes(password: string): Buffer {
  return Buffer.from(saslprep(password) ?? password, 'utf8');
}

// ---------------------------------------------------------------------------
// Secrets

export interface ScramSecret {
  readonly iterations: number;
  readonly salt: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

export function saltedPassword(password: string, salt: Uint8Array, iterations: number): Buffer {
  return pbkdf2Sync(passwordBytes(password), salt, iterations, SCRAM_KEY_LEN, 'sha256');
}

/** scram_build_secret lives with the role catalog in @pg/engine (CREATE ROLE ... PASSWORD stores it). */
export { buildScramSecret };

/** Strict base64 as src/common/base64.c accepts it (padding allowed only at the end). */
function decodeBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  if (text.length % 4 === 1) return undefined;
  return Buffer.from(text, 'base64');
}

/** parse_scram_secret: undefined when the text is not a well-formed SCRAM-SHA-256 secret. */
export function parseScramSecret(secret: string): ScramSecret | undefined {
  const m = /^SCRAM-SHA-256\$([^:$]+):([^$]+)\$([^:]+):(.+)$/.exec(secret);
  if (m === null) return undefined;
  const iterText = m[1] as string;
  if (!/^\d+$/.test(iterText)) return undefined;
  const iterations = Number(iterText);
  const salt = decodeBase64(m[2] as string);
  const storedKey = decodeBase64(m[3] as string);
  const serverKey = decodeBase64(m[4] as string);
  if (salt === undefined || storedKey === undefined || serverKey === undefined) return undefined;
  if (storedKey.length !== SCRAM_KEY_LEN || serverKey.length !== SCRAM_KEY_LEN) return undefined;
  return { iterations, salt, storedKey, serverKey };
}

/** scram_verify_plain_password: whether a cleartext password matches a secret. */
export function verifyScramPlain(secret: ScramSecret, password: string): boolean {
  const salted = saltedPassword(password, secret.salt, secret.iterations);
  const serverKey = hmac(salted, 'Server Key');
  return timingSafeEqual(serverKey, secret.serverKey);
}

const MOCK_NONCE = randomBytes(32);

/**
 * mock_scram_secret: a made-up secret for a role that does not exist or has
 * no SCRAM secret, so the exchange looks like a real one. The salt depends on
 * the user name and a per-process secret, so it is stable for a user.
 */
export function mockScramSecret(user: string): ScramSecret {
  const salt = createHash('sha256')
    .update(user)
    .update(MOCK_NONCE)
    .digest()
    .subarray(0, SCRAM_SALT_LEN);
  return {
    iterations: SCRAM_ITERATIONS,
    salt,
    storedKey: Buffer.alloc(SCRAM_KEY_LEN),
    serverKey: Buffer.alloc(SCRAM_KEY_LEN),
  };
}

// ---------------------------------------------------------------------------
// The server side of the exchange

/** sanitize_char: a printable character in single quotes, else 0xNN. */
function sanitizeChar(c: string | undefined): string {
  if (c === undefined) return '0x00';
  const code = c.charCodeAt(0);
  if (code >= 0x21 && code <= 0x7e) return `'${c}'`;
  return `0x${(code & 0xff).toString(16).padStart(2, '0')}`;
}

/** sanitize_str: printable ASCII kept, anything else '?'. */
function sanitizeStr(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?').slice(0, 30);
}

const malformed = (detail: string): ScramError =>
  new ScramError('08P01', 'malformed SCRAM message', detail);

/** A cursor over an attribute list, as read_attr_value / read_any_attr walk it. */
class AttrReader {
  pos = 0;
  constructor(readonly text: string) {}
  get current(): string | undefined {
    return this.text[this.pos];
  }
  private value(): string {
    let end = this.text.indexOf(',', this.pos);
    if (end < 0) end = this.text.length;
    const v = this.text.slice(this.pos, end);
    this.pos = end < this.text.length ? end + 1 : end;
    return v;
  }
  /** read_attr_value */
  read(attr: string): string {
    const c = this.current;
    if (c !== attr) throw malformed(`Expected attribute "${attr}" but found "${sanitizeChar(c)}".`);
    this.pos++;
    if (this.current !== '=') throw malformed(`Expected character "=" for attribute "${attr}".`);
    this.pos++;
    return this.value();
  }
  /** read_any_attr */
  readAny(): { attr: string; value: string } {
    const attr = this.current;
    if (attr === undefined) throw malformed('Attribute expected, but found end of string.');
    if (!/^[A-Za-z]$/.test(attr))
      throw malformed(`Attribute expected, but found invalid character "${sanitizeChar(attr)}".`);
    this.pos++;
    if (this.current !== '=') throw malformed(`Expected character "=" for attribute "${attr}".`);
    this.pos++;
    return { attr, value: this.value() };
  }
}

/** is_scram_printable: %x21-2B / %x2D-7E (printable ASCII except ','). */
const isScramPrintable = (s: string): boolean => /^[\x21-\x2B\x2D-\x7E]*$/.test(s);

export type ScramStep =
  | { readonly kind: 'continue'; readonly output: string }
  | { readonly kind: 'success'; readonly output: string }
  | { readonly kind: 'failure'; readonly logDetail?: string };

/**
 * One server-side SCRAM exchange (auth-scram.c scram_exchange). Feed each
 * client message to `exchange`; protocol errors throw ScramError.
 *
 *   INIT --client-first--> SALT_SENT --client-final--> FINISHED
 */
export class ScramServer {
  private state: 'init' | 'salt-sent' | 'finished' = 'init';
  private readonly secret: ScramSecret;
  /** True for a mock exchange: it always fails, after computing the proof. */
  private readonly doomed: boolean;
  private readonly logDetail: string | undefined;
  private cbindFlag = '';
  private clientFirstBare = '';
  private clientNonce = '';
  private serverNonce = '';
  private serverFirst = '';

  /**
   * `storedPassword` is rolpassword (undefined: no role or no usable
   * password). A non-SCRAM password makes a doomed exchange, as in
   * PostgreSQL ("You cannot do SCRAM authentication with an MD5 hash").
   */
  constructor(
    readonly user: string,
    storedPassword: string | undefined,
    private readonly nonceSource: () => string = () =>
      randomBytes(SCRAM_RAW_NONCE_LEN).toString('base64'),
    /**
     * Channel binding: `certificateHash` is tls-server-end-point's hash of
     * the server certificate when the connection is TLS and the server
     * offered SCRAM-SHA-256-PLUS; `plus` when the client chose it.
     */
    private readonly binding: {
      readonly certificateHash?: Uint8Array;
      readonly plus?: boolean;
    } = {},
  ) {
    let secret: ScramSecret | undefined;
    let detail: string | undefined;
    if (storedPassword !== undefined) {
      secret = parseScramSecret(storedPassword);
      if (secret === undefined) detail = `User "${user}" does not have a valid SCRAM secret.`;
    }
    this.doomed = secret === undefined;
    this.secret = secret ?? mockScramSecret(user);
    this.logDetail = detail;
  }

  /** `input` undefined: the SASLInitialResponse carried no initial response (length -1). */
  exchange(input: string | undefined): ScramStep {
    if (input === undefined) {
      if (this.state !== 'init') throw new ScramError('08P01', 'invalid SCRAM exchange state');
      return { kind: 'continue', output: '' };
    }
    if (input.length === 0) throw malformed('The message is empty.');
    if (input.includes('\0')) throw malformed('Message length does not match input length.');
    switch (this.state) {
      case 'init': {
        this.readClientFirst(input);
        const nonce = this.nonceSource();
        this.serverNonce = nonce;
        this.serverFirst = `r=${this.clientNonce}${nonce},s=${this.secret.salt.toString('base64')},i=${this.secret.iterations}`;
        this.state = 'salt-sent';
        return { kind: 'continue', output: this.serverFirst };
      }
      case 'salt-sent': {
        const { withoutProof, proof, nonce } = this.readClientFinal(input);
        if (nonce !== this.clientNonce + this.serverNonce) {
          throw new ScramError('08P01', 'invalid SCRAM response', 'Nonce does not match.');
        }
        const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
        const clientSignature = hmac(this.secret.storedKey, authMessage);
        const clientKey = Buffer.alloc(SCRAM_KEY_LEN);
        for (let i = 0; i < SCRAM_KEY_LEN; i++) {
          clientKey[i] = (proof[i] as number) ^ (clientSignature[i] as number);
        }
        // The proof is checked even when doomed, so timing does not tell whether the role exists.
        const ok = timingSafeEqual(sha256(clientKey), this.secret.storedKey);
        this.state = 'finished';
        if (!ok || this.doomed) {
          return this.logDetail === undefined
            ? { kind: 'failure' }
            : { kind: 'failure', logDetail: this.logDetail };
        }
        const serverSignature = hmac(this.secret.serverKey, authMessage);
        return { kind: 'success', output: `v=${serverSignature.toString('base64')}` };
      }
      case 'finished':
        throw new ScramError('08P01', 'invalid SCRAM exchange state');
    }
  }

  /** read_client_first_message */
  private readClientFirst(input: string): void {
    const flag = input[0];
    this.cbindFlag = flag ?? '';
    let rest: string;
    const plus = this.binding.plus === true;
    switch (flag) {
      case 'n':
      case 'y':
        if (plus) {
          throw malformed(
            'The client selected SCRAM-SHA-256-PLUS, but the SCRAM message does not include channel binding data.',
          );
        }
        if (flag === 'y' && this.binding.certificateHash !== undefined) {
          throw new ScramError(
            '28000',
            'SCRAM channel binding negotiation error',
            'The client supports SCRAM channel binding but thinks the server does not.  However, this server does support channel binding.',
          );
        }
        if (input[1] !== ',')
          throw malformed(`Comma expected, but found character "${sanitizeChar(input[1])}".`);
        rest = input.slice(2);
        break;
      case 'p': {
        if (!plus) {
          throw malformed(
            'The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes channel binding data.',
          );
        }
        const r = new AttrReader(input);
        const type = r.read('p');
        if (type !== 'tls-server-end-point') {
          throw new ScramError(
            '08P01',
            `unsupported SCRAM channel-binding type "${sanitizeStr(type)}"`,
          );
        }
        rest = input.slice(r.pos);
        break;
      }
      default:
        throw malformed(`Unexpected channel-binding flag "${sanitizeChar(flag)}".`);
    }
    if (rest[0] === 'a') {
      throw new ScramError('0A000', 'client uses authorization identity, but it is not supported');
    }
    if (rest[0] !== ',')
      throw malformed(`Unexpected attribute "${sanitizeChar(rest[0])}" in client-first-message.`);
    rest = rest.slice(1);
    this.clientFirstBare = rest;
    if (rest[0] === 'm')
      throw new ScramError('0A000', 'client requires an unsupported SCRAM extension');
    const r = new AttrReader(rest);
    r.read('n');
    this.clientNonce = r.read('r');
    if (!isScramPrintable(this.clientNonce))
      throw new ScramError('08P01', 'non-printable characters in SCRAM nonce');
    while (r.current !== undefined) r.readAny();
  }

  /** read_client_final_message */
  private readClientFinal(input: string): { withoutProof: string; proof: Buffer; nonce: string } {
    const r = new AttrReader(input);
    const binding = r.read('c');
    if (this.binding.plus === true) {
      // base64("p=tls-server-end-point,," || hash of the server certificate)
      const expected = Buffer.concat([
        Buffer.from('p=tls-server-end-point,,'),
        Buffer.from(this.binding.certificateHash ?? new Uint8Array()),
      ]).toString('base64');
      if (binding !== expected) throw new ScramError('28000', 'SCRAM channel binding check failed');
    } else if (
      !(binding === 'biws' && this.cbindFlag === 'n') &&
      !(binding === 'eSws' && this.cbindFlag === 'y')
    ) {
      throw new ScramError(
        '08P01',
        'unexpected SCRAM channel-binding attribute in client-final-message',
      );
    }
    const nonce = r.read('r');
    let proofStart: number;
    let value: string;
    for (;;) {
      proofStart = r.pos - 1;
      const a = r.readAny();
      value = a.value;
      if (a.attr === 'p') break;
    }
    const proof = decodeBase64(value);
    if (proof === undefined || proof.length !== SCRAM_KEY_LEN)
      throw malformed('Malformed proof in client-final-message.');
    if (r.current !== undefined)
      throw malformed('Garbage found at the end of client-final-message.');
    return { withoutProof: input.slice(0, proofStart), proof, nonce };
  }
}

// ---------------------------------------------------------------------------
// tls-server-end-point (RFC 5929): the hash of the server certificate

/** A DER element at `pos`: its tag, where its contents start and end. */
function derElement(der: Uint8Array, pos: number): { tag: number; start: number; end: number } {
  const tag = der[pos] as number;
  let len = der[pos + 1] as number;
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (der[start + i] as number);
    start += n;
  }
  return { tag, start, end: start + len };
}

/** An OBJECT IDENTIFIER's contents in dotted form. */
function oidText(bytes: Uint8Array): string {
  const parts: number[] = [];
  let v = 0;
  for (const b of bytes) {
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      parts.push(v);
      v = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const a = first < 80 ? Math.floor(first / 40) : 2;
  return [a, first - 40 * a, ...parts].join('.');
}

/** Signature algorithms and the digest be_tls_get_certificate_hash uses (MD5 and SHA-1 become SHA-256). */
const SIGNATURE_DIGESTS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.4': 'sha256', // md5WithRSAEncryption
  '1.2.840.113549.1.1.5': 'sha256', // sha1WithRSAEncryption
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha256', // ecdsa-with-SHA1
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.2.840.10040.4.3': 'sha256', // dsa-with-sha1
  '2.16.840.1.101.3.4.3.2': 'sha256', // dsa-with-sha256
};

/**
 * be_tls_get_certificate_hash: the server certificate (DER) hashed with its
 * signature's digest; undefined when that digest is not one of the above
 * (RSASSA-PSS, Ed25519...), in which case PLUS is not offered.
 */
export function certificateHash(der: Uint8Array): Uint8Array | undefined {
  try {
    const cert = derElement(der, 0);
    const tbs = derElement(der, cert.start);
    const alg = derElement(der, tbs.end);
    const oid = derElement(der, alg.start);
    if (cert.tag !== 0x30 || tbs.tag !== 0x30 || alg.tag !== 0x30 || oid.tag !== 0x06)
      return undefined;
    const digest = SIGNATURE_DIGESTS[oidText(der.subarray(oid.start, oid.end))];
    return digest === undefined ? undefined : createHash(digest).update(der).digest();
  } catch {
    return undefined;
  }
}
