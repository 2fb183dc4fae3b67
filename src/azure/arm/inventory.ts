/**
 * RegistryInventoryPort over Azure Resource Graph (@azure/arm-resourcegraph 5, `POST
 * /providers/Microsoft.ResourceGraph/resources`, api-version 2024-04-01): registries and
 * registries/replications of the watched scope (subscriptions, management groups, or the whole
 * tenant) in pages of up to 1,000 rows, honouring Resource Graph's per-user quota: after each
 * answer `x-ms-user-quota-remaining` / `x-ms-user-quota-resets-after` are read; with no quota
 * left the next page waits for the reset, and a 429 waits for it and asks again.
 * Where Resource Graph is not allowed (403 for a subscription), that subscription's registries
 * are listed through ARM instead (RegistryTopologyPort.listRegistries: list pages + one
 * replications.list per registry), each read charged to the subscription's ARM read budget.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { Registry, Replication } from '@azure/arm-containerregistry';
import type { RegistryTopologyPort } from '../../app/ports/arm';
import type { ArmReadBudget, InventoryResult, InventoryScope, RegistryInventoryPort } from '../../app/ports/inventory';
import type { LiveRegistry } from '../../model/live';
import { customizePipeline, type RetrySettings } from './pipeline';
import { toLiveRegistry } from './topology';

export const INVENTORY_QUERY = [
  'resources',
  "where type =~ 'microsoft.containerregistry/registries' or type =~ 'microsoft.containerregistry/registries/replications'",
  'project id, name, type, location, subscriptionId, resourceGroup, sku, tags, properties',
  'order by id asc',
].join(' | ');
export const PAGE_ROWS = 1000;
/** Subscriptions per Resource Graph query: the REST API takes at most 1,000 (Microsoft's guidance: batch larger lists). */
export const MAX_QUERY_SUBSCRIPTIONS = 1000;
/** Longest wait for a quota reset (a header asking for more is capped). */
const MAX_QUOTA_WAIT_MS = 60_000;
const MAX_THROTTLED_IN_A_ROW = 20;

export interface InventoryAdapterOptions {
  credential: () => Promise<TokenCredential>;
  endpoint: { url: string; insecureLoopback: boolean };
  scope: string;
  retry: RetrySettings;
  /** The ARM fallback. */
  topology: () => RegistryTopologyPort;
  budget?: ArmReadBudget;
  sleep?: (ms: number) => Promise<void>;
}

/** `hh:mm:ss` (or `d.hh:mm:ss`) → ms; undefined when unreadable. */
export function parseResetsAfter(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(v.trim());
  if (!m) return undefined;
  const [, d = '0', h = '0', mi = '0', s = '0', frac] = m;
  return ((Number(d) * 24 + Number(h)) * 3600 + Number(mi) * 60 + Number(s)) * 1000 + (frac ? Math.round(Number(`0.${frac}`) * 1000) : 0);
}

interface Row {
  id?: string;
  name?: string;
  type?: string;
  location?: string;
  sku?: { name?: string } | null;
  tags?: Record<string, string> | null;
  properties?: Record<string, unknown> | null;
}

/** Resource Graph rows → live registries (replications attached to their registry by id). */
export function registriesFromRows(rows: Row[]): LiveRegistry[] {
  const regs = new Map<string, Row>();
  const reps = new Map<string, Replication[]>();
  for (const r of rows) {
    const type = (r.type ?? '').toLowerCase();
    const id = r.id ?? '';
    if (type === 'microsoft.containerregistry/registries') regs.set(id.toLowerCase(), r);
    else if (type === 'microsoft.containerregistry/registries/replications') {
      const parent = id.replace(/\/replications\/[^/]+$/i, '').toLowerCase();
      const p = r.properties ?? {};
      const status = (p['status'] ?? {}) as { displayStatus?: string; timestamp?: string };
      const rep: Replication = {
        location: r.location ?? '',
        name: id.split('/').at(-1) ?? '',
        id,
        provisioningState: p['provisioningState'] as Replication['provisioningState'],
        status: { ...(status.displayStatus ? { displayStatus: status.displayStatus } : {}), ...(status.timestamp ? { timestamp: new Date(status.timestamp) } : {}) },
        regionEndpointEnabled: typeof p['regionEndpointEnabled'] === 'boolean' ? p['regionEndpointEnabled'] : true,
        zoneRedundancy: (p['zoneRedundancy'] as Replication['zoneRedundancy']) ?? 'Disabled',
      };
      const list = reps.get(parent);
      if (list) list.push(rep);
      else reps.set(parent, [rep]);
    }
  }
  const out: LiveRegistry[] = [];
  for (const [key, r] of regs) {
    const p = r.properties ?? {};
    const reg = {
      id: r.id,
      name: r.name,
      location: r.location ?? '',
      sku: { name: r.sku?.name ?? '' },
      tags: r.tags ?? {},
      loginServer: typeof p['loginServer'] === 'string' ? p['loginServer'] : undefined,
      zoneRedundancy: p['zoneRedundancy'],
    } as unknown as Registry;
    out.push(toLiveRegistry(reg, reps.get(key) ?? []));
  }
  return out.sort((a, b) => a.id.toLowerCase().localeCompare(b.id.toLowerCase()));
}

