/** The drift report of one registry: every finding, a status and one short human line. Pure. */
import { configurationFindings } from './configuration';
import { economicDrift, economicDriftWith, type EconomicContext, type EconomicResult, type SolveRecommendation } from './economic';
import { healthFindings } from './health';
import { DRIFT_SEVERITIES, type DriftFinding, type DriftInput, type DriftReport, type DriftSeverity } from './types';

const rank = (s: DriftSeverity): number => DRIFT_SEVERITIES.indexOf(s);

/** Findings of warning or critical severity make a registry drifted; info findings do not. */
export function isDrift(f: DriftFinding): boolean {
  return f.severity !== 'info';
}

export function worstSeverity(findings: readonly DriftFinding[]): DriftSeverity | null {
  let worst: DriftSeverity | null = null;
  for (const f of findings) if (worst === null || rank(f.severity) > rank(worst)) worst = f.severity;
  return worst;
}

/** Most severe first; configuration, health, economic within a severity; then region. */
export function sortFindings(findings: DriftFinding[]): DriftFinding[] {
  const kindOrder = { configuration: 0, health: 1, economic: 2 } as const;
  return [...findings].sort(
    (a, b) => rank(b.severity) - rank(a.severity) || kindOrder[a.kind] - kindOrder[b.kind] || (a.region ?? '').localeCompare(b.region ?? '') || a.code.localeCompare(b.code),
  );
}

/** One short line: "drifted (critical): Replica eastus is missing (plan p1 has it). +2 more". */
export function summarize(status: DriftReport['status'], findings: readonly DriftFinding[], name?: string): string {
  const who = name ? `${name}: ` : '';
  if (status === 'error') return `${who}check failed`;
  const drift = findings.filter(isDrift);
  if (drift.length === 0) return `${who}no drift${findings.length ? ` (${findings.length} note${findings.length === 1 ? '' : 's'})` : ''}`;
  const first = drift[0]?.message ?? '';
  const short = first.length > 140 ? `${first.slice(0, 137)}...` : first;
  const kinds = [...new Set(drift.map((f) => f.kind))].join(', ');
  return `${who}drifted (${worstSeverity(drift)}; ${kinds}): ${short}${drift.length > 1 ? ` +${drift.length - 1} more` : ''}`;
}

/** Runs the three checks on one registry. */
export function checkDrift(input: DriftInput, ctx: EconomicContext): DriftReport {
  return driftReport(input, economicDrift(input, ctx));
}

/** checkDrift() with the optimizer behind `solve` (the solver worker pool): see economicDriftWith. */
export async function checkDriftWith(input: DriftInput, ctx: EconomicContext, solve: SolveRecommendation): Promise<DriftReport> {
  return driftReport(input, await economicDriftWith(input, ctx, solve));
}

function driftReport(input: DriftInput, econ: EconomicResult): DriftReport {
  const findings = sortFindings([
    ...configurationFindings(input.topology, input.appliedPlan, input.planNote),
    ...healthFindings(input.live, input.metrics, input.settings.storageLagPercent),
    ...econ.findings,
  ]);
  const status = findings.some(isDrift) ? 'drifted' : 'ok';
  return {
    registryId: input.registryId,
    registryName: input.live.name,
    runId: input.runId,
    checkedAt: input.checkedAt,
    status,
    findings,
    summary: summarize(status, findings, input.live.name),
    ...(input.appliedPlan ? { approvedPlanId: input.appliedPlan.id } : {}),
    economics: econ.economics,
  };
}

/** The report of a registry whose check failed (ARM still throttling, registry gone, ...). */
export function errorReport(args: {
  registryId: string;
  runId: string;
  checkedAt: string;
  message: string;
  status?: number;
  code?: string;
  attempts?: number;
}): DriftReport {
  const name = args.registryId.split('/').filter(Boolean).at(-1);
  const finding: DriftFinding = {
    kind: 'health',
    severity: 'warning',
    code: 'CHECK_FAILED',
    message: `The drift check failed${args.attempts ? ` after ${args.attempts} attempt(s)` : ''}: ${args.message}`,
    detail: { ...(args.status !== undefined ? { status: args.status } : {}), ...(args.code ? { code: args.code } : {}) },
  };
  return {
    registryId: args.registryId,
    ...(name ? { registryName: name } : {}),
    runId: args.runId,
    checkedAt: args.checkedAt,
    status: 'error',
    findings: [finding],
    summary: `${name ? `${name}: ` : ''}check failed: ${args.message.length > 120 ? `${args.message.slice(0, 117)}...` : args.message}`,
    error: {
      message: args.message,
      ...(args.status !== undefined ? { status: args.status } : {}),
      ...(args.code ? { code: args.code } : {}),
      ...(args.attempts !== undefined ? { attempts: args.attempts } : {}),
    },
  };
}

/** Does a report have a finding matching the filters (each a set; empty = any)? */
export function matchesFilter(report: DriftReport, kinds: readonly string[], severities: readonly string[], statuses: readonly string[] = []): boolean {
  if (statuses.length && !statuses.includes(report.status)) return false;
  if (!kinds.length && !severities.length) return true;
  return report.findings.some((f) => (!kinds.length || kinds.includes(f.kind)) && (!severities.length || severities.includes(f.severity)));
}
