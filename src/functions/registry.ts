/**
 * The function table: every function of the app, as data. `src/index.ts`
 * passes it to `app.http`/`app.timer` (Azure, `func start`); the local host
 * mounts the same entries. One list, nothing to keep in step.
 */
import type { HttpEndpoint } from '../http/endpoint';
import type { TriggerFunction } from './triggers';
import { drift, driftHistory, driftRuns } from './drift';
import { fleet } from './fleet';
import { driftCheck, driftCheckPoison } from './drift-check';
import { estimate } from './estimate';
import { health } from './health';
import { mapSvg } from './map-svg';
import { openapi } from './openapi';
import { plan } from './plan';
import { planApply } from './plan-apply';
import { planApprove } from './plan-approve';
import { planExport } from './plan-export';
import { planReject } from './plan-reject';
import { plans } from './plans';
import { plannerPage } from './planner-page';
import { prices } from './prices';
import { recommendations } from './recommendations';
import { regions } from './regions';
import { consolidationExport, consolidations } from './consolidations';
import { registries } from './registries';
import { driftRunFinalize, topologyDrift } from './topology-drift';

export function httpEndpoints(): HttpEndpoint[] {
  return [health, regions, prices, estimate, recommendations, registries, plans, plan, planApprove, planReject, planApply, planExport, consolidations, consolidationExport, mapSvg, plannerPage, drift, driftHistory, driftRuns, fleet, openapi];
}

/** Timer and queue functions (see triggers.ts). */
export function triggerFunctions(): TriggerFunction[] {
  return [topologyDrift, driftCheck, driftCheckPoison, driftRunFinalize];
}
