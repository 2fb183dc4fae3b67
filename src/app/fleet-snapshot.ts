/**
 * Use case: (re)build the fleet snapshot from every registry's latest stored report — called by
 * the drift run finalizer once a run's reports are in, so GET /api/fleet reads one snapshot, not
 * one row per registry (#16).
 */
import type { DriftReportStore } from './ports/drift';
import type { FleetSnapshot, FleetSnapshotStore } from './ports/fleet-snapshot';

export interface FleetSnapshotDeps {
  reports: Pick<DriftReportStore, 'latestFleet'>;
  fleetSnapshots: FleetSnapshotStore;
  now: () => Date;
}

export async function refreshFleetSnapshot(deps: FleetSnapshotDeps, input: { runId: string }): Promise<FleetSnapshot> {
  const sources = await deps.reports.latestFleet();
  const snapshot: FleetSnapshot = { runId: input.runId, builtAt: deps.now().toISOString(), sources };
  await deps.fleetSnapshots.put(snapshot);
  return snapshot;
}
