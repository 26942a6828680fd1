/**
 * External sort for index builds, in the manner of PostgreSQL 15's
 * tuplesort.c (src/backend/utils/sort/tuplesort.c, with logtape.c beneath it).
 *
 * Algorithm (Knuth vol. 3, 5.4; PostgreSQL 15 replaced polyphase merge with
 * the balanced k-way merge used here):
 *
 *   1. add() collects tuples in an unsorted array while the bytes they cost
 *      (options.sizeOf) fit in the budget (maintenance_work_mem).
 *   2. When the next tuple would not fit, the array is sorted and written out
 *      as one sorted *run* to a temporary file ("dumptuples"), and the array
 *      starts over empty. Runs are written through one buffer with
 *      synchronous positional writes.
 *   3. sorted(): with no run written, the array is sorted and returned from
 *      memory (TSS_SORTEDINMEM). Otherwise, while there are more runs than one
 *      merge can read at once (the merge order), the smallest runs are merged
 *      into a new, longer run (an intermediate merge step); then the final
 *      merge reads every remaining run, and the in-memory tail when it fits,
 *      and is performed on the fly as the caller iterates (TSS_FINALMERGE).
 *      A merge keeps the front tuple of each input in a binary heap and
 *      repeatedly outputs the smallest, replacing it with the next tuple of
 *      the same input (tuplesort_heap_replace_top).
 *
 * On-disk format of a run (runs follow one another in temporary files of
 * about segmentBytes each; nothing of it is persistent):
 *
 *   offset  size  description
 *   0       4     length L of the first record, unsigned little-endian
 *   4       L     the record: options.serialize(tuple)
 *   4+L     4     length of the second record ...
 *
 * A run's file, offset, record count and byte length are kept in memory.
 *
 * Memory (the accounting behind stats.maxMemoryBytes): the bytes of the tuples
 * the sorter holds (options.sizeOf) plus the bytes of its I/O buffers. Each
 * buffer is B = bufferBytes(memoryBytes): about 1/32 of the budget, a power
 * of two between 1 KiB and 64 KiB.
 *
 *   M1. While loading: held tuples <= max(memoryBytes - B, memoryBytes / 2),
 *       or one tuple alone when it is larger than that; plus one write buffer
 *       once a run has been written.
 *   M2. An intermediate merge of k runs holds k read buffers, k tuples (one per
 *       input, in the heap) and one write buffer, where
 *       k = clamp(floor((memoryBytes - B) / (B + largest tuple)), 2, maxMergeOrder).
 *   M3. The final merge holds k read buffers and k tuples, with
 *       k = clamp(floor(memoryBytes / (B + largest tuple)), 2, maxMergeOrder);
 *       when the in-memory tail is merged too, its tuples plus R read buffers
 *       and R tuples for the R runs fit in memoryBytes (otherwise the tail is
 *       written out as one more run first).
 *   So maxMemoryBytes <= max(memoryBytes, 3 B + 2 x largest tuple): the
 *   budget, unless it is too small to merge two runs at all, when the sorter
 *   uses that minimum instead (PostgreSQL similarly never merges fewer than
 *   MINORDER tapes, whatever work_mem says).
 *
 * Open files: at most one while loading; at most maxMergeOrder + 1 while
 * merging (one per segment in use, shared by the runs read from it).
 *
 * Differences from PostgreSQL, with reasons:
 *   - Runs are extents of segment files (64 MiB by default; PostgreSQL's
 *     BufFile segments are 1 GiB), not logical tapes with block recycling
 *     (logtape.c): a segment is deleted once every run in it has been merged,
 *     so space is recycled a segment at a time, with far less code. The files
 *     live in a directory made per sorter, `<tempDir>/pgsql_tmp<pid>.<random>/`
 *     (PostgreSQL: base/pgsql_tmp/pgsql_tmp<pid>.<n>), removed by close().
 *   - In-memory runs are sorted with Array.prototype.sort (V8's TimSort), not
 *     quicksort. TimSort is stable but the heap merge is not, so the caller
 *     must not rely on the order of equal tuples (PostgreSQL's btree build
 *     breaks ties on the heap TID in its comparator; so should ours).
 *   - Intermediate merges always pick the smallest runs (an optimal merge
 *     pattern), rather than PostgreSQL's balanced passes over all runs.
 *   - The caller's deserialize() gets a fresh copy of the record's bytes, so
 *     it may keep them.
 *   - No parallel sort (workers sharing a tape set), no bounded (top-N) sort,
 *     no abbreviated keys, no random access to the result.
 *
 * Errors: an exception from compare, sizeOf, serialize, deserialize or the
 * file system closes the sorter (its temporary files are removed) and reaches
 * the caller unchanged. Abandoning the generator (break, return, throw)
 * closes it too; a sorter never iterated to the end must be closed by its
 * owner.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ExternalSorterOptions<T> {
  /** The order: negative, zero or positive, as for Array.prototype.sort. */
  compare(a: T, b: T): number;
  /** A tuple's bytes on a temporary file; deserialize(serialize(t)) must compare equal to t. */
  serialize(t: T): Uint8Array;
  /** The tuple back from its bytes (a copy the callee may keep). */
  deserialize(bytes: Uint8Array): T;
  /** The bytes a tuple costs in memory (counted against memoryBytes). */
  sizeOf(t: T): number;
  /** The budget, in bytes (maintenance_work_mem for an index build). */
  memoryBytes: number;
  /** Where the sorter makes its temporary directory; default os.tmpdir(). */
  tempDir?: string;
  /** The most runs one merge reads at once (open files and buffers); default 64, at least 2. */
  maxMergeOrder?: number;
  /**
   * A temporary file takes runs until it holds this many bytes, then the
   * next file starts; a file is removed once every run in it has been merged.
   * Default 64 MiB.
   */
  segmentBytes?: number;
  /** Told when a run is written, when a merge step ends, and when the final merge starts. */
  onProgress?(progress: SortProgress): void;
}

