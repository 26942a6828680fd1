import type { BufferPool } from './buffer-pool.js';
import type { Checkpointer, CheckpointReason, CheckpointResult } from './checkpointer.js';

export interface BackgroundWorkOptions {
  readonly pool: BufferPool;
  readonly checkpointer: Checkpointer;
  /** bgwriter_delay: time between rounds (default 200 ms). */
  readonly delayMs?: number;
  /** bgwriter_lru_maxpages: most buffers one round writes (default 100; 0 turns the writer off). */
  readonly lruMaxPages?: number;
  /** Buffers a spread checkpoint writes between two turns of the event loop (default 64). */
  readonly checkpointBatch?: number;
  /** Told about each checkpoint, for log_checkpoints. */
  readonly onCheckpoint?: (reason: CheckpointReason, result: CheckpointResult) => void;
  /** Told about a failed round; the default rethrows on the next tick (a PANIC must stop the process). */
  readonly onError?: (error: unknown) => void;
}

/**
 * The background writer and the checkpointer's schedule, for an engine to
 * run in its event loop: every `delayMs` one round writes dirty buffers the
 * clock sweep is about to reach, then checks whether a checkpoint is due
 * (checkpoint_timeout passed, or WAL since the last redo point passed
 * max_wal_size's share) and if so runs one spread over turns of the event
 * loop. Rounds never overlap.
 */
export class BackgroundWork {
  private readonly options: BackgroundWorkOptions;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Rounds run, buffers the writer wrote, checkpoints taken, by reason. */
  readonly stats = { rounds: 0, buffersWritten: 0, checkpoints: { time: 0, wal: 0 } };

  constructor(options: BackgroundWorkOptions) {
    this.options = options;
  }

  /** One round: the LRU writer, then a checkpoint if one is due. */
  async tick(): Promise<void> {
    if (this.running) return this.running;
    const round = this.round();
    this.running = round;
    try {
      await round;
    } finally {
      this.running = null;
    }
  }

  private async round(): Promise<void> {
    const max = this.options.lruMaxPages ?? 100;
    if (max > 0) this.stats.buffersWritten += this.options.pool.backgroundWrite(max);
    const reason = this.options.checkpointer.due();
    if (reason !== null) {
      const result = await this.options.checkpointer.checkpointSpread({
        batch: this.options.checkpointBatch ?? 64,
      });
      this.stats.checkpoints[reason]++;
      this.options.onCheckpoint?.(reason, result);
    }
    this.stats.rounds++;
  }

  /** Starts the rounds. The timer does not keep the process alive. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.tick().catch((e: unknown) => {
        this.stop();
        if (this.options.onError) this.options.onError(e);
        else throw e;
      });
    }, this.options.delayMs ?? 200);
    this.timer.unref();
  }

  /** Stops the rounds (a round in progress finishes). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
