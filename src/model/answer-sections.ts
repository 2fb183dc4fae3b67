/**
 * The issue #14 sections every planning answer carries (estimate and
 * recommendations): the outage section, the push section (only with
 * pushRegions) and the zone redundancy advice. Pure: no I/O.
 */
import type { Catalog } from './catalog';
import { monthlyCost, type CostInput } from './cost';
import { outageOf, type OutageSection } from './outage';
import { pushSectionOf, type PushSection } from './push';
import type { PriceBook } from './types';
import { zoneRedundancyAdvice, type ZoneRedundancyAdvice } from './zones';

export interface SectionOptions {
  /** ms: the resilience objective the outage moves are checked against. */
  maxMs?: number;
  /** The registry's name, for the az commands of the split-push mitigation. */
  registryName?: string;
  /** Locations that exist today (zone advice: re-create vs. create zone redundant); omitted: all exist. */
  existing?: ReadonlySet<string>;
}

export interface AnswerSections {
  outage: OutageSection;
  push?: PushSection;
  zoneRedundancy: ZoneRedundancyAdvice[];
}

export function answerSections(input: CostInput, catalog: Catalog, prices: PriceBook, opts: SectionOptions = {}): AnswerSections {
  const push = pushSectionOf(input, monthlyCost(input, catalog, prices), catalog, prices, { registryName: opts.registryName });
  return {
    outage: outageOf(input, catalog, prices, opts.maxMs === undefined ? {} : { maxMs: opts.maxMs }),
    ...(push ? { push } : {}),
    zoneRedundancy: zoneRedundancyAdvice(input.topology, catalog, opts.existing),
  };
}

/** The sections of a recommendation: the recommended topology's (outage, push, zone advice) and the current one's outage. */
export function recommendationSections(
  topologies: { recommended: CostInput['topology']; current: CostInput['topology'] },
  input: Omit<CostInput, 'topology'>,
  catalog: Catalog,
  prices: PriceBook,
  opts: Omit<SectionOptions, 'existing'> = {},
): { recommended: AnswerSections; current: Pick<AnswerSections, 'outage'> } {
  const { current } = topologies;
  const existing = new Set([current.homeRegion, ...current.replicas.map((r) => r.region)]);
  return {
    recommended: answerSections({ ...input, topology: topologies.recommended }, catalog, prices, { ...opts, existing }),
    current: { outage: outageOf({ ...input, topology: current }, catalog, prices, opts.maxMs === undefined ? {} : { maxMs: opts.maxMs }) },
  };
}
