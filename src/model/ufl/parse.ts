/**
 * Parsers for the UFL benchmark formats (see shared/bench/ufl/README.md). Pure: strings in, instances out.
 *
 * - OR-Library `cap` files: a whitespace token stream
 *   `m n`, then m pairs `capacity fixedcost` (capacity may be the literal word `capacity`; ignored),
 *   then for each customer: `demand` (ignored) and m costs c_{i,j}. c_{i,j} is the WHOLE assignment
 *   cost (not multiplied by demand).
 * - UflLib "simple" files: `FILE: name`, then `n m 0`, then one line per facility `index f c_1..c_m`.
 */
import type { ParsedUfl } from './types.js';

function tokens(text: string): string[] {
  return text.split(/\s+/).filter((t) => t.length > 0);
}

function num(tok: string | undefined, what: string): number {
  if (tok === undefined) throw new Error(`UFL parse: unexpected end of input reading ${what}`);
  const v = Number(tok);
  if (!Number.isFinite(v)) throw new Error(`UFL parse: ${what} is not a number: '${tok}'`);
  return v;
}

function count(tok: string | undefined, what: string): number {
  const v = num(tok, what);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`UFL parse: ${what} must be a positive integer, got '${tok}'`);
  return v;
}

/** Parses an OR-Library uncapacitated `cap` file (cap71..cap134, capa/b/c). */
export function parseOrlibCap(text: string, name = 'orlib'): ParsedUfl {
  const t = tokens(text);
  let p = 0;
  const nF = count(t[p++], 'number of warehouses');
  const nC = count(t[p++], 'number of customers');
  const expected = 2 + 2 * nF + nC * (1 + nF);
  if (t.length !== expected) {
    throw new Error(`UFL parse: ${name}: expected ${expected} tokens for ${nF}x${nC}, found ${t.length}`);
  }
  const openCost = new Float64Array(nF);
  for (let i = 0; i < nF; i++) {
    p++; // capacity: a number or the literal word `capacity`; ignored (uncapacitated)
    openCost[i] = num(t[p++], `fixed cost of warehouse ${i + 1}`);
  }
  const cost = new Float64Array(nF * nC);
  for (let j = 0; j < nC; j++) {
    num(t[p++], `demand of customer ${j + 1}`); // ignored: c_ij is already the whole cost
    for (let i = 0; i < nF; i++) cost[i * nC + j] = num(t[p++], `cost c(${i + 1},${j + 1})`);
  }
  return { name, instance: { nFacilities: nF, nClients: nC, openCost, cost } };
}

/** Parses a UflLib "FILE:" instance (Bilde-Krarup, Euclid, Chess, Gap, FPP, ...). */
export function parseUflLib(text: string): ParsedUfl {
  const nl = text.indexOf('\n');
  const first = (nl < 0 ? text : text.slice(0, nl)).trim();
  if (!first.startsWith('FILE:')) throw new Error(`UFL parse: UflLib file must start with 'FILE:', got '${first.slice(0, 40)}'`);
  const name = first.slice(5).trim();
  const t = tokens(nl < 0 ? '' : text.slice(nl + 1));
  let p = 0;
  const nF = count(t[p++], 'number of facilities');
  const nC = count(t[p++], 'number of customers');
  p++; // literal 0
  const expected = 3 + nF * (2 + nC);
  if (t.length !== expected) {
    throw new Error(`UFL parse: ${name}: expected ${expected} tokens for ${nF}x${nC}, found ${t.length}`);
  }
  const openCost = new Float64Array(nF);
  const cost = new Float64Array(nF * nC);
  for (let i = 0; i < nF; i++) {
    const idx = num(t[p++], `index of facility ${i + 1}`);
    if (idx !== i + 1) throw new Error(`UFL parse: ${name}: facility line ${i + 1} has index ${idx}`);
    openCost[i] = num(t[p++], `opening cost of facility ${i + 1}`);
    for (let j = 0; j < nC; j++) cost[i * nC + j] = num(t[p++], `cost c(${i + 1},${j + 1})`);
  }
  return { name, instance: { nFacilities: nF, nClients: nC, openCost, cost } };
}

/** Parses a `.opt` file: one 0-based facility index per customer, then the objective value. */
export function parseOpt(text: string): { assignment: number[]; objective: number } {
  const t = tokens(text).map((x, k) => num(x, `token ${k + 1} of .opt`));
  const objective = t.pop();
  if (objective === undefined) throw new Error('UFL parse: empty .opt file');
  return { assignment: t, objective };
}
