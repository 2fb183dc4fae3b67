/** Objective of a given open set, for callers and tests. Pure. */
import { evaluateMask, prepare } from './prepare.js';
import type { UflInstance } from './types.js';

/**
 * Exact objective of opening exactly `open` (serving rule: preference order when `prefs` is given,
 * else cheapest open), with every side constraint checked. Returns Infinity and assignment -1 entries
 * when the set is infeasible.
 */
export function evaluateOpenSet(inst: UflInstance, open: readonly number[]): { objective: number; assignment: number[] } {
  const prep = prepare(inst);
  const assignment = new Array<number>(inst.nClients).fill(-1);
  if (!prep.ok) return { objective: Infinity, assignment };
  const mask = new Uint8Array(inst.nFacilities);
  for (const i of open) mask[i] = 1;
  const a = new Int32Array(inst.nClients).fill(-1);
  const objective = evaluateMask(prep.p, mask, a);
  if (objective < Infinity) for (let j = 0; j < inst.nClients; j++) assignment[j] = a[j] as number;
  return { objective, assignment };
}