/** What the sorter has done so far. */
export interface SortStats {
  /** Tuples added. */
  readonly tuples: number;
  /** Initial runs written to temporary files (0: the sort stayed in memory). */
  readonly runs: number;
  /** Intermediate merge steps (each read some runs and wrote one longer run). */
  readonly mergeSteps: number;
  /** Bytes written to temporary files, by runs and by merge steps. */
  readonly spilledBytes: number;
  /** The most bytes of tuples and I/O buffers held at once (see M1-M3 above). */
  readonly maxMemoryBytes: number;
}

export type SortProgress =
  /** An initial run was written. */
  | {
      readonly kind: 'run';
      readonly run: number;
      readonly tuples: number;
      readonly bytes: number;
    }
  /** An intermediate merge step read `inputs` runs and wrote one. */
  | {
      readonly kind: 'merge';
      readonly step: number;
      readonly inputs: number;
      readonly tuples: number;
      readonly bytes: number;
    }
  /** The final merge begins; `inMemoryTail` when the last tuples were not written out. */
  | { readonly kind: 'final-merge'; readonly inputs: number; readonly inMemoryTail: boolean };

/** Bytes of a record's length prefix. */
const LENGTH_BYTES = 4;
/** The smallest and largest I/O buffer. */
export const MIN_BUFFER_BYTES = 1024;
export const MAX_BUFFER_BYTES = 64 * 1024;
export const DEFAULT_MAX_MERGE_ORDER = 64;
export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const MIN_MERGE_ORDER = 2;

/** The size of each read or write buffer for a budget: ~1/32 of it, a power of two in [1 KiB, 64 KiB]. */
export function bufferBytes(memoryBytes: number): number {
  let b = MIN_BUFFER_BYTES;
  while (b < MAX_BUFFER_BYTES && b * 2 * 32 <= memoryBytes) b *= 2;
  return b;
}

const END: unique symbol = Symbol('end of input');
type End = typeof END;

/**
 * A temporary file holding runs one after another (a BufFile segment).
 * Its descriptor is open while a writer or reader uses it; the file goes
 * once no run in it is left to read and nothing will be appended to it.
 */
