import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ControlFile,
  DbState,
  decodeControlFile,
  encodeControlFile,
  PG_CONTROL_FILE_SIZE,
  readControlFile,
  SIZE_OF_CONTROL_DATA,
  WalError,
  writeControlFile,
} from '@pg/wal';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';

const RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 300);

const control: fc.Arbitrary<ControlFile> = fc.record({
  systemIdentifier: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  catalogVersion: fc.nat(),
  state: fc.constantFrom(...Object.values(DbState)),
  time: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
  checkPoint: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  checkPointCopy: fc.record({
    redo: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    nextXid: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    nextOid: fc.nat(),
    timeline: fc.nat(),
  }),
  minRecoveryPoint: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  walSegmentSize: fc.nat(),
  walPageSize: fc.nat(),
  blockSize: fc.nat(),
  dataChecksumVersion: fc.nat({ max: 1 }),
});

describe('pg_control', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('round-trips and pads to 8192 bytes', () => {
    fc.assert(
      fc.property(control, (c) => {
        const bytes = encodeControlFile(c);
        expect(bytes.length).toBe(PG_CONTROL_FILE_SIZE);
        expect(decodeControlFile(bytes)).toEqual(c);
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects any flipped byte in the covered fields, and a wrong size', () => {
    fc.assert(
      fc.property(
        control,
        fc.nat({ max: SIZE_OF_CONTROL_DATA + 3 }),
        fc.integer({ min: 1, max: 255 }),
        (c, at, xor) => {
          const bytes = encodeControlFile(c);
          bytes[at] = (bytes[at] ?? 0) ^ xor;
          expect(() => decodeControlFile(bytes)).toThrow(WalError);
        },
      ),
      { numRuns: RUNS },
    );
    expect(() => decodeControlFile(new Uint8Array(100))).toThrow(/8192/);
  });

  it('is written atomically through a temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-control-'));
    dirs.push(dir);
    const path = join(dir, 'pg_control');
    const first: ControlFile = {
      systemIdentifier: 7n,
      catalogVersion: 202209061,
      state: DbState.inProduction,
      time: 1_700_000_000n,
      checkPoint: 0x1000028n,
      checkPointCopy: { redo: 0x1000028n, nextXid: 742n, nextOid: 16384, timeline: 1 },
      minRecoveryPoint: 0n,
      walSegmentSize: 16 * 1024 * 1024,
      walPageSize: 8192,
      blockSize: 8192,
      dataChecksumVersion: 1,
    };
    writeControlFile(path, first);
    expect(readControlFile(path)).toEqual(first);
    expect(existsSync(`${path}.tmp`)).toBe(false);
    // A crash that left a half-written temporary file does not affect the real one.
    writeFileSync(`${path}.tmp`, new Uint8Array(100));
    expect(readControlFile(path)).toEqual(first);
    const second = { ...first, state: DbState.shutdowned, checkPoint: 0x2000028n };
    writeControlFile(path, second);
    expect(readControlFile(path)).toEqual(second);
    const raw = new Uint8Array(readFileSync(path));
    raw[40] = (raw[40] ?? 0) ^ 1;
    writeFileSync(path, raw);
    try {
      readControlFile(path);
      expect.fail('corrupted pg_control was accepted');
    } catch (e) {
      expect((e as WalError).problem.kind).toBe('invalid-control-file');
      expect((e as WalError).code).toBe('XX001');
    }
  });
});
