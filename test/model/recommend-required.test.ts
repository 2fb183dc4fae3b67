/**
 * #14: what a recommended replica is required for, and why the frontier has no plan with k replicas,
 * on hand-made facility-location instances (facility 0 = home) where each answer is known.
 */
import { describe, expect, it } from 'vitest';
import { requiredFor, skippedCountReason, type RecommendConstraints } from '../../src/model/recommend';
import { solveForEachCount, type UflInstance } from '../../src/model/ufl';

const base: RecommendConstraints = { mustInclude: [], exclude: [], zoneRedundancyRequired: false, includeRestricted: false };
const facilities = ['home', 'a', 'b', 'c'];
/** Two clients: latency needs a (client 0) open; resilience needs client 1 to have two open among home, b, c. */
const instance: UflInstance = {
  nFacilities: 4,
  nClients: 2,
  openCost: new Float64Array([0, 1, 1, 1]),
  cost: new Float64Array(8),
  fixedOpen: [0],
  coverage: { sets: [[1], [0, 1, 2, 3]], weights: [1, 1], minCoveredWeight: 2 },
  redundancy: { sets: [[0, 1, 2, 3], [0, 2, 3]], min: 2 },
};
const both: RecommendConstraints = { ...base, latency: { maxMs: 10 }, resilience: { survive: 'any-one-location', maxMs: 50 } };

describe('requiredFor (#14)', () => {
  it('names exactly the constraints that removing one replica breaks', () => {
    expect(requiredFor('a', ['home', 'a', 'b'], instance, facilities, both)).toEqual(['latency']);
    expect(requiredFor('b', ['home', 'a', 'b'], instance, facilities, both)).toEqual(['resilience']);
    expect(requiredFor('b', ['home', 'a', 'b', 'c'], instance, facilities, both)).toEqual([]);
    expect(requiredFor('b', ['home', 'a', 'b', 'c'], instance, facilities, { ...both, minReplicas: 3, mustInclude: ['b'] })).toEqual(['mustInclude', 'minReplicas']);
  });
});

describe('skippedCountReason (#14)', () => {
  it('a count each constraint allows alone but not together is named as the combination', () => {
    const counts = solveForEachCount(instance, 4, { nodeLimit: 1000 });
    // home only: resilience alone rules it out (named by the solve); 1 replica (count 2): a (latency) or b/c (resilience), never both — skipped by the solve
    expect(counts.map((c) => [c.count, c.result.status])).toEqual([[1, 'infeasible'], [3, 'optimal'], [4, 'optimal']]);
    expect(skippedCountReason(instance, 1, both, { deadline: Date.now() + 5000 })).toBe(
      'resilience and latency together: plans with 1 replica can meet the 10 ms latency objective, but none of them also survives any single-location outage within 50 ms',
    );
  });

  it('a count latency alone rules out is latency', () => {
    const noA: UflInstance = { ...instance, fixedClosed: [1] };
    expect(skippedCountReason(noA, 2, both, { deadline: Date.now() + 5000 })).toBe('latency: no plan with 2 replicas meets the 10 ms latency objective');
  });

  it('a count below mustInclude is mustInclude', () => {
    expect(skippedCountReason({ ...instance, fixedOpen: [0, 1, 2] }, 1, both, { deadline: Date.now() + 5000 })).toBe('mustInclude: 2 replicas are required');
  });
});
