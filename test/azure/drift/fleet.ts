/** Shared fixture of the drift function tests: a 20-registry fleet in the ARM sandbox, 3 of them drifted. */
import { InvocationContext } from '@azure/functions';
import { startArmSandbox, registryResourceId, SANDBOX_SUBSCRIPTION_ID, type ArmSandbox } from '../../../devhost/sandbox';
import type { SeedRegistry } from '../../../devhost/sandbox/types';
import { createServices, type DriftServices, type Services } from '../../../src/composition';
import { readSettings } from '../../../src/settings';
import { InMemoryPlanStore } from '../../../src/azure/store';
import { createPlan } from '../../../src/model/plan/state';
import { InMemoryDriftQueue, InMemoryDriftReportStore, DRIFT_CHECK_QUEUE, DRIFT_RUN_QUEUE } from '../../../src/azure/drift';
import { handleDriftCheck } from '../../../src/functions/drift-check';
import { handleRunFinalize } from '../../../src/functions/topology-drift';
import { closeCheckingFleetContract } from '../../helpers/fleet-contract';

export const RG = 'fleet-rg';
export const id = (name: string) => registryResourceId(name, RG);
export const CONFIG = 'driftconfig1';
export const ECONOMIC = 'drifteconomic1';
export const HEALTH = 'drifthealth1';

/** 17 registries without drift (busy replicas, or Standard home-only) + one drifted registry of each kind. */
export function fleetSeed(): SeedRegistry[] {
  const homes = ['eastus', 'westeurope', 'southeastasia', 'westus2', 'japaneast'];
  const reps = ['northeurope', 'eastus2', 'australiaeast', 'uksouth', 'centralindia'];
  const out: SeedRegistry[] = [];
  for (let i = 1; i <= 17; i++) {
    const premium = i % 3 !== 0;
    out.push({
      resourceGroup: RG,
      name: `fleetok${String(i).padStart(2, '0')}`,
      location: homes[i % homes.length] ?? 'eastus',
      sku: premium ? 'Premium' : 'Standard',
      replicas: premium ? [{ location: reps[i % reps.length] ?? 'northeurope' }] : [],
      metrics: { dailyPulls: 200_000, storageGiB: 40 },
    });
  }
  out.push(
    { resourceGroup: RG, name: CONFIG, location: 'eastus', sku: 'Premium', replicas: [{ location: 'westeurope' }], metrics: { dailyPulls: 200_000, storageGiB: 40 } },
    { resourceGroup: RG, name: ECONOMIC, location: 'eastus', sku: 'Premium', replicas: [{ location: 'westeurope' }], metrics: { dailyPulls: 100, storageGiB: 40 } },
    { resourceGroup: RG, name: HEALTH, location: 'westus2', sku: 'Premium', replicas: [{ location: 'northeurope' }], metrics: { dailyPulls: 200_000, storageGiB: 40 } },
  );
  return out;
}

export interface Fleet {
  sandbox: ArmSandbox;
  services: Services;
  /** The settings the fleet's services were built from (ARM at the sandbox). */
  env: Record<string, string>;
  plans: InMemoryPlanStore;
  close(): Promise<void>;
}

export async function startFleet(): Promise<Fleet> {
  const sandbox = await startArmSandbox({ port: 0, seed: { registries: fleetSeed() } });
  // The health case: a replica still syncing.
  const rec = [...sandbox.state.registries.values()].find((r) => r.name === HEALTH);
  const replica = rec?.replicas.get('northeurope');
  if (!replica) throw new Error('fixture: no replica to make unhealthy');
  replica.displayStatus = 'Syncing';
  const env = { ARM_ENDPOINT: sandbox.url, ARM_STATIC_TOKEN: 'test-token', ARM_MAX_RETRIES: '2', ARM_MAX_RETRY_AFTER_MS: '2000' };
  const services = createServices(readSettings(env));
  // The configuration case: the applied plan also had a replica in northeurope.
  const plans = new InMemoryPlanStore();
  const plan = createPlan({
    id: 'plan-config-1',
    registryId: id(CONFIG),
    registryName: CONFIG,
    requester: 'alice@contoso.com',
    current: { homeRegion: 'eastus', sku: 'Premium', replicas: [] },
    target: {
      homeRegion: 'eastus',
      sku: 'Premium',
      homeZoneRedundancy: false,
      replicas: [
        { region: 'northeurope', regionEndpointEnabled: true, zoneRedundancy: false },
        { region: 'westeurope', regionEndpointEnabled: true, zoneRedundancy: false },
      ],
    },
    allowDeletes: false,
    now: new Date(),
  });
  await plans.create({ ...plan, state: 'applied' });
  return {
    sandbox,
    services,
    env,
    plans,
    // Every Resource Graph and metrics-batch exchange of the fleet's tests against the official Swagger (#16).
    close: () => closeCheckingFleetContract(sandbox),
  };
}

/** Services of a drift scan over the fleet: in-memory reports and queue, the fleet's plans, ARM and solver; DRIFT_* from `extraEnv`. */
export type DriftFixture = Services & { drift: DriftServices & { reports: InMemoryDriftReportStore; queue: InMemoryDriftQueue } };

export function runtimeFor(fleet: Fleet, extraEnv: Record<string, string> = {}): DriftFixture {
  const settings = readSettings({ ...fleet.env, LOCAL_PRINCIPAL_HEADER: 'true', DRIFT_SUBSCRIPTIONS: SANDBOX_SUBSCRIPTION_ID, DRIFT_AVG_PULL_SIZE_MB: '200', DRIFT_FINALIZE_DELAY_SECONDS: '0', DRIFT_STORE: 'memory', ...extraEnv });
  const reports = new InMemoryDriftReportStore();
  const queue = new InMemoryDriftQueue();
  const services = createServices(settings, {
    arm: () => fleet.services.arm(),
    solver: () => fleet.services.solver(),
    planStore: () => fleet.plans,
    drift: { reports, queue, planStore: () => ({ store: fleet.plans }) },
  });
  return services as DriftFixture;
}

export function testContext(name: string, logs: string[], dequeueCount = 1): InvocationContext {
  return new InvocationContext({
    invocationId: `test-${name}`,
    functionName: name,
    triggerMetadata: { dequeueCount },
    logHandler: (level, ...a) => logs.push(`[${level}] ${a.map(String).join(' ')}`),
  });
}

/** Processes the in-memory queues the way the host would: every check, then the run finalizer(s). */
export async function drain(rt: DriftFixture, logs: string[]): Promise<void> {
  for (;;) {
    const checks = rt.drift.queue.take(DRIFT_CHECK_QUEUE);
    const runs = rt.drift.queue.take(DRIFT_RUN_QUEUE);
    if (checks.length === 0 && runs.length === 0) return;
    await Promise.all(checks.map((m) => handleDriftCheck(m, testContext('driftCheck', logs), rt)));
    for (const m of runs) await handleRunFinalize(m, testContext('driftRunFinalize', logs), rt);
  }
}
