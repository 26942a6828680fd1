/** Registers the text family: text, varchar, bpchar, name, bytea, uuid. */
import { fn, registerComparisons } from '../core/define.js';
import { TypeOid } from '../core/oids.js';
import type { Registry } from '../core/registry.js';
import { checkText, textType } from './text.js';

const { text, int4 } = TypeOid;

export function register(r: Registry): void {
  r.addType(textType);
  registerComparisons(r, textType, 'text', 'bttextcmp');
  fn(r, 'textcat', [text, text], text, ([a, b]: string[]) => checkText(a! + b!), {
    operator: '||',
  });
  fn(r, 'length', [text], int4, ([a]: string[]) => [...a!].length);
}
