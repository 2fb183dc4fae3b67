/**
 * The fleet view: one row per watched registry from its latest drift report — current monthly
 * cost, the optimizer's cost (proved optimal or not), the saving, the drift status and the age
 * of the data — ranked by saving (unknown savings last). Pure; CSV per RFC 4180.
 */
import { isDrift, worstSeverity } from './report';
import type { DriftEconomics, DriftReport, DriftSeverity, DriftStatus } from './types';

/** What a fleet row needs of a report (stores may keep just this, next to the full report). */
export interface FleetSource extends Pick<DriftReport, 'registryId' | 'registryName' | 'location' | 'runId' | 'checkedAt' | 'status'> {
  severity: DriftSeverity | null;
  economics: Pick<DriftEconomics, 'status' | 'currency' | 'currentMonthlyCost' | 'recommendedMonthlyCost' | 'monthlySaving' | 'optimality'> | null;
}

/** The fleet fields of a full report. */
export function fleetSourceOf(r: DriftReport): FleetSource {
  const e = r.economics;
  return {
    registryId: r.registryId,
    ...(r.registryName ? { registryName: r.registryName } : {}),
    ...(r.location ? { location: r.location } : {}),
    runId: r.runId,
    checkedAt: r.checkedAt,
    status: r.status,
    severity: worstSeverity(r.findings.filter(isDrift)),
    economics: e
      ? {
          status: e.status,
          ...(e.currency !== undefined ? { currency: e.currency } : {}),
          ...(e.currentMonthlyCost !== undefined ? { currentMonthlyCost: e.currentMonthlyCost } : {}),
          ...(e.recommendedMonthlyCost !== undefined ? { recommendedMonthlyCost: e.recommendedMonthlyCost } : {}),
          ...(e.monthlySaving !== undefined ? { monthlySaving: e.monthlySaving } : {}),
          ...(e.optimality !== undefined ? { optimality: e.optimality } : {}),
        }
      : null,
  };
}

export interface FleetRow {
  registryId: string;
  registryName: string;
  subscriptionId: string;
  resourceGroup: string;
  /** Home region; null when the check failed before reading the registry. */
  region: string | null;
  status: DriftStatus;
  severity: DriftSeverity | null;
  currency: string | null;
  /** Monthly cost today, in `currency`; null when unknown. */
  currentMonthlyCost: number | null;
  /** Monthly cost of the optimizer's topology; null when unknown. */
  optimalMonthlyCost: number | null;
  /** `proved`: the optimizer proved that cost optimal; `gap`: best found; null when not evaluated. */
  optimality: 'proved' | 'gap' | null;
  monthlySaving: number | null;
  checkedAt: string;
  /** Seconds between the check and `now`. */
  dataAgeSeconds: number;
  runId: string;
}

export interface FleetFilter {
  subscriptions?: string[];
  regions?: string[];
  statuses?: DriftStatus[];
}

const ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerRegistry\/registries\/([^/]+)$/i;

export function fleetRow(r: FleetSource, now: number): FleetRow {
  const m = ID.exec(r.registryId);
  const e = r.economics;
  const evaluated = e?.status === 'evaluated';
  return {
    registryId: r.registryId,
    registryName: r.registryName ?? m?.[3] ?? r.registryId,
    subscriptionId: m?.[1] ?? '',
    resourceGroup: m?.[2] ?? '',
    region: r.location ?? null,
    status: r.status,
    severity: r.severity,
    currency: evaluated ? (e?.currency ?? null) : null,
    currentMonthlyCost: evaluated ? (e?.currentMonthlyCost ?? null) : null,
    optimalMonthlyCost: evaluated ? (e?.recommendedMonthlyCost ?? null) : null,
    optimality: evaluated ? (e?.optimality ?? null) : null,
    monthlySaving: evaluated ? (e?.monthlySaving ?? null) : null,
    checkedAt: r.checkedAt,
    dataAgeSeconds: Math.max(0, Math.round((now - Date.parse(r.checkedAt)) / 1000)),
    runId: r.runId,
  };
}

/** Largest saving first; unknown savings after every known one; then by registry id. */
export function bySaving(a: FleetRow, b: FleetRow): number {
  if (a.monthlySaving === null && b.monthlySaving !== null) return 1;
  if (b.monthlySaving === null && a.monthlySaving !== null) return -1;
  return (b.monthlySaving ?? 0) - (a.monthlySaving ?? 0) || a.registryId.toLowerCase().localeCompare(b.registryId.toLowerCase());
}

export function matchesFleetFilter(row: FleetRow, f: FleetFilter): boolean {
  if (f.subscriptions?.length && !f.subscriptions.some((s) => s.toLowerCase() === row.subscriptionId.toLowerCase())) return false;
  if (f.regions?.length && (row.region === null || !f.regions.includes(row.region.toLowerCase()))) return false; // filter values are lower-case
  if (f.statuses?.length && !f.statuses.includes(row.status)) return false;
  return true;
}

export const FLEET_CSV_COLUMNS = [
  'registryId',
  'registryName',
  'subscriptionId',
  'resourceGroup',
  'region',
  'status',
  'severity',
  'currency',
  'currentMonthlyCost',
  'optimalMonthlyCost',
  'optimality',
  'monthlySaving',
  'checkedAt',
  'dataAgeSeconds',
  'runId',
] as const satisfies ReadonlyArray<keyof FleetRow>;

function csvField(v: unknown): string {
  if (v === null || v === undefined) return ''; // unknown: an empty field, never 0
  const s = String(v);
  // Quote what needs it; a leading =, +, - or @ is prefixed so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\r\n]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180 CSV (CRLF line ends), header first; unknown values are empty fields. */
export function fleetCsv(rows: FleetRow[]): string {
  const lines = [FLEET_CSV_COLUMNS.join(',')];
  for (const r of rows) lines.push(FLEET_CSV_COLUMNS.map((c) => csvField(r[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}
