/** Registers the datetime family's types, functions, operators and casts. */
import type { Registry } from '../core/registry.js';

export function register(_r: Registry): void {}
