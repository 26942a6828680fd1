import { execFileSync } from 'node:child_process';
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildScramSecret,
  certificateHash,
  mockScramSecret,
  parseScramSecret,
  type ScramError,
  ScramServer,
  saslprep,
  verifyScramPlain,
} from './scram.js';

/** RFC 7677 section 3: user "user", password "pencil". */
const RFC = {
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverNonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
  serverFirst:
    'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal:
    'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};
const RFC_SALT = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');

/** A minimal RFC 5802 client, written independently of the server code. */
function clientExchange(
  password: string,
  serverFirst: string,
  clientFirstBare: string,
  gs2: string | Buffer = 'n,,',
) {
  const attrs = new Map(serverFirst.split(',').map((kv) => [kv[0], kv.slice(2)] as const));
  const salt = Buffer.from(attrs.get('s') as string, 'base64');
  const iterations = Number(attrs.get('i'));
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const withoutProof = `c=${Buffer.from(gs2).toString('base64')},r=${attrs.get('r')}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const sig = createHmac('sha256', storedKey).update(authMessage).digest();
  const proof = Buffer.from(clientKey.map((b, i) => b ^ (sig[i] as number)));
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  const serverSig = createHmac('sha256', serverKey).update(authMessage).digest().toString('base64');
  return {
    final: `${withoutProof},p=${proof.toString('base64')}`,
    expectedFinal: `v=${serverSig}`,
  };
}

describe('SCRAM-SHA-256 server', () => {
  it('reproduces the RFC 7677 test vector', () => {
    const secret = buildScramSecret('pencil', RFC_SALT, 4096);
    const server = new ScramServer('user', secret, () => RFC.serverNonce);
    expect(server.exchange(RFC.clientFirst)).toEqual({ kind: 'continue', output: RFC.serverFirst });
    expect(server.exchange(RFC.clientFinal)).toEqual({ kind: 'success', output: RFC.serverFinal });
  });

  it('refuses a wrong password with a plain failure', () => {
    const secret = buildScramSecret('not pencil', RFC_SALT, 4096);
    const server = new ScramServer('user', secret, () => RFC.serverNonce);
    server.exchange(RFC.clientFirst);
    expect(server.exchange(RFC.clientFinal)).toEqual({ kind: 'failure' });
  });

  it('runs a mock exchange for an unknown role or an md5 secret, which always fails', () => {
    for (const stored of [undefined, 'md5a3556571e93b0d20722ba62be61e8c2d']) {
      const server = new ScramServer('nobody', stored);
      const first = server.exchange('n,,n=,r=abcdefgh');
      expect(first.kind).toBe('continue');
      const out = (first as { output: string }).output;
      expect(out).toMatch(/^r=abcdefgh[A-Za-z0-9+/=]{24},s=[A-Za-z0-9+/=]{24},i=4096$/);
      const { final } = clientExchange('anything', out, 'n=,r=abcdefgh');
      const step = server.exchange(final);
      expect(step.kind).toBe('failure');
      if (stored !== undefined) {
        expect(step).toEqual({
          kind: 'failure',
          logDetail: 'User "nobody" does not have a valid SCRAM secret.',
        });
      }
    }
    // The mock salt is stable per user.
    expect(mockScramSecret('a').salt.equals(mockScramSecret('a').salt)).toBe(true);
    expect(mockScramSecret('a').salt.equals(mockScramSecret('b').salt)).toBe(false);
  });

  it('accepts y,, with c=eSws and rejects mismatched channel-binding attributes', () => {
    const secret = buildScramSecret('pw');
    const s1 = new ScramServer('u', secret);
    const first = s1.exchange('y,,n=,r=nonce1') as { output: string };
    const { final, expectedFinal } = clientExchange('pw', first.output, 'n=,r=nonce1', 'y,,');
    expect(s1.exchange(final)).toEqual({ kind: 'success', output: expectedFinal });

    const s2 = new ScramServer('u', secret);
    const f2 = s2.exchange('n,,n=,r=nonce1') as { output: string };
    const bad = clientExchange('pw', f2.output, 'n=,r=nonce1', 'y,,').final;
    expect(() => s2.exchange(bad)).toThrow(
      'unexpected SCRAM channel-binding attribute in client-final-message',
    );
  });

  it('raises PostgreSQL errors for malformed messages', () => {
    const err = (input: string, state: 'first' | 'final' = 'first'): ScramError => {
      const s = new ScramServer('u', buildScramSecret('pw'), () => 'SN');
      if (state === 'final') s.exchange('n,,n=,r=CN');
      try {
        s.exchange(input);
      } catch (e) {
        return e as ScramError;
      }
      throw new Error('no error');
    };
    expect(err('x,,n=,r=a')).toMatchObject({
      code: '08P01',
      detail: `Unexpected channel-binding flag "'x'".`,
    });
    expect(err('nx,n=,r=a')).toMatchObject({
      detail: `Comma expected, but found character "'x'".`,
    });
    expect(err('p=tls-server-end-point,,n=,r=a')).toMatchObject({ code: '08P01' });
    expect(err('n,a=u,n=,r=a')).toMatchObject({
      code: '0A000',
      message: 'client uses authorization identity, but it is not supported',
    });
    expect(err('n,,m=x,n=,r=a')).toMatchObject({ code: '0A000' });
    expect(err('n,,r=a')).toMatchObject({ detail: `Expected attribute "n" but found "'r'".` });
    expect(err('n,,n=,r=a b')).toMatchObject({
      message: 'non-printable characters in SCRAM nonce',
    });
    expect(err('n,,n=,r=a,1=x')).toMatchObject({
      detail: `Attribute expected, but found invalid character "'1'".`,
    });
    expect(err(`c=biws,r=CNSX,p=${Buffer.alloc(32).toString('base64')}`, 'final')).toMatchObject({
      message: 'invalid SCRAM response',
      detail: 'Nonce does not match.',
    });
    expect(err('c=biws,r=CNSN,p=AAAA', 'final')).toMatchObject({
      detail: 'Malformed proof in client-final-message.',
    });
    expect(err('c=biws,r=CNSN', 'final')).toMatchObject({
      detail: 'Attribute expected, but found end of string.',
    });
  });

  it('parses and verifies stored secrets', () => {
    const secret = buildScramSecret('pencil', RFC_SALT, 4096);
    expect(secret).toMatch(
      /^SCRAM-SHA-256\$4096:W22ZaJ0SNY7soEsUEjb6gQ==\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/,
    );
    const parsed = parseScramSecret(secret);
    expect(parsed).toBeDefined();
    expect(verifyScramPlain(parsed as NonNullable<typeof parsed>, 'pencil')).toBe(true);
    expect(verifyScramPlain(parsed as NonNullable<typeof parsed>, 'Pencil')).toBe(false);
    expect(parseScramSecret('SCRAM-SHA-256$4096:abc')).toBeUndefined();
    expect(parseScramSecret('md5a3556571e93b0d20722ba62be61e8c2d')).toBeUndefined();
  });

  it('SASLprep leaves ASCII alone, maps spaces and refuses prohibited characters', () => {
    expect(saslprep('pencil')).toBe('pencil');
    expect(saslprep('I\u00ADX')).toBe('IX');
    expect(saslprep('a\u00A0b')).toBe('a b');
    expect(saslprep('\u00AA')).toBe('a');
    expect(saslprep('\u2168')).toBe('IX');
    expect(saslprep('a\u0007b\u00e9')).toBeUndefined();
    expect(saslprep('\u0627\u0031')).toBeUndefined();
  });

  it('property: the exchange succeeds exactly when the client knows the password', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.stringMatching(/^[!-+\--~]{1,24}$/),
        fc.integer({ min: 1, max: 64 }),
        (stored, given, nonce, iterations) => {
          const secret = buildScramSecret(stored, undefined, iterations);
          const server = new ScramServer('u', secret);
          const first = server.exchange(`n,,n=,r=${nonce}`) as { output: string };
          // The client, like libpq, applies SASLprep to the password it sends.
          const { final, expectedFinal } = clientExchange(
            saslprep(given) ?? given,
            first.output,
            `n=,r=${nonce}`,
          );
          const step = server.exchange(final);
          const same = (saslprep(given) ?? given) === (saslprep(stored) ?? stored);
          expect(step.kind).toBe(same ? 'success' : 'failure');
          if (same) expect(step).toEqual({ kind: 'success', output: expectedFinal });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('SCRAM-SHA-256-PLUS: tls-server-end-point binding as be_tls_get_certificate_hash computes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'h3-cert-'));
    try {
      const der = (digest: string, key: string[]) => {
        execFileSync(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            ...key,
            '-nodes',
            `-${digest}`,
            '-subj',
            '/CN=localhost',
            '-days',
            '1',
            '-keyout',
            join(dir, 'k.pem'),
            '-out',
            join(dir, 'c.der'),
            '-outform',
            'DER',
          ],
          { stdio: 'ignore' },
        );
        return readFileSync(join(dir, 'c.der'));
      };
      const rsa256 = der('sha256', ['rsa:2048']);
      const hash = createHash('sha256').update(rsa256).digest();
      expect(certificateHash(rsa256)).toEqual(hash);
      const ec384 = der('sha384', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
      expect(certificateHash(ec384)).toEqual(createHash('sha384').update(ec384).digest());
      expect(certificateHash(new Uint8Array([1, 2, 3]))).toBeUndefined();

      const secret = buildScramSecret('pw');
      const plus = new ScramServer('u', secret, undefined, { certificateHash: hash, plus: true });
      const first = plus.exchange('p=tls-server-end-point,,n=,r=abc') as { output: string };
      // cbind-input: the gs2 header, then the certificate hash
      const cbindInput = Buffer.concat([Buffer.from('p=tls-server-end-point,,'), hash]);
      const good = clientExchange('pw', first.output, 'n=,r=abc', cbindInput);
      expect(plus.exchange(good.final)).toEqual({ kind: 'success', output: good.expectedFinal });
      // without the hash the binding does not match
      const { final } = clientExchange('pw', first.output, 'n=,r=abc', 'p=tls-server-end-point,,');
      const wrong = new ScramServer('u', secret, undefined, { certificateHash: hash, plus: true });
      wrong.exchange('p=tls-server-end-point,,n=,r=abc');
      expect(() => wrong.exchange(final)).toThrow('SCRAM channel binding check failed');
      // the client must not claim that the server lacks channel binding when it has it
      expect(() =>
        new ScramServer('u', secret, undefined, { certificateHash: hash }).exchange('y,,n=,r=a'),
      ).toThrow('SCRAM channel binding negotiation error');
      expect(() =>
        new ScramServer('u', secret, undefined, { certificateHash: hash, plus: true }).exchange(
          'n,,n=,r=a',
        ),
      ).toThrow(
        expect.objectContaining({
          detail:
            'The client selected SCRAM-SHA-256-PLUS, but the SCRAM message does not include channel binding data.',
        }),
      );
      expect(() =>
        new ScramServer('u', secret, undefined, { certificateHash: hash, plus: true }).exchange(
          'p=tls-unique,,n=,r=a',
        ),
      ).toThrow('unsupported SCRAM channel-binding type "tls-unique"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
