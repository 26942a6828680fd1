/**
 * Corruption: random byte flips in written segments make the reader stop
 * at or before the damaged record, with a typed problem or a clean end of
 * WAL, and never throw.
 */
import { MemoryWalStorage, segmentFileName, WalReader, WalWriter } from '@pg/wal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = Math.max(20, Math.round(Number(process.env.PG_PROPERTY_RUNS ?? 300) / 3));
const SEG = 64 * 1024;

describe('corrupted WAL', () => {
  it('stops at or before the first damaged record', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 12000 }), { minLength: 1, maxLength: 12 }),
        fc.array(
          fc.record({
            at: fc.nat(),
            // Half the flips land in a page header, where few bytes hide many checks.
            inHeader: fc.boolean(),
            xor: fc.integer({ min: 1, max: 255 }),
          }),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        (sizes, flips) => {
          const storage = new MemoryWalStorage();
          const w = new WalWriter({ storage, segmentSize: SEG, systemIdentifier: 7n });
          const recs = sizes.map((s, i) =>
            w.insert({ rmid: 1, info: i & 0xff, data: new Uint8Array(s).fill(i + 1) }),
          );
          w.flushSync();
          const last = recs.at(-1);
          if (!last) return;
          // Flip bytes inside the written WAL (segments 1.. as far as records go).
          const span = Number(last.end) - SEG;
          const damaged: bigint[] = [];
          for (const f of flips) {
            const pages = Math.ceil(span / 8192);
            const lsn = f.inHeader
              ? BigInt(SEG + 8192 * (f.at % pages) + ((f.at >>> 8) % 24))
              : BigInt(SEG + (f.at % span));
            if (lsn >= last.end) continue;
            const name = segmentFileName(lsn / BigInt(SEG), SEG);
            const off = Number(lsn % BigInt(SEG));
            const b = storage.pread(name, off, 1);
            storage.pwrite(name, off, Uint8Array.of((b[0] ?? 0) ^ f.xor));
            damaged.push(lsn);
          }
          const firstDamage = damaged.sort((a, b) => Number(a - b))[0];
          if (firstDamage === undefined) return;
          // Record i covers the stream from the previous record's end (page headers
          // included) to its own end; the first record covering a flip is damaged.
          let bad = recs.findIndex((r) => r.end > firstDamage);
          if (bad < 0) bad = recs.length;
          const reader = new WalReader({
            storage,
            segmentSize: SEG,
            systemIdentifier: 7n,
            startLsn: BigInt(SEG + 40),
          });
          let n = 0;
          for (;;) {
            const r = reader.next();
            if (r.kind === 'end') {
              if (bad < recs.length) expect(r.lsn).toBeLessThanOrEqual(recs[bad]?.start ?? 0n);
              break;
            }
            // Every record returned precedes the damaged one and is intact.
            expect(n).toBeLessThan(bad);
            expect(r.lsn).toBe(recs[n]?.start);
            expect(r.record.data.every((x) => x === n + 1)).toBe(true);
            n++;
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
