/**
 * Use case: the fleet view — every watched registry from its latest stored drift report (no
 * Azure call; from the fleet snapshot of the last finalized run when there is one): current monthly cost, the optimizer's cost (proved optimal or not), the saving,
 * the drift status and the age of the data, ranked by saving, filtered by subscription, region
 * and status.
 */
import { bySaving, fleetRow, matchesFleetFilter, type FleetFilter, type FleetRow } from '../model/drift/fleet';
import type { DriftReportStore } from './ports/drift';
import type { FleetSnapshotStore } from './ports/fleet-snapshot';

export interface FleetDeps {
  reports: Pick<DriftReportStore, 'latestFleet'>;
  /** The snapshot the run finalizer wrote: read first (a few round trips); without one, the latest reports are read. */
  snapshots?: Pick<FleetSnapshotStore, 'get'>;
  now: () => Date;
}

export interface FleetView {
  generatedAt: string;
  /** Registries with a report (before filters). */
  total: number;
  count: number;
  /** Sum of the known monthly savings of the listed rows, per currency; `unknownSavings` counts the rows without one. */
  monthlySavingByCurrency: Record<string, number>;
  unknownSavings: number;
  counts: { ok: number; drifted: number; error: number };
  /**
   * Where the rows come from: the fleet snapshot built when run `runId` was finalized (`builtAt`, `ageSeconds` before
   * `generatedAt`; reports stored since then show at the next run's finalization), or null: read from the latest reports.
   */
  snapshot: { runId: string; builtAt: string; ageSeconds: number } | null;
  rows: FleetRow[];
}

export async function getFleet(deps: FleetDeps, filter: FleetFilter): Promise<FleetView> {
  const now = deps.now();
  const snap = deps.snapshots ? await deps.snapshots.get() : null;
  const sources = snap ? snap.sources : await deps.reports.latestFleet();
  const all = sources.map((r) => fleetRow(r, now.getTime()));
  const rows = all.filter((r) => matchesFleetFilter(r, filter)).sort(bySaving);
  const counts = { ok: 0, drifted: 0, error: 0 };
  const saving: Record<string, number> = {};
  let unknown = 0;
  for (const r of rows) {
    counts[r.status] += 1;
    if (r.monthlySaving === null || r.currency === null) unknown += 1;
    else saving[r.currency] = Math.round(((saving[r.currency] ?? 0) + r.monthlySaving) * 100) / 100;
  }
  const snapshot = snap ? { runId: snap.runId, builtAt: snap.builtAt, ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(snap.builtAt)) / 1000)) } : null;
  return { generatedAt: now.toISOString(), total: all.length, count: rows.length, monthlySavingByCurrency: saving, unknownSavings: unknown, counts, snapshot, rows };
}
