/**
 * SQL-level cursors: DECLARE, FETCH, MOVE and CLOSE (PostgreSQL's
 * portalcmds.c and pquery.c's DoPortalRunFetch).
 *
 * A cursor here holds its query's whole result, computed at DECLARE under
 * the statement's snapshot, which is what PostgreSQL's cursor sees too (an
 * INSENSITIVE view of the data as of DECLARE); PostgreSQL computes rows as
 * they are fetched, so a cursor over a large table costs memory here that
 * it does not cost there. A position runs from 0 (before the first row)
 * through 1..n (on a row) to n + 1 (after the last), as a portal's.
 *
 * Cursors belong to the transaction that declared them: they close when it
 * ends (or when the subtransaction that declared them rolls back), except
 * WITH HOLD cursors, which outlive its commit.
 */
import type { PNode } from '@pg/sql';
import { EngineError, type FieldDescription } from './result.js';

/** The result of a statement, as the session shapes it. */
export interface CursorOutcome {
  readonly command: string;
  readonly rowCount: number | null;
  readonly fields: readonly FieldDescription[];
  readonly rows: readonly (readonly unknown[])[];
}

// DeclareCursorStmt.options (parsenodes.h)
const CURSOR_OPT_BINARY = 0x1;
const CURSOR_OPT_SCROLL = 0x2;
const CURSOR_OPT_NO_SCROLL = 0x4;
const CURSOR_OPT_HOLD = 0x20;

/** FETCH ALL as the parser gives it. */
const FETCH_ALL = 2147483647;

interface Cursor {
  readonly name: string;
  readonly statement: string;
  readonly fields: readonly FieldDescription[];
  readonly rows: readonly (readonly unknown[])[];
  readonly holdable: boolean;
  readonly binary: boolean;
  /** NO SCROLL: only forward movement. */
  readonly noScroll: boolean;
  readonly scroll: boolean;
  readonly created: Date;
  /** The subtransaction level that declared it (0: committed WITH HOLD, outside any transaction). */
  level: number;
  position: number;
}

/** A row of pg_cursors. */
export interface CursorRow {
  readonly name: string;
  readonly statement: string;
  readonly isHoldable: boolean;
  readonly isBinary: boolean;
  readonly isScrollable: boolean;
  readonly creationTime: Date;
}

export class SessionCursors {
  readonly #byName = new Map<string, Cursor>();
  /** The current subtransaction nesting: 1 in a top-level transaction. */
  #level = 1;

