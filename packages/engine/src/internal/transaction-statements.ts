/**
 * The transaction block as a session drives it (xact.c's
 * BeginTransactionBlock / EndTransactionBlock / savepoints), over @pg/mvcc's
 * TransactionManager, with the settings' transactional stack kept in step.
 *
 * Outside a block every statement runs in its own transaction (autocommit).
 * Inside one, an error fails the block: every statement but COMMIT,
 * ROLLBACK and ROLLBACK TO SAVEPOINT is refused with 25P02 until it ends.
 */
import type { IsolationLevel, MvccNotice, TransactionManager } from '@pg/mvcc';
import type { SessionSettings } from './guc.js';
import { EngineError } from './result.js';

/** What a transaction statement returns: its command tag. */
export type TransactionTag =
  | 'BEGIN'
  | 'START TRANSACTION'
  | 'COMMIT'
  | 'ROLLBACK'
  | 'SAVEPOINT'
  | 'RELEASE';

/** The hooks the block calls at its end (the catalog's pending deletes and invalidations). */
export interface TransactionHooks {
  /** The top-level transaction committed (`true`) or aborted (`false`). */
  atEnd(session: number, committed: boolean): void;
  /** SAVEPOINT: a subtransaction level begins (and, after ROLLBACK TO, begins again). */
  atSubBegin?(session: number): void;
  /** RELEASE: the innermost level's actions become its parent's. */
  atSubCommit?(session: number): void;
  /** ROLLBACK TO: the innermost level is rolled back and ends. */
  atSubAbort?(session: number): void;
  /**
   * issue 9 (F): the last work of a transaction about to commit, inside it
   * (ON COMMIT DELETE ROWS / DROP): an error rolls the transaction back.
   */
  preCommit?(session: number): Promise<void>;
}

export class TransactionBlock {
  readonly #manager: TransactionManager;
  readonly #session: number;
  readonly #settings: SessionSettings;
  readonly #hooks: TransactionHooks;
  /** The savepoints' names and their settings levels, innermost last. */
  #savepoints: { readonly name: string; readonly level: number }[] = [];
  /** Whether an explicit BEGIN opened the current transaction. */
  #explicit = false;
  /** Statements run in the block so far (SET TRANSACTION must come first). */
  #statements = 0;
  /**
   * issue 10: a multi-statement Query message runs in one implicit
   * transaction (xact.c's TBLOCK_IMPLICIT_INPROGRESS): statements outside
   * an explicit block do not commit one by one; the caller ends it with
   * endImplicit. BEGIN turns it into an explicit block; COMMIT / ROLLBACK
   * end it with a warning.
   */
  implicit = false;

  constructor(
    manager: TransactionManager,
    session: number,
    settings: SessionSettings,
    hooks: TransactionHooks,
  ) {
    this.#manager = manager;
    this.#session = session;
    this.#settings = settings;
    this.#hooks = hooks;
  }

