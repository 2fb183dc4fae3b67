/**
 * Azure Resource Graph in the sandbox: `POST /providers/Microsoft.ResourceGraph/resources`
 * (api-version 2024-04-01, what @azure/arm-resourcegraph 5 sends; operationId `Resources`)
 * over the sandbox's registries and their replications, with:
 * - a KQL subset: `resources | where type =~ '<t>' [or type =~ '<t>']… | project c1, c2… | order by <c> [asc|desc]`
 *   (anything else: 400 `BadRequest` / `InvalidQuery`);
 * - scopes: `subscriptions`, `managementGroups` (mapped by the sandbox option), or neither (the whole tenant);
 * - paging: `options.$top` (default 100, at most 1000 rows a page), `$skip`, `$skipToken`;
 * - `options.resultFormat`: `objectArray` only (the default, rows as objects); `table` is refused (400);
 * - the per-user quota: `quota` queries per `windowSeconds` window (default 15 per 5 s, Azure's default),
 *   reported on every answer in `x-ms-user-quota-remaining` and `x-ms-user-quota-resets-after` (hh:mm:ss);
 *   a query beyond it gets 429 `RateLimiting` with the same headers;
 * - subscriptions where Resource Graph is not allowed (`deniedSubscriptions`): 403 `AuthorizationFailed`.
 * Rows have Resource Graph's shape: lower-case `type`, `subscriptionId`, `resourceGroup`, `properties` as ARM has them.
 */
import type { RegistryRecord, ReplicaRecord } from './types';
import { registryId } from './state';

export const RESOURCE_GRAPH_API_VERSION = '2024-04-01';
export const RESOURCE_GRAPH_PATH = /^\/providers\/microsoft\.resourcegraph\/resources$/i;
export const QUOTA_REMAINING_HEADER = 'x-ms-user-quota-remaining';
export const QUOTA_RESETS_AFTER_HEADER = 'x-ms-user-quota-resets-after';
const MAX_TOP = 1000;
const DEFAULT_TOP = 100;

export interface ResourceGraphOptions {
  /** Queries per window and principal (default 15). */
  quota?: number;
  /** Window length, s (default 5). */
  windowSeconds?: number;
  /** Management group → its subscriptions. */
  managementGroups?: Record<string, string[]>;
  /** Subscriptions where the caller may not use Resource Graph (403). */
  deniedSubscriptions?: string[];
}

export interface GraphReply {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

class GraphError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: Array<{ code: string; message: string }>,
  ) {
    super(message);
  }
}

type Row = Record<string, unknown>;

interface ParsedQuery {
  types: Set<string>;
  project?: string[];
  order?: { column: string; desc: boolean };
}

