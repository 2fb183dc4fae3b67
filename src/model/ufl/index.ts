/** Exact UFL solver core: types, parsers, solver. */
export type * from './types.js';
export { parseOrlibCap, parseUflLib, parseOpt } from './parse.js';
export { countProbe, solveUfl, solveForEachCount } from './solve.js';
export { evaluateOpenSet } from './evaluate.js';
