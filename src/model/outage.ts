/**
 * The outage section of an answer (issue #14 contract): for every single
 * location that fails, where Traffic Manager sends its workloads (their next
 * lowest-latency enabled location, the rule of cost.ts), their latency before
 * and after, the workloads left with no registry at all, and the monthly cost
 * of that failover state if it lasted. Pure: no I/O.
 *
 * Billing assumption: the failed location is still billed (registry units and
 * storage) while it is down, so only the transfer changes; a workload left
 * with no location pulls nothing, so it transfers nothing while it lasts.
 */
import type { Catalog } from './catalog';
import { locationsOf, monthlyCost, servePushes, serveWorkloadsFrom, sumOrNull, totalOf, type CostBreakdown, type CostInput, type PushCost, type WorkloadCost } from './cost';
import { money, presentMonthlyCost } from './estimate';
import type { PriceBook } from './types';

export const OUTAGE_SCENARIO = 'any-one-location' as const;

export interface OutageOptions {
  /** ms round trip: the resilience objective; moves are checked against it (withinMaxMs). */
  maxMs?: number;
}

export interface OutageMove {
  workload: string;
  from: string;
  /** The location that serves it while `from` is down; null = no registry at all. */
  to: string | null;
  latencyMsBefore: number | null;
  latencyMsAfter: number | null;
  /** null when no maxMs was asked. */
  withinMaxMs: boolean | null;
}

export interface OutageLocation {
  location: string;
  role: 'home' | 'replica';
  moves: OutageMove[];
  /** Workload ids with no registry at all while `location` is down. */
  unserved: string[];
  /** Push sites (pushRegions) that move; only when push sites were given. */
  pushMoves?: OutageMove[];
  monthlyCost: ReturnType<typeof presentMonthlyCost>;
  /** Failover state − normal state, currency per month; null when a moved volume is unknown. */
  monthlyCostDelta: number | null;
  notes?: string[];
}

export interface OutageSection {
  scenario: typeof OUTAGE_SCENARIO;
  maxMs: number | null;
  assumptions: string[];
  locations: OutageLocation[];
  survivesAnyOneLocation: boolean;
  unservedWorkloadsWorstCase: number;
}

export function outageAssumptions(home: string): string[] {
  return [
    'One location fails at a time (a regional outage); zone redundancy protects a location against a zone failure, not against this.',
    'Traffic Manager routes each workload (and each push) to its lowest-latency remaining enabled location, ties on lower transfer rate then region name (the rule of the estimate).',
    'The failed location is still billed (registry units + storage) while it is down, so only the transfer changes; monthlyCost is the failover state\'s cost if it lasted a whole month, monthlyCostDelta = failover − normal.',
    'A workload with no enabled location left is unserved: its pulls fail, so it transfers nothing while the outage lasts.',
    `Home outage (${home}): pulls and pushes keep working from the replicas, but management operations (replications, network rules, webhooks) fail until it returns.`,
    'Replication traffic between locations is not billed; images pushed while a location is down reach it when it returns (eventual consistency).',
  ];
}

interface Moved {
  move: OutageMove;
  /** Transfer after − before; null = unknown. */
  delta: number | null;
  /** Transfer after the failure (0 when unserved); null = unknown. */
  after: number | null;
}

/**
 * Moves of the items (workloads or pushes) served by `failed`, with their transfer change. Only those
 * items are routed again (`reroute` gets them alone): the others keep their location and cost.
 */
function movesOf<T>(
  before: readonly (WorkloadCost | PushCost)[],
  items: readonly T[],
  reroute: (moved: T[]) => (WorkloadCost | PushCost)[],
  failed: string,
  maxMs: number | undefined,
): { moved: Moved[]; transferAfter: (number | null)[] } {
  const idx = before.flatMap((b, i) => (b.servedBy === failed ? [i] : []));
  const rerouted = reroute(idx.map((i) => items[i] as T));
  const afterOf = new Map(idx.map((i, q) => [i, rerouted[q]]));
  const moved: Moved[] = [];
  const transferAfter = before.map((b, i): number | null => {
    const a = afterOf.get(i);
    if (!a) return b.cost;
    const afterCost = a.servedBy === null ? 0 : a.cost;
    const within = maxMs === undefined ? null : a.latencyMs !== null && a.servedBy !== null && a.latencyMs <= maxMs;
    moved.push({
      move: { workload: b.id, from: failed, to: a.servedBy, latencyMsBefore: b.latencyMs, latencyMsAfter: a.servedBy === null ? null : a.latencyMs, withinMaxMs: within },
      delta: afterCost === null || b.cost === null ? null : afterCost - b.cost,
      after: afterCost,
    });
    return afterCost;
  });
  return { moved, transferAfter };
}

