/**
 * The bulk-load comparison on a small file (2,000 rows): every variant
 * loads every row (each load checks its count), and the report names each
 * with its rate and @pg/engine COPY's ratio to it.
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  COPY_ENGINE,
  COPY_ENGINE_INSERT,
  COPY_PGLITE,
  COPY_POSTGRES,
  type CopyResult,
  loadOnce,
  postgresCopy,
  renderCopy,
  writeCopyFile,
} from './copy-workloads.js';

const ROWS = 2000;

describe('COPY workloads', () => {
  it('load the same rows through every variant and report them', async () => {
    const path = writeCopyFile(ROWS);
    try {
      const results: CopyResult[] = [];
      for (const name of [COPY_ENGINE, COPY_ENGINE_INSERT, COPY_PGLITE]) {
        const seconds = await loadOnce(name, path, ROWS);
        expect(seconds).toBeGreaterThan(0);
        results.push({ name, rows: ROWS, seconds, peakBytes: 100 * 2 ** 20 });
      }
      results.push(await postgresCopy(path, ROWS));
      const text = renderCopy(results);
      expect(text).toContain(`COPY of ${ROWS} rows`);
      for (const name of [COPY_ENGINE_INSERT, COPY_PGLITE, COPY_POSTGRES]) {
        expect(text).toMatch(new RegExp(`${name}.*rows/s.*${COPY_ENGINE} [0-9.]+x of this`));
      }
    } finally {
      rmSync(dirname(path), { recursive: true, force: true });
    }
  });
});
