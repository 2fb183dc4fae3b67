/** Topology drift: pure model (no I/O). See report.ts for the entry point `checkDrift`. */
export * from './types';
export { configurationFindings } from './configuration';
export { healthFindings } from './health';
export { economicDrift, economicDriftWith, economicDriftJob, type EconomicJob, type SolveRecommendation, driftWorkloads, pullsPerMonth, storedGiB, type EconomicContext, type EconomicResult } from './economic';
export { checkDrift, checkDriftWith, errorReport, isDrift, matchesFilter, sortFindings, summarize, worstSeverity } from './report';
export { isRunId, newRunId, runIdTime } from './run-id';