function statusOf(e: unknown): number | undefined {
  const s = (e as { statusCode?: unknown; status?: unknown }).statusCode ?? (e as { status?: unknown }).status;
  return typeof s === 'number' ? s : undefined;
}

/** Why Resource Graph refused a subscription, from its error (code + message), bounded. */
export function fallbackReason(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown };
  const code = typeof err.code === 'string' && err.code ? ` ${err.code}` : '';
  const msg = typeof err.message === 'string' && err.message ? `: ${err.message}` : '';
  const text = `Resource Graph refused the subscription (403${code})${msg}`;
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

function headerOf(e: unknown, name: string): string | undefined {
  const h = (e as { response?: { headers?: { get?(n: string): string | undefined } } }).response?.headers;
  return h?.get?.(name) ?? undefined;
}

export class ResourceGraphInventoryAdapter implements RegistryInventoryPort {
  private client: Promise<ResourceGraphClient> | undefined;
  /** 429s (quota exhausted) seen by the pipeline, each waited out until the quota reset. */
  private throttled = 0;

  constructor(private readonly options: InventoryAdapterOptions) {}

  private sleep(ms: number): Promise<void> {
    return (this.options.sleep ?? ((t) => new Promise((r) => setTimeout(r, t))))(ms);
  }

  private graph(): Promise<ResourceGraphClient> {
    this.client ??= (async () => {
      const credential = await this.options.credential();
      const { ResourceGraphClient: Client } = require('@azure/arm-resourcegraph') as typeof import('@azure/arm-resourcegraph');
      const { url, insecureLoopback } = this.options.endpoint;
      const client = new Client(credential, { endpoint: url, credentials: { scopes: [this.options.scope] }, ...(insecureLoopback ? { allowInsecureConnection: true } : {}) });
      customizePipeline(client.pipeline, { retry: this.options.retry, ...(insecureLoopback ? { loopback: { credential, scope: this.options.scope } } : {}) });
      // A 429 of Resource Graph says when the quota resets (x-ms-user-quota-resets-after), not Retry-After:
      // hand that to the bounded retry policy as retry-after-ms, so it waits exactly for the reset.
      client.pipeline.addPolicy(
        {
          name: 'acrGeoplannerGraphQuotaPolicy',
          sendRequest: async (request, next) => {
            const response = await next(request);
            if (response.status === 429 && !response.headers.get('retry-after') && !response.headers.get('retry-after-ms')) {
              const ms = parseResetsAfter(response.headers.get('x-ms-user-quota-resets-after'));
              this.throttled += 1;
              response.headers.set('retry-after-ms', String(Math.min(MAX_QUOTA_WAIT_MS, ms ?? 5000)));
            }
            return response;
          },
        },
        { afterPhase: 'Retry' },
      );
      return client;
    })();
    this.client.catch(() => (this.client = undefined));
    return this.client;
  }

  /** Every row of one scope, page by page, waiting out the quota. */
  private async query(scope: { subscriptions?: string[]; managementGroups?: string[] }, stats: InventoryResult, abortSignal?: AbortSignal): Promise<Row[]> {
    const client = await this.graph();
    const rows: Row[] = [];
    let skipToken: string | undefined;
    let throttledInARow = 0;
    let waitBeforeNext = 0;
    for (;;) {
      if (waitBeforeNext > 0) await this.sleep(waitBeforeNext);
      waitBeforeNext = 0;
      let remaining: number | undefined;
      let resetsAfterMs: number | undefined;
      try {
        const page = await client.resources(
          { ...scope, query: INVENTORY_QUERY, options: { top: PAGE_ROWS, resultFormat: 'objectArray', ...(skipToken ? { skipToken } : {}) } },
          {
            ...(abortSignal ? { abortSignal } : {}),
            onResponse: (raw) => {
              const r = raw.headers.get('x-ms-user-quota-remaining');
              remaining = r === undefined || r === '' ? undefined : Number(r);
              resetsAfterMs = parseResetsAfter(raw.headers.get('x-ms-user-quota-resets-after'));
            },
          },
        );
        stats.resourceGraphQueries += 1;
        throttledInARow = 0;
        rows.push(...((page.data as Row[] | undefined) ?? []));
        skipToken = page.skipToken;
        if (!skipToken) return rows;
        if (remaining !== undefined && remaining <= 0) waitBeforeNext = Math.min(MAX_QUOTA_WAIT_MS, resetsAfterMs ?? 5000);
      } catch (e) {
        if (statusOf(e) !== 429 || ++throttledInARow > MAX_THROTTLED_IN_A_ROW) throw e;
        stats.resourceGraphThrottled += 1;
        waitBeforeNext = Math.min(MAX_QUOTA_WAIT_MS, parseResetsAfter(headerOf(e, 'x-ms-user-quota-resets-after')) ?? 5000);
      }
    }
  }

