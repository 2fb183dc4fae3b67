/**
 * The seam between the planning handlers and a live registry: when the body
 * names `registry.id`, its topology and pull metrics come from Azure Resource
 * Manager through the ports in src/azure (wired in services).
 */
import type { RequestContext } from '../http/endpoint';
import { ServiceUnavailableError } from '../http/problem';
import type { IssueCollector, ResolvedTopology, WorkloadDefaults } from '../model/inputs';
import type { RegistryInput } from '../schemas/estimate';

export interface LiveContext {
  registryId: string;
  resolved(replicasOverride: unknown, out: IssueCollector): ResolvedTopology | undefined;
  workloadDefaults: WorkloadDefaults;
  assumptions: string[];
}

export async function resolveLiveContext(_rc: RequestContext, registry: RegistryInput, _out: IssueCollector): Promise<LiveContext | undefined> {
  if (registry.id === undefined) return undefined;
  throw new ServiceUnavailableError('Reading live registries is not wired into this build yet; give registry.homeRegion and replicas instead.');
}