interface Segment {
  readonly path: string;
  fd: number | undefined;
  /** Whether the file exists yet. */
  created: boolean;
  /** Writers and readers using the descriptor. */
  users: number;
  /** Bytes written: the next run starts here. */
  size: number;
  /** Runs in it not yet read by a merge. */
  liveRuns: number;
}

/** One sorted run: an extent of a segment. */
interface RunFile {
  readonly segment: Segment;
  readonly offset: number;
  readonly bytes: number;
  readonly tuples: number;
}

/** One input of a merge: a run read through a buffer, or the sorted in-memory tail. */
interface MergeInput<T> {
  /** The next tuple, or END; the tuple's bytes are already counted as held. */
  next(): T | End;
  /** sizeOf() of the tuple next() returned last. */
  size: number;
  /** Releases the input's file and buffer (idempotent). */
  release(): void;
}

type State = 'loading' | 'sorting' | 'closed';

/**
 * Sorts more tuples than fit in memory. add() every tuple, then iterate
 * sorted() once; close() removes the temporary files (the generator does
 * so itself when it ends or is abandoned).
 */
export class ExternalSorter<T> {
  readonly #compare: (a: T, b: T) => number;
  readonly #serialize: (t: T) => Uint8Array;
  readonly #deserialize: (bytes: Uint8Array) => T;
  readonly #sizeOf: (t: T) => number;
  readonly #memoryBytes: number;
  readonly #bufferBytes: number;
  readonly #maxMergeOrder: number;
  readonly #tempParent: string;
  readonly #onProgress: ((progress: SortProgress) => void) | undefined;

  #state: State = 'loading';
  /** Tuples not yet written to a run, unsorted while loading. */
  #memtuples: T[] = [];
  /** Bytes (sizeOf) of the tuples held: the array plus the merge heap. */
  #tupleBytes = 0;
  /** Bytes of I/O buffers currently allocated. */
  #ioBytes = 0;
  #maxMemoryBytes = 0;
  #largestTuple = 0;
  /** Runs on temporary files, waiting to be merged. */
  #runs: RunFile[] = [];
  #dir: string | undefined;
  #segmentCounter = 0;
  /** The segment runs are appended to; a new one starts past segmentBytes. */
  #writeSegment: Segment | undefined;
  readonly #segmentBytes: number;
  readonly #openFds = new Set<number>();
  /** The one write buffer, allocated with the first run. */
  #writeBuffer: Uint8Array | undefined;
  #tuples = 0;
  #initialRuns = 0;
  #mergeSteps = 0;
  #spilledBytes = 0;

  constructor(options: ExternalSorterOptions<T>) {
    const { memoryBytes } = options;
    if (!Number.isFinite(memoryBytes) || memoryBytes < 1) {
      throw new RangeError(`memoryBytes must be a positive number, not ${memoryBytes}`);
    }
    const order = options.maxMergeOrder ?? DEFAULT_MAX_MERGE_ORDER;
    if (!Number.isInteger(order) || order < MIN_MERGE_ORDER) {
      throw new RangeError(`maxMergeOrder must be an integer >= ${MIN_MERGE_ORDER}, not ${order}`);
    }
    // Called through the options object, so methods that use `this` work.
    this.#compare = (a, b) => options.compare(a, b);
    this.#serialize = (t) => options.serialize(t);
    this.#deserialize = (bytes) => options.deserialize(bytes);
    this.#sizeOf = (t) => options.sizeOf(t);
    this.#memoryBytes = memoryBytes;
    this.#bufferBytes = bufferBytes(memoryBytes);
    this.#maxMergeOrder = order;
    this.#tempParent = options.tempDir ?? tmpdir();
    this.#segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.#onProgress = options.onProgress;
  }

  get stats(): SortStats {
    return {
      tuples: this.#tuples,
      runs: this.#initialRuns,
      mergeSteps: this.#mergeSteps,
      spilledBytes: this.#spilledBytes,
      maxMemoryBytes: this.#maxMemoryBytes,
    };
  }

  /** The sorter's temporary directory, once a run has been written (for tests and logs). */
  get tempPath(): string | undefined {
    return this.#dir;
  }

