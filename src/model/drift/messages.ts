/**
 * The drift fan-out's queue messages. A check message carries what the inventory already knows
 * — the live topology of up to 50 registries of one subscription and region (one metrics batch
 * call) — so a check reads no ARM in the common case. A message for one registry the inventory
 * did not see (`{runId, registryId}`) is checked with ARM reads. Queue messages are at most
 * 64 KiB once base64-encoded: a group is split until its JSON fits MAX_MESSAGE_JSON_BYTES.
 */
import type { LiveRegistry } from '../live';
import { isRunId } from './run-id';
import { hasRegistryIdShape } from '../registry-id';

/** 64 KiB of base64 hold 48 KiB of JSON; keep 3 KiB for the envelope and safety. */
export const MAX_MESSAGE_JSON_BYTES = 45 * 1024;
/** Registries per group message: the metrics batch API's limit. */
export const MAX_GROUP_REGISTRIES = 50;

export interface DriftSingleCheckMessage {
  runId: string;
  registryId: string;
}

export interface DriftGroupCheckMessage {
  runId: string;
  subscriptionId: string;
  /** Home region of every registry of the group (the metrics batch endpoint's region). */
  region: string;
  registries: LiveRegistry[];
}

export type DriftCheckMessage = DriftSingleCheckMessage | DriftGroupCheckMessage;

export function isGroupMessage(m: DriftCheckMessage): m is DriftGroupCheckMessage {
  return 'registries' in m;
}

const byteLength = (s: string) => {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? (i++, 4) : 3;
  }
  return n;
};

/** Group messages for the inventoried registries: by subscription and home region, ≤ 50 each, each ≤ MAX_MESSAGE_JSON_BYTES. */
export function groupMessages(runId: string, registries: LiveRegistry[], maxBytes = MAX_MESSAGE_JSON_BYTES): DriftGroupCheckMessage[] {
  const groups = new Map<string, LiveRegistry[]>();
  for (const r of registries) {
    const key = `${r.subscriptionId.toLowerCase()}|${r.location}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const out: DriftGroupCheckMessage[] = [];
  const emit = (regs: LiveRegistry[]) => {
    const first = regs[0];
    if (!first) return;
    const msg: DriftGroupCheckMessage = { runId, subscriptionId: first.subscriptionId, region: first.location, registries: regs };
    if (regs.length > 1 && byteLength(JSON.stringify(msg)) > maxBytes) {
      const half = Math.ceil(regs.length / 2);
      emit(regs.slice(0, half));
      emit(regs.slice(half));
      return;
    }
    out.push(msg);
  };
  for (const key of [...groups.keys()].sort()) {
    const regs = (groups.get(key) ?? []).sort((a, b) => a.id.toLowerCase().localeCompare(b.id.toLowerCase()));
    for (let i = 0; i < regs.length; i += MAX_GROUP_REGISTRIES) emit(regs.slice(i, i + MAX_GROUP_REGISTRIES));
  }
  return out;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function liveRegistryProblem(r: unknown, sub: string, region: string): string | undefined {
  if (!isObj(r)) return 'not an object';
  if (typeof r['id'] !== 'string' || !hasRegistryIdShape(r['id'])) return `id is not a registry resource id: ${JSON.stringify(r['id'])}`;
  if (typeof r['subscriptionId'] !== 'string' || r['subscriptionId'].toLowerCase() !== sub.toLowerCase()) return 'subscriptionId differs from the group';
  if (r['location'] !== region) return 'location differs from the group region';
  if (!['Basic', 'Standard', 'Premium'].includes(String(r['sku']))) return 'sku is not Basic, Standard or Premium';
  if (typeof r['name'] !== 'string' || typeof r['resourceGroup'] !== 'string' || typeof r['zoneRedundancy'] !== 'boolean' || !isObj(r['tags'])) return 'name, resourceGroup, zoneRedundancy or tags missing';
  if (!Array.isArray(r['replicas'])) return 'replicas is not an array';
  for (const rep of r['replicas']) {
    if (!isObj(rep) || typeof rep['location'] !== 'string' || typeof rep['name'] !== 'string' || typeof rep['regionEndpointEnabled'] !== 'boolean' || typeof rep['zoneRedundancy'] !== 'boolean') return 'a replica is malformed';
  }
  return undefined;
}

/** Parses a queue message (object or JSON text); a string says why it is not a check message. */
export function parseDriftCheckMessage(message: unknown): DriftCheckMessage | string {
  let m = message;
  if (typeof m === 'string') {
    try {
      m = JSON.parse(m);
    } catch {
      return 'the message is not a JSON object';
    }
  }
  if (!isObj(m)) return 'the message is not a JSON object';
  if (typeof m['runId'] !== 'string' || !isRunId(m['runId'])) return `runId missing or malformed: ${JSON.stringify(m['runId'])}`;
  if ('registries' in m) {
    const sub = m['subscriptionId'];
    const region = m['region'];
    const regs = m['registries'];
    if (typeof sub !== 'string' || !/^[0-9a-f-]{36}$/i.test(sub)) return `subscriptionId is not a subscription id: ${JSON.stringify(sub)}`;
    if (typeof region !== 'string' || !/^[a-z0-9]{1,64}$/.test(region)) return `region is not a location name: ${JSON.stringify(region)}`;
    if (!Array.isArray(regs) || regs.length === 0 || regs.length > MAX_GROUP_REGISTRIES) return `registries must hold 1 to ${MAX_GROUP_REGISTRIES} registries`;
    for (const [i, r] of regs.entries()) {
      const p = liveRegistryProblem(r, sub, region);
      if (p) return `registries[${i}]: ${p}`;
    }
    return { runId: m['runId'], subscriptionId: sub, region, registries: regs as LiveRegistry[] };
  }
  if (typeof m['registryId'] !== 'string' || !hasRegistryIdShape(m['registryId'])) return `registryId is not a registry resource id: ${JSON.stringify(m['registryId'])}`;
  return { runId: m['runId'], registryId: m['registryId'] };
}