  private async fallback(subscriptionId: string, stats: InventoryResult): Promise<LiveRegistry[]> {
    // The list costs one read per page of 100 registries and one replications.list per Premium
    // registry; the topology adapter issues them itself, so the budget is taken for the first page
    // before and for the rest after (the ARM bucket itself may briefly go below what we planned).
    await this.options.budget?.take(subscriptionId, 1);
    const regs = await this.options.topology().listRegistries({ subscriptionId });
    const reads = Math.ceil(Math.max(1, regs.length) / 100) - 1 + regs.filter((r) => r.sku === 'Premium').length;
    if (reads > 0) await this.options.budget?.take(subscriptionId, reads);
    stats.armReads += 1 + reads;
    return regs;
  }

  async list(scope: InventoryScope, options: { abortSignal?: AbortSignal } = {}): Promise<InventoryResult> {
    const stats: InventoryResult = { registries: [], resourceGraphScopes: [], armFallbackSubscriptions: [], armFallback: [], resourceGraphQueries: 0, resourceGraphThrottled: 0, armReads: 0, errors: [] };
    const rows: Row[] = [];
    const fromArm: LiveRegistry[] = [];
    const graphOrFallback = async (subs: string[]) => {
      if (!subs.length) return;
      try {
        rows.push(...(await this.query({ subscriptions: subs }, stats, options.abortSignal)));
        stats.resourceGraphScopes.push(...subs);
      } catch (e) {
        if (statusOf(e) !== 403) throw e;
        if (subs.length > 1) {
          // Find which subscriptions refuse Resource Graph: one query each.
          for (const s of subs) await graphOrFallback([s]);
          return;
        }
        const sub = subs[0] as string;
        const reason = fallbackReason(e);
        try {
          fromArm.push(...(await this.fallback(sub, stats)));
          stats.armFallbackSubscriptions.push(sub);
          stats.armFallback?.push({ subscriptionId: sub, reason });
        } catch (err) {
          stats.errors.push(`subscription ${sub}: ${reason}; the ARM fallback failed too: ${(err as Error).message}`);
        }
      }
    };
    for (let i = 0; i < scope.subscriptions.length; i += MAX_QUERY_SUBSCRIPTIONS) {
      const batch = scope.subscriptions.slice(i, i + MAX_QUERY_SUBSCRIPTIONS);
      try {
        await graphOrFallback(batch);
      } catch (e) {
        const named = batch.length > 3 ? `${batch.slice(0, 3).join(', ')} and ${batch.length - 3} more` : batch.join(', ');
        stats.errors.push(`subscriptions ${named}: ${(e as Error).message}`);
      }
    }
    for (const mg of scope.managementGroups) {
      try {
        rows.push(...(await this.query({ managementGroups: [mg] }, stats, options.abortSignal)));
        stats.resourceGraphScopes.push(`mg:${mg}`);
      } catch (e) {
        stats.errors.push(`management group ${mg}: ${(e as Error).message}`);
      }
    }
    if (scope.tenant) {
      try {
        rows.push(...(await this.query({}, stats, options.abortSignal)));
        stats.resourceGraphScopes.push('tenant');
      } catch (e) {
        stats.errors.push(`tenant: ${(e as Error).message}`);
      }
    }
    stats.resourceGraphThrottled += this.throttled;
    this.throttled = 0;
    const byId = new Map<string, LiveRegistry>();
    for (const r of [...registriesFromRows(rows), ...fromArm]) byId.set(r.id.toLowerCase(), r);
    stats.registries = [...byId.values()].sort((a, b) => a.id.toLowerCase().localeCompare(b.id.toLowerCase()));
    return stats;
  }
}