  /** Adds one tuple; may write a run. */
  add(t: T): void {
    if (this.#state !== 'loading') {
      throw new Error(`cannot add a tuple to a sorter that is ${this.#state}`);
    }
    try {
      const size = this.#tupleSize(t);
      // M1: the tuple budget leaves room for the write buffer.
      const budget = Math.max(this.#memoryBytes - this.#bufferBytes, this.#memoryBytes / 2);
      if (this.#memtuples.length > 0 && this.#tupleBytes + size > budget) this.#dumpTuples();
      this.#memtuples.push(t);
      this.#tuples++;
      this.#hold(size, 0);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /**
   * The tuples in order. Call once, after the last add(). The sort happens
   * when iteration starts; the final merge runs as the caller iterates.
   */
  sorted(): Generator<T, void, undefined> {
    if (this.#state !== 'loading') {
      throw new Error(`sorted() was already called, or the sorter is ${this.#state}`);
    }
    this.#state = 'sorting';
    return this.#iterate();
  }

  /** Closes the sorter's files and removes its temporary directory. Idempotent. */
  close(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    for (const fd of this.#openFds) {
      try {
        closeSync(fd);
      } catch {
        // Already closed or never fully opened: nothing to release.
      }
    }
    this.#openFds.clear();
    this.#memtuples = [];
    this.#runs = [];
    this.#writeSegment = undefined;
    this.#writeBuffer = undefined;
    this.#tupleBytes = 0;
    this.#ioBytes = 0;
    if (this.#dir !== undefined) {
      const dir = this.#dir;
      this.#dir = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  }

  *#iterate(): Generator<T, void, undefined> {
    // A sorter closed before iteration began has dropped its tuples.
    if (this.#state === 'closed')
      throw new Error('the sorter was closed before its tuples were read');
    try {
      if (this.#runs.length === 0) {
        // Everything fit: sort in memory and hand the tuples out.
        const tuples = this.#memtuples;
        this.#memtuples = [];
        tuples.sort(this.#compare);
        for (let i = 0; i < tuples.length; i++) {
          const t = tuples[i] as T;
          this.#release(this.#sizeOf(t), 0);
          yield t;
        }
        return;
      }
      yield* this.#mergeAll();
    } finally {
      this.close();
    }
  }

  /** Merges the runs (and perhaps the in-memory tail) as the caller iterates. */
  *#mergeAll(): Generator<T, void, undefined> {
    const tail = this.#memtuples;
    this.#memtuples = [];
    tail.sort(this.#compare);
    let tailBytes = 0;
    for (const t of tail) tailBytes += this.#sizeOf(t);

    // M3: keep the tail in memory only if the runs can be read beside it.
    const runCount = this.#runs.length;
    const perRun = Math.floor((this.#memoryBytes - tailBytes) / runCount) - this.#largestTuple;
    const keepTail =
      tail.length > 0 && runCount + 1 <= this.#maxMergeOrder && perRun >= MIN_BUFFER_BYTES;
    let finalBuffer = this.#bufferBytes;
    if (keepTail) {
      finalBuffer = Math.min(this.#bufferBytes, perRun);
    } else if (tail.length > 0) {
      this.#writeRun(tail);
      tail.length = 0;
    }
    this.#freeWriteBuffer();

    if (!keepTail) {
      // M2, M3: merge the smallest runs until one merge can read the rest.
      const finalOrder = this.#mergeOrder(this.#memoryBytes);
      const stepOrder = this.#mergeOrder(this.#memoryBytes - this.#bufferBytes);
      this.#runs.sort((a, b) => a.bytes - b.bytes);
      while (this.#runs.length > finalOrder) {
        // Merging m runs into one leaves exactly finalOrder when m = count - finalOrder + 1.
        const m = Math.min(stepOrder, this.#runs.length - finalOrder + 1);
        this.#mergeStep(this.#runs.splice(0, m));
      }
      this.#freeWriteBuffer();
    }
    // Nothing is appended any more: each segment goes when its last run is read.
    this.#retireWriteSegment();

    const inputs: MergeInput<T>[] = this.#runs.map((run) => this.#openRun(run, finalBuffer));
    this.#runs = [];
    if (keepTail) inputs.push(this.#tailInput(tail));
    this.#onProgress?.({ kind: 'final-merge', inputs: inputs.length, inMemoryTail: keepTail });
    yield* this.#merge(inputs);
  }

  /** The merge order k for the memory left after the other buffers: see M2, M3. */
  #mergeOrder(memory: number): number {
    const k = Math.floor(memory / (this.#bufferBytes + this.#largestTuple));
    return Math.max(MIN_MERGE_ORDER, Math.min(this.#maxMergeOrder, k));
  }

  /** One intermediate merge: the runs' tuples into one new run. */
  #mergeStep(runs: readonly RunFile[]): void {
    const inputs = runs.map((run) => this.#openRun(run, this.#bufferBytes));
    const writer = this.#startRun();
    for (const t of this.#merge(inputs)) writer.add(t);
    const run = writer.finish();
    // Keep the runs ordered by size, so the next step again takes the smallest.
    let lo = 0;
    let hi = this.#runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#runs[mid]!.bytes <= run.bytes) lo = mid + 1;
      else hi = mid;
    }
    this.#runs.splice(lo, 0, run);
    this.#mergeSteps++;
    this.#onProgress?.({
      kind: 'merge',
      step: this.#mergeSteps,
      inputs: runs.length,
      tuples: run.tuples,
      bytes: run.bytes,
    });
  }

  /**
   * k-way merge with a binary min-heap of each input's front tuple. Every
   * tuple handed out leaves the sorter's custody (its bytes are released).
   */
  *#merge(inputs: MergeInput<T>[]): Generator<T, void, undefined> {
    const compare = this.#compare;
    const heap: T[] = [];
    const sources: number[] = [];
    const sizes: number[] = [];
    try {
      for (let i = 0; i < inputs.length; i++) {
        const t = inputs[i]!.next();
        if (t === END) {
          inputs[i]!.release();
          continue;
        }
        heap.push(t);
        sources.push(i);
        sizes.push(inputs[i]!.size);
        siftUp(heap.length - 1);
      }
      while (heap.length > 0) {
        const top = heap[0] as T;
        const source = sources[0]!;
        this.#release(sizes[0]!, 0);
        const next = inputs[source]!.next();
        if (next === END) {
          inputs[source]!.release();
          const lastTuple = heap.pop() as T;
          const lastSource = sources.pop()!;
          const lastSize = sizes.pop()!;
          if (heap.length > 0) {
            heap[0] = lastTuple;
            sources[0] = lastSource;
            sizes[0] = lastSize;
            siftDown(0);
          }
        } else {
          // tuplesort_heap_replace_top: the input's next tuple takes the top's place.
          heap[0] = next;
          sizes[0] = inputs[source]!.size;
          siftDown(0);
        }
        yield top;
      }
    } finally {
      for (const input of inputs) input.release();
    }

    function swap(i: number, j: number): void {
      const t = heap[i] as T;
      heap[i] = heap[j] as T;
      heap[j] = t;
      const s = sources[i]!;
      sources[i] = sources[j]!;
      sources[j] = s;
      const z = sizes[i]!;
      sizes[i] = sizes[j]!;
      sizes[j] = z;
    }
    function siftUp(at: number): void {
      let i = at;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (compare(heap[i] as T, heap[parent] as T) >= 0) return;
        swap(i, parent);
        i = parent;
      }
    }
    function siftDown(at: number): void {
      const n = heap.length;
      let i = at;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) return;
        const right = left + 1;
        let least = left;
        if (right < n && compare(heap[right] as T, heap[left] as T) < 0) least = right;
        if (compare(heap[least] as T, heap[i] as T) >= 0) return;
        swap(i, least);
        i = least;
      }
    }
  }

  /** The sorted in-memory tail as a merge input (its tuples are already counted). */
  #tailInput(tail: T[]): MergeInput<T> {
    let at = 0;
    const input: MergeInput<T> = {
      size: 0,
      next: () => {
        if (at >= tail.length) return END;
        const t = tail[at++] as T;
        input.size = this.#sizeOf(t);
        return t;
      },
      release: () => {
        at = tail.length;
      },
    };
    return input;
  }

  /** dumptuples: sorts the in-memory tuples and writes them out as one run. */
  #dumpTuples(): void {
    const tuples = this.#memtuples;
    this.#memtuples = [];
    tuples.sort(this.#compare);
    this.#writeRun(tuples);
  }

  /** Writes sorted tuples as a new initial run, releasing their bytes as they go out. */
  #writeRun(tuples: readonly T[]): void {
    const writer = this.#startRun();
    for (let i = 0; i < tuples.length; i++) {
      const t = tuples[i] as T;
      writer.add(t);
      this.#release(this.#sizeOf(t), 0);
    }
    const run = writer.finish();
    this.#runs.push(run);
    this.#initialRuns++;
    this.#onProgress?.({
      kind: 'run',
      run: this.#initialRuns,
      tuples: run.tuples,
      bytes: run.bytes,
    });
  }

  /** Starts a new run at the end of the write segment, written through the write buffer. */
  #startRun(): { add(t: T): void; finish(): RunFile } {
    if (this.#dir === undefined) {
      this.#dir = mkdtempSync(join(this.#tempParent, `pgsql_tmp${process.pid}.`));
    }
    if (this.#writeBuffer === undefined) {
      this.#writeBuffer = new Uint8Array(this.#bufferBytes);
      this.#hold(0, this.#bufferBytes);
    }
    if (this.#writeSegment === undefined || this.#writeSegment.size >= this.#segmentBytes) {
      this.#retireWriteSegment();
      this.#writeSegment = {
        path: join(this.#dir, `${this.#segmentCounter++}`),
        fd: undefined,
        created: false,
        users: 0,
        size: 0,
        liveRuns: 0,
      };
    }
    const segment = this.#writeSegment;
    const fd = this.#acquire(segment);
    const buffer = this.#writeBuffer;
    const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    const start = segment.size;
    let used = 0;
    let offset = start;
    let tuples = 0;
    const flush = () => {
      this.#writeAll(fd, buffer.subarray(0, used), offset);
      offset += used;
      used = 0;
    };
    return {
      add: (t: T) => {
        const record = this.#serialize(t);
        if (!(record instanceof Uint8Array)) {
          throw new TypeError('serialize() must return a Uint8Array');
        }
        const need = LENGTH_BYTES + record.length;
        if (used + need > buffer.length) flush();
        if (need > buffer.length) {
          // A record larger than the buffer goes straight to the file.
          view.setUint32(0, record.length, true);
          this.#writeAll(fd, buffer.subarray(0, LENGTH_BYTES), offset);
          this.#writeAll(fd, record, offset + LENGTH_BYTES);
          offset += need;
        } else {
          view.setUint32(used, record.length, true);
          buffer.set(record, used + LENGTH_BYTES);
          used += need;
        }
        tuples++;
      },
      finish: () => {
        flush();
        segment.size = offset;
        segment.liveRuns++;
        this.#unuse(segment);
        this.#spilledBytes += offset - start;
        return { segment, offset: start, bytes: offset - start, tuples };
      },
    };
  }

  /** Opens a run for reading through a buffer of `size` bytes; its file goes once it is read. */
  #openRun(run: RunFile, size: number): MergeInput<T> {
    const fd = this.#acquire(run.segment);
    let buffer = new Uint8Array(size);
    this.#hold(0, size);
    let view = new DataView(buffer.buffer);
    let start = 0;
    let end = 0;
    const fileEnd = run.offset + run.bytes;
    let filePos = run.offset;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      run.segment.liveRuns--;
      this.#unuse(run.segment);
      this.#release(0, size);
      buffer = new Uint8Array(0);
      view = new DataView(buffer.buffer);
    };
    const corrupt = () =>
      new Error(
        `a run in temporary file ${run.segment.path} ends inside a record at byte ${filePos - end + start}`,
      );
    /** Makes at least n bytes available at buffer[start..]; false at the end of the run. */
    const fill = (n: number): boolean => {
      if (end - start >= n) return true;
      buffer.copyWithin(0, start, end);
      end -= start;
      start = 0;
      while (end < n && filePos < fileEnd) {
        const got = this.#readSome(fd, buffer, end, fileEnd - filePos, filePos);
        end += got;
        filePos += got;
      }
      return end >= n;
    };
    const input: MergeInput<T> = {
      size: 0,
      next: () => {
        if (released) return END;
        if (!fill(LENGTH_BYTES)) {
          if (end > start) throw corrupt();
          return END;
        }
        const length = view.getUint32(start, true);
        start += LENGTH_BYTES;
        let record: Uint8Array;
        if (length > buffer.length) {
          // Larger than the buffer: what is buffered, then the rest straight from the file.
          record = new Uint8Array(length);
          record.set(buffer.subarray(start, end));
          let at = end - start;
          start = end = 0;
          while (at < length) {
            if (filePos >= fileEnd) throw corrupt();
            const got = this.#readSome(fd, record, at, fileEnd - filePos, filePos);
            at += got;
            filePos += got;
          }
        } else {
          if (!fill(length)) throw corrupt();
          record = buffer.slice(start, start + length);
          start += length;
        }
        const t = this.#deserialize(record);
        input.size = this.#tupleSize(t);
        this.#hold(input.size, 0);
        return t;
      },
      release,
    };
    return input;
  }

  #tupleSize(t: T): number {
    const size = this.#sizeOf(t);
    if (!Number.isFinite(size) || size < 0) {
      throw new RangeError(`sizeOf() must return a non-negative number, not ${size}`);
    }
    if (size > this.#largestTuple) this.#largestTuple = size;
    return size;
  }

  #hold(tupleBytes: number, ioBytes: number): void {
    this.#tupleBytes += tupleBytes;
    this.#ioBytes += ioBytes;
    const held = this.#tupleBytes + this.#ioBytes;
    if (held > this.#maxMemoryBytes) this.#maxMemoryBytes = held;
  }

  #release(tupleBytes: number, ioBytes: number): void {
    this.#tupleBytes -= tupleBytes;
    this.#ioBytes -= ioBytes;
  }

  #freeWriteBuffer(): void {
    if (this.#writeBuffer === undefined) return;
    this.#writeBuffer = undefined;
    this.#release(0, this.#bufferBytes);
  }

  /** The segment's descriptor, opened (created, the first time) for its first user. */
  #acquire(segment: Segment): number {
    if (segment.fd === undefined) {
      // 'wx+' creates the file (and fails if it exists); 'r+' reopens it.
      const fd = openSync(segment.path, segment.created ? 'r+' : 'wx+', 0o600);
      this.#openFds.add(fd);
      segment.fd = fd;
      segment.created = true;
    }
    segment.users++;
    return segment.fd;
  }

