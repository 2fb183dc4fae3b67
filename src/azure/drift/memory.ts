/** In-memory DriftReportStore (unit tests, DRIFT_STORE=memory). Same contract as the Table adapter. */
import type { DriftReport } from '../../model/drift/types';
import { fleetSourceOf, type FleetSource } from '../../model/drift/fleet';
import { entryOf } from './entries';
import type { DriftReportStore, DriftRun, DriftRunEntry } from '../../app/ports/drift';
import { registryRowKey } from './row-key';

export class InMemoryDriftReportStore implements DriftReportStore {
  /** registry key → runId → report */
  private readonly reports = new Map<string, Map<string, DriftReport>>();
  private readonly runs = new Map<string, DriftRun>();
  /** Number of put() calls (tests). */
  puts = 0;

  async put(report: DriftReport): Promise<void> {
    this.puts += 1;
    const key = registryRowKey(report.registryId);
    let byRun = this.reports.get(key);
    if (!byRun) this.reports.set(key, (byRun = new Map()));
    byRun.set(report.runId, structuredClone(report));
  }

  async putMany(reports: DriftReport[], _opts?: { done?: boolean }): Promise<void> {
    for (const r of reports) await this.put(r);
  }

  /** Exact here: the reports stored for the run. */
  async runProgress(runId: string): Promise<number> {
    let n = 0;
    for (const byRun of this.reports.values()) if (byRun.has(runId)) n += 1;
    return n;
  }

  async latestFleet(): Promise<FleetSource[]> {
    const out: FleetSource[] = [];
    for (const [, byRun] of [...this.reports].sort(([a], [b]) => a.localeCompare(b))) {
      let newest: string | undefined;
      for (const k of byRun.keys()) if (newest === undefined || k > newest) newest = k;
      const r = newest === undefined ? undefined : byRun.get(newest);
      if (r) out.push(fleetSourceOf(r)); // a fresh object: the stored report is not exposed
    }
    return out;
  }

  async latest(): Promise<DriftReport[]> {
    const out: DriftReport[] = [];
    for (const [, byRun] of [...this.reports].sort(([a], [b]) => a.localeCompare(b))) {
      const newest = [...byRun.keys()].sort().at(-1);
      const r = newest === undefined ? undefined : byRun.get(newest);
      if (r) out.push(structuredClone(r));
    }
    return out;
  }

  async history(registryId: string, limit = 100): Promise<DriftReport[]> {
    const byRun = this.reports.get(registryRowKey(registryId));
    if (!byRun) return [];
    return [...byRun.entries()]
      .sort(([a], [b]) => b.localeCompare(a))
      .slice(0, limit)
      .map(([, r]) => structuredClone(r));
  }

  async runEntries(runId: string): Promise<DriftRunEntry[]> {
    const out: DriftRunEntry[] = [];
    for (const byRun of this.reports.values()) {
      const r = byRun.get(runId);
      if (r) out.push(entryOf(r));
    }
    return out.sort((a, b) => a.registryId.localeCompare(b.registryId));
  }

  async putRun(run: DriftRun): Promise<void> {
    this.runs.set(run.runId, structuredClone(run));
  }

  async getRun(runId: string): Promise<DriftRun | null> {
    const r = this.runs.get(runId);
    return r ? structuredClone(r) : null;
  }

  async listRuns(limit = 50): Promise<DriftRun[]> {
    return [...this.runs.values()]
      .sort((a, b) => b.runId.localeCompare(a.runId))
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  /** Total stored reports (tests: proves no duplicates). */
  count(): number {
    let n = 0;
    for (const byRun of this.reports.values()) n += byRun.size;
    return n;
  }
}
