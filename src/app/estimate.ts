/** Use case: the monthly cost of a topology (explicit or live), line by line. */
import { buildEstimate } from '../model/estimate';
import { outageOf } from '../model/outage';
import type { EstimateRequest } from '../schemas/estimate';
import { planningInput, type PlanningInputDeps } from './planning-input';

export type EstimateDeps = PlanningInputDeps;

export async function estimate(deps: EstimateDeps, input: { request: EstimateRequest }) {
  const p = await planningInput(deps, { request: input.request });
  return {
    ...buildEstimate(p.costInput, deps.catalog, p.prices, p.estimateOptions),
    outage: outageOf(p.costInput, deps.catalog, p.prices),
  };
}
