/**
 * Port of the fleet snapshot (#16): the fleet fields of every registry's latest drift report, as of
 * one finalized run, stored in one piece so GET /api/fleet reads it in a few round trips instead of
 * listing one row per registry. Adapters: src/azure/drift/fleet-snapshot.ts (memory, Table storage).
 */
import type { FleetSource } from '../../model/drift/fleet';

export interface FleetSnapshot {
  /** The run whose finalization built it. */
  runId: string;
  /** When it was built (ISO time). */
  builtAt: string;
  sources: FleetSource[];
}

export interface FleetSnapshotStore {
  /** Replaces the snapshot; readers see the previous one or this one whole, never a mix. */
  put(snapshot: FleetSnapshot): Promise<void>;
  /** The newest snapshot, or null when none was ever built. */
  get(): Promise<FleetSnapshot | null>;
}