function notesOf(location: string, role: 'home' | 'replica', enabledAfter: readonly string[], input: CostInput, unserved: readonly string[]): string[] {
  const notes: string[] = [];
  const replica = input.topology.replicas.find((r) => r.region === location);
  if (role === 'home') {
    notes.push(
      enabledAfter.length === 0
        ? `home-only registry (no enabled replica): while ${location} is down nothing serves pulls or pushes, and management operations fail too`
        : `management operations (replications, network rules, webhooks) fail while the home region ${location} is down; pulls and pushes keep working from ${enabledAfter.join(', ')}`,
    );
  } else if (replica && !replica.regionEndpointEnabled) {
    notes.push('regionEndpointEnabled=false: Traffic Manager routes nothing here, so its failure moves no workload (it is still billed)');
  }
  if (unserved.length) notes.push(`${unserved.length} workload(s) have no registry at all while ${location} is down: ${unserved.join(', ')}`);
  return notes;
}

/** The failover state of one location. */
function failureOf(location: string, role: 'home' | 'replica', input: CostInput, normal: CostBreakdown, enabled: readonly string[], catalog: Catalog, prices: PriceBook, maxMs: number | undefined): OutageLocation {
  const enabledAfter = enabled.filter((l) => l !== location);
  const w = movesOf(normal.workloads, input.workloads, (ws) => serveWorkloadsFrom(enabledAfter, ws, catalog, prices), location, maxMs);
  const p = normal.pushes ? movesOf(normal.pushes, input.pushes ?? [], (ps) => servePushes(enabledAfter, ps, catalog, prices), location, maxMs) : undefined;
  const moves = w.moved.map((m) => m.move);
  const unserved = moves.filter((m) => m.to === null).map((m) => m.workload);
  const totals = totalOf([
    ['registryUnits', normal.registryUnits],
    ['storage', normal.storage],
    ['dataTransfer', sumOrNull(w.transferAfter)],
    ['pushTransfer', p ? sumOrNull(p.transferAfter) : undefined],
  ]);
  const delta = sumOrNull([...w.moved, ...(p?.moved ?? [])].map((m) => m.delta));
  const notes = notesOf(location, role, enabledAfter, input, unserved);
  return {
    location,
    role,
    moves,
    unserved,
    ...(p ? { pushMoves: p.moved.map((m) => m.move) } : {}),
    monthlyCost: presentMonthlyCost({
      ...totals,
      registryUnits: normal.registryUnits,
      storage: normal.storage,
      dataTransfer: sumOrNull(w.transferAfter),
      ...(p ? { pushTransfer: sumOrNull(p.transferAfter) } : {}),
    }),
    monthlyCostDelta: delta === null ? null : money(delta),
    ...(notes.length ? { notes } : {}),
  };
}

/** The outage section: every location of the topology failing, one at a time. */
export function outageOf(input: CostInput, catalog: Catalog, prices: PriceBook, opts: OutageOptions = {}): OutageSection {
  const normal = monthlyCost(input, catalog, prices);
  const { all, enabled } = locationsOf(input.topology);
  const locations = all.map((l, i) => failureOf(l, i === 0 ? 'home' : 'replica', input, normal, enabled, catalog, prices, opts.maxMs));
  const survives = locations.every((l) => l.unserved.length === 0 && (opts.maxMs === undefined || l.moves.every((m) => m.withinMaxMs === true)));
  return {
    scenario: OUTAGE_SCENARIO,
    maxMs: opts.maxMs ?? null,
    assumptions: outageAssumptions(input.topology.homeRegion),
    locations,
    survivesAnyOneLocation: survives,
    unservedWorkloadsWorstCase: Math.max(0, ...locations.map((l) => l.unserved.length)),
  };
}