/** Parses the supported KQL subset; throws GraphError(400) on anything else. */
export function parseGraphQuery(query: string): ParsedQuery {
  const stages = query.split('|').map((s) => s.trim());
  const [table, ...rest] = stages;
  if (!table || table.toLowerCase() !== 'resources') throw invalid(`the sandbox answers queries of the 'resources' table only, got '${table ?? ''}'`);
  const out: ParsedQuery = { types: new Set() };
  for (const stage of rest) {
    let m: RegExpExecArray | null;
    if ((m = /^where\s+(.+)$/is.exec(stage))) {
      const cond = (m[1] ?? '').trim().replace(/^\((.*)\)$/s, '$1');
      for (const part of cond.split(/\s+or\s+/i)) {
        const t = /^\(?\s*type\s*(=~|==)\s*'([^']+)'\s*\)?$/i.exec(part.trim());
        if (!t) throw invalid(`unsupported condition '${part.trim()}' (the sandbox supports type =~ '<type>' joined by or)`);
        out.types.add((t[2] ?? '').toLowerCase());
      }
    } else if ((m = /^project\s+(.+)$/is.exec(stage))) {
      const cols = (m[1] ?? '').split(',').map((c) => c.trim());
      if (cols.some((c) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(c))) throw invalid(`unsupported project list '${m[1] ?? ''}' (plain column names only)`);
      out.project = cols;
    } else if ((m = /^(?:order|sort)\s+by\s+([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?$/i.exec(stage))) {
      out.order = { column: m[1] ?? 'id', desc: (m[2] ?? 'desc').toLowerCase() === 'desc' };
    } else {
      throw invalid(`unsupported operator in '${stage}'`);
    }
  }
  return out;
}

function invalid(message: string): GraphError {
  return new GraphError(400, 'BadRequest', 'Please provide below info when asking for support: timestamp, correlationId.', [{ code: 'InvalidQuery', message: `Query is invalid. ${message}` }]);
}

function registryRow(r: RegistryRecord): Row {
  return {
    id: registryId(r),
    name: r.name,
    type: 'microsoft.containerregistry/registries',
    tenantId: '11111111-1111-1111-1111-111111111111',
    kind: '',
    location: r.location,
    resourceGroup: r.resourceGroup.toLowerCase(),
    subscriptionId: r.subscriptionId,
    managedBy: '',
    sku: { name: r.sku, tier: r.sku },
    plan: null,
    properties: { loginServer: `${r.name.toLowerCase()}.azurecr.io`, provisioningState: 'Succeeded', zoneRedundancy: r.zoneRedundancy, creationDate: r.creationDate },
    tags: { ...r.tags },
    identity: null,
    zones: null,
    extendedLocation: null,
  };
}

function replicaRow(r: RegistryRecord, rep: ReplicaRecord): Row {
  return {
    id: `${registryId(r)}/replications/${rep.name}`,
    name: `${r.name}/${rep.name}`,
    type: 'microsoft.containerregistry/registries/replications',
    tenantId: '11111111-1111-1111-1111-111111111111',
    kind: '',
    location: rep.location,
    resourceGroup: r.resourceGroup.toLowerCase(),
    subscriptionId: r.subscriptionId,
    managedBy: '',
    sku: null,
    plan: null,
    properties: {
      provisioningState: rep.provisioningState,
      status: { displayStatus: rep.displayStatus, message: rep.statusMessage, timestamp: rep.statusTimestamp },
      regionEndpointEnabled: rep.regionEndpointEnabled,
      zoneRedundancy: rep.zoneRedundancy,
    },
    tags: { ...rep.tags },
    identity: null,
    zones: null,
    extendedLocation: null,
  };
}

function hms(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}`;
}

export class ResourceGraphSandbox {
  readonly quota: number;
  readonly windowMs: number;
  private readonly windows = new Map<string, { start: number; used: number }>();
  /** Queries answered (200) and refused for quota (429). */
  queries = 0;
  throttled = 0;
  managementGroups: Record<string, string[]>;
  deniedSubscriptions: Set<string>;

  constructor(
    options: ResourceGraphOptions,
    private readonly registries: () => Iterable<RegistryRecord>,
    /** Replications as ARM lists them (the home one of a Premium registry included). */
    private readonly replicasOf: (r: RegistryRecord) => ReplicaRecord[],
    private readonly clock: () => number = () => Date.now(),
  ) {
    this.quota = options.quota ?? 15;
    this.windowMs = (options.windowSeconds ?? 5) * 1000;
    this.managementGroups = options.managementGroups ?? {};
    this.deniedSubscriptions = new Set((options.deniedSubscriptions ?? []).map((s) => s.toLowerCase()));
  }

  /** The quota state of a principal after counting (or refusing) one query. */
  private take(principal: string): { ok: boolean; remaining: number; resetsAfterMs: number } {
    const now = this.clock();
    let w = this.windows.get(principal);
    if (!w || now - w.start >= this.windowMs) this.windows.set(principal, (w = { start: now, used: 0 }));
    const resetsAfterMs = w.start + this.windowMs - now;
    if (w.used >= this.quota) return { ok: false, remaining: 0, resetsAfterMs };
    w.used += 1;
    return { ok: true, remaining: this.quota - w.used, resetsAfterMs };
  }

  reset(): void {
    this.windows.clear();
    this.queries = 0;
    this.throttled = 0;
  }

  handle(principal: string, body: unknown): GraphReply {
    const q = this.take(principal);
    const quotaHeaders = { [QUOTA_REMAINING_HEADER]: String(q.remaining), [QUOTA_RESETS_AFTER_HEADER]: hms(q.resetsAfterMs / 1000) };
    if (!q.ok) {
      this.throttled += 1;
      return {
        statusCode: 429,
        headers: quotaHeaders,
        body: { error: { code: 'RateLimiting', message: `Please provide below info when asking for support: timestamp, correlationId. The user quota of ${this.quota} queries per ${this.windowMs / 1000} s is exhausted; it resets after ${quotaHeaders[QUOTA_RESETS_AFTER_HEADER]}.` } },
      };
    }
    try {
      const reply = this.answer(body);
      this.queries += 1;
      return { statusCode: 200, headers: quotaHeaders, body: reply };
    } catch (e) {
      if (e instanceof GraphError) {
        return { statusCode: e.statusCode, headers: quotaHeaders, body: { error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } } };
      }
      throw e;
    }
  }

  private answer(body: unknown): Record<string, unknown> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GraphError(400, 'BadRequest', 'The request body must be a QueryRequest object.');
    const req = body as { subscriptions?: unknown; managementGroups?: unknown; query?: unknown; options?: Record<string, unknown> };
    if (typeof req.query !== 'string' || !req.query.trim()) throw new GraphError(400, 'BadRequest', "'query' is required.");
    const parsed = parseGraphQuery(req.query);
    let scope: Set<string> | undefined;
    const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    if (req.subscriptions !== undefined || req.managementGroups !== undefined) {
      scope = new Set(strings(req.subscriptions).map((s) => s.toLowerCase()));
      for (const mg of strings(req.managementGroups)) {
        const subs = this.managementGroups[mg] ?? this.managementGroups[mg.toLowerCase()];
        if (!subs) throw new GraphError(400, 'BadRequest', `Management group '${mg}' was not found or the caller has no access to it.`);
        for (const s of subs) scope.add(s.toLowerCase());
      }
    }
    const denied = scope ? [...scope].filter((s) => this.deniedSubscriptions.has(s)) : [...this.deniedSubscriptions];
    if (scope && denied.length) {
      throw new GraphError(403, 'AuthorizationFailed', `The client does not have authorization to query Azure Resource Graph over subscription(s) ${denied.join(', ')}.`);
    }
    const rows: Row[] = [];
    for (const r of this.registries()) {
      const sub = r.subscriptionId.toLowerCase();
      if (scope ? !scope.has(sub) : this.deniedSubscriptions.has(sub)) continue;
      if (parsed.types.size === 0 || parsed.types.has('microsoft.containerregistry/registries')) rows.push(registryRow(r));
      if (parsed.types.size === 0 || parsed.types.has('microsoft.containerregistry/registries/replications')) for (const rep of this.replicasOf(r)) rows.push(replicaRow(r, rep));
    }
    if (parsed.order) {
      const { column, desc } = parsed.order;
      rows.sort((a, b) => {
        const c = String(a[column] ?? '').toLowerCase().localeCompare(String(b[column] ?? '').toLowerCase());
        return desc ? -c : c;
      });
    }
    const opts = req.options ?? {};
    const top = opts['$top'] === undefined ? DEFAULT_TOP : Number(opts['$top']);
    if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) throw new GraphError(400, 'BadRequest', `'$top' must be an integer between 1 and ${MAX_TOP}.`);
    let offset = opts['$skip'] === undefined ? 0 : Number(opts['$skip']);
    if (!Number.isInteger(offset) || offset < 0) throw new GraphError(400, 'BadRequest', "'$skip' must be a non-negative integer.");
    if (typeof opts['$skipToken'] === 'string') {
      const decoded = Number(Buffer.from(opts['$skipToken'], 'base64').toString('utf8'));
      if (!Number.isInteger(decoded) || decoded < 0) throw new GraphError(400, 'BadRequest', "'$skipToken' is not a token this service issued.");
      offset = decoded;
    }
    const format = opts['resultFormat'] ?? 'objectArray';
    if (format === 'table') throw new GraphError(400, 'BadRequest', "The sandbox answers resultFormat 'objectArray' only (Azure also supports 'table').");
    if (format !== 'objectArray') throw new GraphError(400, 'BadRequest', `'resultFormat' must be 'table' or 'objectArray', got ${JSON.stringify(format)}.`);
    const page = rows.slice(offset, offset + top).map((r) => (parsed.project ? Object.fromEntries(parsed.project.map((c) => [c, r[c] ?? null])) : r));
    const next = offset + top < rows.length ? Buffer.from(String(offset + top), 'utf8').toString('base64') : undefined;
    return { totalRecords: rows.length, count: page.length, resultTruncated: 'false', ...(next ? { $skipToken: next } : {}), data: page };
  }
}
