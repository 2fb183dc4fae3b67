import { isDrift, worstSeverity } from '../../model/drift/report';
import type { DriftKind, DriftReport } from '../../model/drift/types';
import type { DriftRunEntry } from '../../app/ports/drift';

export function entryOf(r: DriftReport): DriftRunEntry {
  const drift = r.findings.filter(isDrift);
  return {
    registryId: r.registryId,
    ...(r.registryName ? { registryName: r.registryName } : {}),
    status: r.status,
    severity: worstSeverity(drift),
    kinds: [...new Set(drift.map((f) => f.kind))] as DriftKind[],
    codes: [...new Set(drift.map((f) => f.code))],
    summary: r.summary,
    checkedAt: r.checkedAt,
  };
}
