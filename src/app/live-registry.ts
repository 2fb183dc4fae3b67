/** Use case: a live registry — its topology, replicas and a pull-metric summary over `days` days. */
import { METRIC_DAYS, monthlyPulls, storageGiBFromMetrics, topologyFromLive } from '../model/live';
import { formatRegistryResourceId } from '../model/registry-id';
import type { ArmAdapters } from './ports/arm';

export { METRIC_DAYS };

export interface LiveRegistryInput {
  /** Path segments, already checked (src/model/registry-id.ts rules). */
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  /** Metric window, 1–93 days. */
  days: number;
}

export async function liveRegistry(deps: { arm(): ArmAdapters }, input: LiveRegistryInput) {
  const id = formatRegistryResourceId(input.subscriptionId, input.resourceGroup, input.name);
  const { topology, metrics } = deps.arm();
  const [live, summary] = await Promise.all([topology.getRegistry(id), metrics.getPullSummary(id, { days: input.days })]);
  const pulls = monthlyPulls(summary);
  return {
    id: live.id,
    name: live.name,
    loginServer: live.loginServer,
    topology: topologyFromLive(live, { view: 'planning' }),
    replicas: live.replicas,
    metrics: {
      ...summary,
      pullsPerMonth: pulls === null ? null : Math.round(pulls),
      storageGiB: storageGiBFromMetrics(summary, live.location),
      note: 'Azure Monitor has no bytes-pulled metric and no per-region split of pulls; pullsPerMonth scales the daily average to a 730-hour month.',
    },
  };
}