  /** 'idle' | 'in progress' | 'failed' as the ReadyForQuery indicator reads it (I, T, E). */
  get status(): 'I' | 'T' | 'E' {
    const state = this.#manager.state(this.#session);
    if (!this.#explicit || state === 'idle') return 'I';
    return state === 'failed' ? 'E' : 'T';
  }

  get inBlock(): boolean {
    return this.#explicit && this.#manager.state(this.#session) !== 'idle';
  }

  get failed(): boolean {
    return this.#manager.state(this.#session) === 'failed';
  }

  /** Opens the transaction a statement runs in: the block's, or a new implicit one. */
  startStatement(): void {
    this.#statements++;
    if (this.#manager.state(this.#session) === 'idle') {
      this.#explicit = false;
      this.#manager.begin(this.#session, this.#defaultIsolation());
      this.#settings.beginTransaction();
    } else if (this.failed) {
      throw new EngineError(
        '25P02',
        'current transaction is aborted, commands ignored until end of transaction block',
      );
    }
  }

  /** After a statement: an implicit transaction commits (or rolls back after an error). */
  async finishStatement(error: boolean): Promise<void> {
    if (error) {
      if (this.#explicit) {
        if (this.#manager.state(this.#session) === 'in progress') {
          // the subtransaction stays until ROLLBACK TO rolls it back (as PostgreSQL's does)
          this.#manager.fail(this.#session);
        }
        return;
      }
      // issue 9 (F): a failed commit (preCommit) has rolled back already
      if (this.#manager.state(this.#session) !== 'idle') this.#rollbackNow();
      return;
    }
    if (!this.#explicit && !this.implicit) await this.#commitNow();
  }

  /** issue 10: the end of a multi-statement message's implicit transaction (commits, or rolls back after an error). */
  async endImplicit(error: boolean): Promise<void> {
    if (this.#explicit || this.#manager.state(this.#session) === 'idle') return;
    if (error) this.#rollbackNow();
    else await this.#commitNow();
  }

  /** issue 10: PreventInTransactionBlock refuses inside an implicit block too (IsTransactionBlock). */
  get implicitOpen(): boolean {
    return this.#inImplicit;
  }

  /** issue 10: an implicit transaction of a multi-statement message is open. */
  get #inImplicit(): boolean {
    return this.implicit && !this.#explicit && this.#manager.state(this.#session) !== 'idle';
  }

  /** BEGIN / START TRANSACTION [ISOLATION LEVEL ...]. */
  begin(
    isolation: IsolationLevel | undefined,
    notices: MvccNotice[],
    readOnly: boolean | undefined = undefined,
  ): void {
    const state = this.#manager.state(this.#session);
    if (this.#inImplicit) {
      // issue 10: BEGIN inside a multi-statement message: the statements before it join the block
      const ro = readOnly ?? this.#settings.get('default_transaction_read_only') === true;
      this.#settings.set('transaction_read_only', ro ? 'on' : 'off', true);
      this.#explicit = true;
      this.#savepoints = [];
      this.#statements = 0;
      return;
    }
    if (state !== 'idle' && this.#explicit) {
      if (state === 'failed') {
        throw new EngineError(
          '25P02',
          'current transaction is aborted, commands ignored until end of transaction block',
        );
      }
      notices.push({ severity: 'WARNING', message: 'there is already a transaction in progress' });
      return;
    }
    this.#manager.begin(this.#session, isolation ?? this.#defaultIsolation());
    this.#settings.beginTransaction();
    // XactReadOnly: the option, else default_transaction_read_only; undone at the end
    const ro = readOnly ?? this.#settings.get('default_transaction_read_only') === true;
    this.#settings.set('transaction_read_only', ro ? 'on' : 'off', true);
    this.#explicit = true;
    this.#savepoints = [];
    this.#statements = 0;
  }

  /** SET TRANSACTION ISOLATION LEVEL inside a block, before its first query. */
  setIsolation(isolation: IsolationLevel, notices: MvccNotice[]): void {
    if (!this.inBlock) {
      notices.push({
        severity: 'WARNING',
        message: 'SET TRANSACTION can only be used in transaction blocks',
      });
      return;
    }
    if (this.#manager.isolation(this.#session) === isolation) return;
    // This statement itself was counted by startStatement.
    if (this.#statements > 1) {
      throw new EngineError(
        '25001',
        'SET TRANSACTION ISOLATION LEVEL must be called before any query',
      );
    }
    if (isolation === 'serializable') {
      throw new EngineError('0A000', 'SERIALIZABLE isolation is not supported yet');
    }
    // Nothing has run in the block yet: start it again at the new level.
    this.#manager.rollback(this.#session);
    this.#manager.begin(this.#session, isolation);
  }

  /** COMMIT / END: the tag is ROLLBACK when the block had failed. */
  async commit(notices: MvccNotice[]): Promise<'COMMIT' | 'ROLLBACK'> {
    if (this.#inImplicit) {
      // issue 10: COMMIT ends a multi-statement message's implicit transaction, with a warning
      notices.push({ severity: 'WARNING', message: 'there is no transaction in progress' });
      await this.#commitNow();
      return 'COMMIT';
    }
    if (!this.inBlock) {
      notices.push({ severity: 'WARNING', message: 'there is no transaction in progress' });
      return 'COMMIT';
    }
    const failed = this.failed;
    if (failed) {
      this.#rollbackNow();
      return 'ROLLBACK';
    }
    await this.#commitNow();
    return 'COMMIT';
  }

  /** ROLLBACK / ABORT. */
  rollback(notices: MvccNotice[]): void {
    if (this.#inImplicit) {
      // issue 10: ROLLBACK undoes a multi-statement message's implicit transaction, with a warning
      notices.push({ severity: 'WARNING', message: 'there is no transaction in progress' });
      this.#rollbackNow();
      return;
    }
    if (!this.inBlock) {
      notices.push({ severity: 'WARNING', message: 'there is no transaction in progress' });
      return;
    }
    this.#rollbackNow();
  }

  savepoint(name: string): void {
    this.#requireBlock('SAVEPOINT');
    this.#manager.savepoint(this.#session, name);
    this.#savepoints.push({ name, level: this.#settings.savepoint() });
    this.#hooks.atSubBegin?.(this.#session);
  }

  release(name: string): void {
    this.#requireBlock('RELEASE SAVEPOINT');
    const at = this.#find(name);
    this.#manager.releaseSavepoint(this.#session, name);
    const sp = this.#savepoints[at];
    if (sp !== undefined) this.#settings.releaseSavepoint(sp.level);
    // the named savepoint and every one inside it end, their actions merged outwards
    for (let k = this.#savepoints.length; k > at; k--) this.#hooks.atSubCommit?.(this.#session);
    this.#savepoints = this.#savepoints.slice(0, at);
  }

  rollbackTo(name: string): void {
    this.#requireBlock('ROLLBACK TO SAVEPOINT');
    const at = this.#find(name);
    this.#manager.rollbackToSavepoint(this.#session, name);
    const sp = this.#savepoints[at];
    if (sp !== undefined) this.#settings.rollbackToSavepoint(sp.level);
    // the savepoints inside it end rolled back; it is rolled back and stays open, afresh
    for (let k = this.#savepoints.length; k > at; k--) this.#hooks.atSubAbort?.(this.#session);
    this.#savepoints = this.#savepoints.slice(0, at + 1);
    this.#hooks.atSubBegin?.(this.#session);
  }

  /** The session ends (disconnect): an open transaction rolls back. */
  abandon(): void {
    if (this.#manager.state(this.#session) !== 'idle') this.#rollbackNow();
  }

  #find(name: string): number {
    for (let k = this.#savepoints.length - 1; k >= 0; k--) {
      if (this.#savepoints[k]?.name === name) return k;
    }
    throw new EngineError('3B001', `savepoint "${name}" does not exist`);
  }

  #requireBlock(what: string): void {
    if (!this.inBlock) {
      throw new EngineError('25P01', `${what} can only be used in transaction blocks`);
    }
  }

  #defaultIsolation(): IsolationLevel {
    const level = String(this.#settings.get('default_transaction_isolation'));
    if (level === 'repeatable read') return 'repeatable read';
    if (level === 'serializable') return 'serializable';
    return 'read committed';
  }

  async #commitNow(): Promise<void> {
    if (this.#hooks.preCommit !== undefined) {
      try {
        await this.#hooks.preCommit(this.#session); // issue 9 (F)
      } catch (err) {
        this.#rollbackNow();
        throw err;
      }
    }
    const outcome = await this.#manager.commit(this.#session);
    this.#settings.endTransaction(outcome === 'COMMIT');
    this.#savepoints = [];
    this.#explicit = false;
    this.#hooks.atEnd(this.#session, outcome === 'COMMIT');
  }

  #rollbackNow(): void {
    this.#manager.rollback(this.#session);
    this.#settings.endTransaction(false);
    this.#savepoints = [];
    this.#explicit = false;
    this.#hooks.atEnd(this.#session, false);
  }
}
