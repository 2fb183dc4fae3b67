/** The deps of the drift use cases, from the services, with the invocation's log. */
import type { InvocationContext } from '@azure/functions';
import type { Services } from '../composition';
import type { DriftDeps } from '../app/drift-deps';

export function driftDeps(services: Services, context: Pick<InvocationContext, 'log' | 'warn' | 'error'>): DriftDeps {
  const drift = services.drift;
  return {
    settings: services.settings.drift,
    reports: drift.reports,
    fleetSnapshots: drift.fleetSnapshots,
    queue: drift.queue,
    planStore: () => drift.planStore(),
    armLimiter: drift.armLimiter,
    arm: () => services.arm(),
    inventory: () => drift.inventory(),
    batchMetrics: () => drift.batchMetrics(),
    armBudget: drift.armBudget,
    solver: () => services.solver(),
    catalog: services.catalog,
    prices: () => services.prices(),
    now: () => services.now(),
    webhook: services.webhook,
    fetch: services.fetch,
    sleep: (ms) => services.sleep(ms),
    log: { log: (m) => context.log(m), warn: (m) => context.warn(m), error: (m) => context.error(m) },
  };
}