  /** One user is done with the segment: close it when unused, remove it when spent. */
  #unuse(segment: Segment): void {
    segment.users--;
    if (segment.users > 0) return;
    if (segment.fd !== undefined) {
      const fd = segment.fd;
      segment.fd = undefined;
      if (this.#openFds.delete(fd)) closeSync(fd);
    }
    this.#removeIfSpent(segment);
  }

  /** The write segment takes no more runs (a new one starts, or writing is over). */
  #retireWriteSegment(): void {
    const segment = this.#writeSegment;
    if (segment === undefined) return;
    this.#writeSegment = undefined;
    this.#removeIfSpent(segment);
  }

  /** Removes a segment no one uses, with no run left to read, that takes no more runs. */
  #removeIfSpent(segment: Segment): void {
    if (segment.users === 0 && segment.liveRuns === 0 && segment !== this.#writeSegment) {
      // Its runs are read: the space goes back, as logtape.c recycles blocks.
      rmSync(segment.path, { force: true });
    }
  }

  #writeAll(fd: number, bytes: Uint8Array, position: number): void {
    let done = 0;
    while (done < bytes.length) {
      done += writeSync(fd, bytes, done, bytes.length - done, position + done);
    }
  }

  /** One positional read of at most `max` bytes into bytes[at..]; throws at an unexpected end. */
  #readSome(fd: number, bytes: Uint8Array, at: number, max: number, position: number): number {
    const got = readSync(fd, bytes, at, Math.min(bytes.length - at, max), position);
    if (got === 0) throw new Error(`unexpected end of a temporary sort file at byte ${position}`);
    return got;
  }
}
