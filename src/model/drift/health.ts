/** Health drift: replication status, provisioning state and storage lag per replica. Pure. */
import { isReplicaReady } from '../live';
import type { DriftFinding, DriftLiveRegistry, DriftMetrics } from './types';

const kind = 'health' as const;
const GIB = 1024 ** 3;

export function healthFindings(live: DriftLiveRegistry, metrics: DriftMetrics | null, storageLagPercent: number): DriftFinding[] {
  const out: DriftFinding[] = [];
  const replicas = [...live.replicas].filter((r) => r.location !== live.location).sort((a, b) => a.location.localeCompare(b.location));
  for (const r of replicas) {
    const failed = (r.provisioningState ?? '').toLowerCase() === 'failed';
    if (failed) {
      out.push({
        kind,
        severity: 'critical',
        code: 'REPLICA_PROVISIONING_FAILED',
        region: r.location,
        message: `Replica ${r.location} has provisioningState Failed.`,
        detail: { provisioningState: r.provisioningState, displayStatus: r.displayStatus },
      });
    }
    if (r.displayStatus === null) {
      out.push({ kind, severity: 'info', code: 'REPLICA_STATUS_UNKNOWN', region: r.location, message: `Replica ${r.location} reports no replication status.` });
    } else if (!isReplicaReady(r) && !failed) {
      out.push({
        kind,
        severity: r.displayStatus.toLowerCase() === 'failed' ? 'critical' : 'warning',
        code: 'REPLICA_NOT_READY',
        region: r.location,
        message: `Replica ${r.location} is ${r.displayStatus}, not Ready.`,
        detail: { displayStatus: r.displayStatus, provisioningState: r.provisioningState },
      });
    }
  }
  if (!metrics || replicas.length === 0) return out;
  const byGeo = metrics.storageUsedBytesByGeolocation;
  const home = byGeo[live.location];
  if (typeof home !== 'number' || home <= 0) {
    out.push({ kind, severity: 'info', code: 'STORAGE_LAG_UNKNOWN', message: `No StorageUsed value for the home region ${live.location}: replica lag cannot be checked.` });
    return out;
  }
  for (const r of replicas) {
    const bytes = byGeo[r.location];
    if (typeof bytes !== 'number') {
      out.push({ kind, severity: 'info', code: 'STORAGE_LAG_UNKNOWN', region: r.location, message: `No StorageUsed value for replica ${r.location}: its lag cannot be checked.` });
      continue;
    }
    const lagPercent = ((home - bytes) / home) * 100;
    if (lagPercent > storageLagPercent) {
      out.push({
        kind,
        severity: lagPercent > 3 * storageLagPercent ? 'critical' : 'warning',
        code: 'REPLICA_BEHIND',
        region: r.location,
        message: `Replica ${r.location} is behind: it stores ${(bytes / GIB).toFixed(1)} GiB against ${(home / GIB).toFixed(1)} GiB in ${live.location} (${lagPercent.toFixed(1)}% less; threshold ${storageLagPercent}%).`,
        detail: { homeBytes: home, replicaBytes: bytes, lagPercent: Math.round(lagPercent * 100) / 100, thresholdPercent: storageLagPercent },
      });
    }
  }
  return out;
}
