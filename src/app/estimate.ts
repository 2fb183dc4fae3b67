/** Use case: the monthly cost of a topology (explicit or live), line by line. */
import { buildEstimate } from '../model/estimate';
import { answerSections } from '../model/answer-sections';
import type { EstimateRequest } from '../schemas/estimate';
import { planningInput, type PlanningInputDeps } from './planning-input';

export type EstimateDeps = PlanningInputDeps;

export async function estimate(deps: EstimateDeps, input: { request: EstimateRequest }) {
  const p = await planningInput(deps, { request: input.request });
  const est = buildEstimate(p.costInput, deps.catalog, p.prices, p.estimateOptions);
  const sections = answerSections(p.costInput, deps.catalog, p.prices, p.live ? { registryName: p.live.live.name } : {});
  return { ...est, ...sections, warnings: [...est.warnings, ...(sections.push?.warnings ?? [])] };
}
