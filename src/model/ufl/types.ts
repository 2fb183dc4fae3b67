/**
 * Types of the exact uncapacitated facility location (UFL) solver.
 * Types only: behaviour lives in solve.ts, evaluate.ts, parse.ts.
 *
 * Conventions
 * - Facilities are 0..n-1, clients 0..m-1.
 * - `cost` is a flat Float64Array, ROW-MAJOR BY FACILITY:
 *   `cost[i * nClients + j]` = the whole cost of serving client j from facility i
 *   (not a per-unit cost). `Infinity` means "i can never serve j".
 */

/** A client-coverage side constraint (e.g. "a weighted share of pull volume is served within L ms"). */
export interface UflCoverage {
  /** `sets[j]` = the facilities A_j that "cover" client j (e.g. within L ms of it). */
  sets: readonly (readonly number[])[];
  /** `weights[j]` >= 0, the weight of client j (e.g. its pulled GB/month). */
  weights: readonly number[];
  /** Required total weight of clients with at least one OPEN facility in A_j. */
  minCoveredWeight: number;
}

/**
 * A redundancy (resilience) side constraint: every client j has at least `min` OPEN facilities in
 * `sets[j]` (e.g. min = 2: any single open facility may fail and j still has an open one in its set).
 */
export interface UflRedundancy {
  /** `sets[j]` = the facilities that count for client j (e.g. those that can serve it, or those within L ms). */
  sets: readonly (readonly number[])[];
  /** Open facilities every client needs in its set (integer >= 0). */
  min: number;
}

/** A UFL instance plus optional preference orders and side constraints. */
export interface UflInstance {
  nFacilities: number;
  nClients: number;
  /** Opening cost f_i >= 0 (finite), length nFacilities. */
  openCost: ArrayLike<number>;
  /** Assignment costs, row-major by facility: cost[i * nClients + j]; length n*m. */
  cost: Float64Array;
  /**
   * Optional client preference orders: prefs[j] = facility indices, most preferred first.
   * When given, client j is served by its most preferred OPEN facility (not the cheapest),
   * and facilities absent from prefs[j] (or with an infinite cost) cannot serve j.
   * Without prefs, a client is served by its cheapest open facility (classic UFL).
   */
  prefs?: readonly (readonly number[])[];
  /** Facilities that must be open. */
  fixedOpen?: readonly number[];
  /** Facilities that must be closed. */
  fixedClosed?: readonly number[];
  /** Minimum number of open facilities (counting fixedOpen). At least 1 is always required. */
  minOpen?: number;
  /** Maximum number of open facilities (counting fixedOpen). */
  maxOpen?: number;
  /** Optional coverage constraint. */
  coverage?: UflCoverage;
  /** Optional redundancy constraint (at least `min` open facilities in each client's set). */
  redundancy?: UflRedundancy;
}

/** Limits and knobs of the branch and bound. */
export interface UflOptions {
  /** Stop after this many branch-and-bound nodes (result status 'gap' if not proved). */
  nodeLimit?: number;
  /** Stop after this many milliseconds of wall time (result status 'gap' if not proved). */
  timeLimitMs?: number;
  /**
   * Absolute deadline (epoch ms, as Date.now()): the search, its heuristics included, stops by then
   * whatever timeLimitMs says. One deadline shared by several solves bounds them together.
   */
  deadline?: number;
  /** Initial open sets to seed the incumbent (infeasible ones are ignored). */
  warmStarts?: readonly (readonly number[])[];
}

export type UflStatus = 'optimal' | 'gap' | 'infeasible';

export interface UflResult {
  status: UflStatus;
  /** Open facilities of the best solution found, ascending ([] when none was found). */
  open: number[];
  /** Objective of `open` (Infinity when no feasible solution was found). */
  objective: number;
  /** Proven lower bound on the optimum (equals objective when status is 'optimal'). */
  lowerBound: number;
  /** Relative gap (objective - lowerBound) / max(1, |objective|); 0 when optimal. */
  gap: number;
  /** Branch-and-bound nodes evaluated. */
  nodes: number;
  /** Wall time in milliseconds. */
  ms: number;
  /** assignment[j] = facility serving client j in the best solution (-1 when none). */
  assignment: number[];
  /** Why the instance is infeasible (names the constraint), or why the search stopped. */
  reason?: string;
}

/** One point of the cost/cardinality frontier. */
export interface UflCountResult {
  /** Exact number of open facilities, counting fixedOpen ones. */
  count: number;
  result: UflResult;
}

/** A parsed benchmark instance. */
export interface ParsedUfl {
  name: string;
  instance: UflInstance;
}
