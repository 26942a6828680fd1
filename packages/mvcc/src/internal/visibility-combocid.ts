/**
 * Combo command ids (PostgreSQL 15's utils/time/combocid.c). A tuple header
 * has one t_cid field; when a transaction deletes a row version it inserted
 * itself, it needs both the inserting command (cmin) and the deleting one
 * (cmax). It then stores a combo id, an index into this backend-local table
 * of (cmin, cmax) pairs, and sets HEAP_COMBOCID. Only the transaction that
 * made the tuple ever reads its cid, so the table lives and dies with the
 * transaction (AtEOXact_ComboCid) and is never written anywhere.
 */
import type { CommandId } from './snapshot.js';
import { ERRCODE_DATA_CORRUPTED, MvccError } from './xid-errors.js';

export class ComboCids {
  readonly #pairs: { cmin: CommandId; cmax: CommandId }[] = [];
  readonly #index = new Map<string, CommandId>();

  /** GetComboCommandId: the combo id for (cmin, cmax), made on first use. */
  getComboCommandId(cmin: CommandId, cmax: CommandId): CommandId {
    const key = `${cmin}:${cmax}`;
    const known = this.#index.get(key);
    if (known !== undefined) return known;
    const combo = this.#pairs.length;
    this.#pairs.push({ cmin, cmax });
    this.#index.set(key, combo);
    return combo;
  }

  /** GetRealCmin. */
  getRealCmin(combo: CommandId): CommandId {
    return this.#mustGet(combo).cmin;
  }

  /** GetRealCmax. */
  getRealCmax(combo: CommandId): CommandId {
    return this.#mustGet(combo).cmax;
  }

  /** AtEOXact_ComboCid: forget every pair (the transaction ended). */
  reset(): void {
    this.#pairs.length = 0;
    this.#index.clear();
  }

  /** how many combo ids exist */
  get size(): number {
    return this.#pairs.length;
  }

  #mustGet(combo: CommandId): { cmin: CommandId; cmax: CommandId } {
    const pair = this.#pairs[combo];
    if (pair === undefined) {
      throw new MvccError(ERRCODE_DATA_CORRUPTED, `combo command id ${combo} is not known`);
    }
    return pair;
  }
}