  /** Checks DECLARE before its query runs: the block rule and a free name. */
  checkDeclare(body: PNode, inBlock: boolean): void {
    const name = String(body.portalname);
    const options = Number(body.options ?? 0);
    if ((options & CURSOR_OPT_HOLD) === 0 && !inBlock) {
      throw new EngineError('25P01', 'DECLARE CURSOR can only be used in transaction blocks');
    }
    if (this.#byName.has(name)) throw new EngineError('42P03', `cursor "${name}" already exists`);
    if ((options & CURSOR_OPT_SCROLL) !== 0 && (options & CURSOR_OPT_NO_SCROLL) !== 0) {
      throw new EngineError('42601', 'cannot specify both SCROLL and NO SCROLL');
    }
  }

  /** DECLARE name CURSOR FOR query, with the query's result. */
  declare(body: PNode, statement: string, result: CursorOutcome): void {
    const name = String(body.portalname);
    const options = Number(body.options ?? 0);
    this.#byName.set(name, {
      name,
      statement,
      fields: result.fields,
      rows: result.rows,
      holdable: (options & CURSOR_OPT_HOLD) !== 0,
      binary: (options & CURSOR_OPT_BINARY) !== 0,
      noScroll: (options & CURSOR_OPT_NO_SCROLL) !== 0,
      scroll: (options & CURSOR_OPT_SCROLL) !== 0,
      created: new Date(),
      level: this.#level,
      position: 0,
    });
  }

  /** FETCH / MOVE. */
  fetch(body: PNode): CursorOutcome {
    const name = String(body.portalname);
    const c = this.#byName.get(name);
    if (c === undefined) throw new EngineError('34000', `cursor "${name}" does not exist`);
    const isMove = body.ismove === true;
    const direction = String(body.direction ?? 'FETCH_FORWARD');
    const howMany = Number(body.howMany ?? 0);
    const rows = this.#move(c, direction, howMany);
    const tag = isMove ? 'MOVE' : 'FETCH';
    return {
      command: `${tag} ${rows.length}`,
      rowCount: rows.length,
      fields: isMove ? [] : c.fields,
      rows: isMove ? [] : rows,
    };
  }

  /** CLOSE name | CLOSE ALL. */
  close(body: PNode): void {
    if (body.portalname === undefined) {
      this.#byName.clear();
      return;
    }
    const name = String(body.portalname);
    if (!this.#byName.delete(name)) {
      throw new EngineError('34000', `cursor "${name}" does not exist`);
    }
  }

  subBegin(): void {
    this.#level++;
  }

  subCommit(): void {
    for (const c of this.#byName.values()) if (c.level === this.#level) c.level--;
    this.#level--;
  }

  subAbort(): void {
    for (const [name, c] of this.#byName) if (c.level >= this.#level) this.#byName.delete(name);
    this.#level--;
  }

  /** Transaction end: WITH HOLD cursors survive a commit, everything else closes. */
  atEnd(committed: boolean): void {
    for (const [name, c] of this.#byName) {
      if (c.level === 0) continue;
      if (committed && c.holdable) c.level = 0;
      else this.#byName.delete(name);
    }
    this.#level = 1;
  }

  /** pg_cursors. */
  list(): CursorRow[] {
    return [...this.#byName.values()].map((c) => ({
      name: c.name,
      statement: c.statement,
      isHoldable: c.holdable,
      isBinary: c.binary,
      isScrollable: c.scroll || !c.noScroll,
      creationTime: c.created,
    }));
  }

  /** DoPortalRunFetch: moves `c` and returns the rows passed over (in the order met). */
  #move(c: Cursor, direction: string, howMany: number): (readonly unknown[])[] {
    const n = c.rows.length;
    const goTo = (target: number): (readonly unknown[])[] => {
      const pos = Math.max(0, Math.min(n + 1, target));
      if (pos < c.position) this.#checkBackward(c);
      c.position = pos;
      return pos >= 1 && pos <= n ? [[...(c.rows[pos - 1] as unknown[])]] : [];
    };
    switch (direction) {
      case 'FETCH_ABSOLUTE':
        if (howMany > 0) return goTo(howMany);
        if (howMany < 0) return goTo(n + 1 + howMany);
        return goTo(0);
      case 'FETCH_RELATIVE':
        if (howMany === 0) return goTo(c.position);
        return goTo(c.position + howMany);
      case 'FETCH_BACKWARD': {
        if (howMany === 0) return goTo(c.position);
        this.#checkBackward(c);
        const count = howMany >= FETCH_ALL ? n + 1 : howMany;
        const out: (readonly unknown[])[] = [];
        let pos = c.position;
        while (out.length < count && pos > 1) {
          pos--;
          out.push([...(c.rows[pos - 1] as unknown[])]);
        }
        c.position = out.length < count ? 0 : pos;
        return out;
      }
      default: {
        if (howMany === 0) return goTo(c.position);
        const count = howMany >= FETCH_ALL ? n + 1 : howMany;
        const out: (readonly unknown[])[] = [];
        let pos = c.position;
        while (out.length < count && pos < n) {
          pos++;
          out.push([...(c.rows[pos - 1] as unknown[])]);
        }
        c.position = out.length < count ? n + 1 : pos;
        return out;
      }
    }
  }

  #checkBackward(c: Cursor): void {
    if (c.noScroll) {
      throw new EngineError('55000', 'cursor can only scan forward', {
        hint: 'Declare it with SCROLL option to enable backward scan.',
      });
    }
  }
}
