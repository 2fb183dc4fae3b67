/**
 * The drift reports over HTTP:
 * - `GET /api/drift` — the latest report of every watched registry; filters
 *   `?kind=configuration|economic|health` and `?severity=info|warning|critical`
 *   (comma-separated lists; a report matches when one of its findings matches
 *   both) and `?status=ok|drifted|error`.
 * - `GET /api/drift/history?registry=<resource id>&limit=` — one registry's
 *   reports, newest first. The id goes in the query string (URL-encode it or
 *   not: `/` is legal in a query), not in the path: resource ids contain
 *   slashes, which route segments and proxies mangle.
 * - `GET /api/drift/runs` — the recent runs (expected/checked counts, webhook outcome).
 */
import { httpEndpoint, json } from '../http/endpoint';
import { requirePrincipal, ROLES } from '../http/identity';
import { NotFoundError } from '../http/problem';
import { matchesFilter, worstSeverity, isDrift } from '../model/drift/report';
import { DRIFT_KINDS, DRIFT_SEVERITIES, type DriftReport } from '../model/drift/types';
import { problemSchema } from '../schemas/common';
import { driftFilterParamSchema, driftHistoryResponseSchema, driftLimitParamSchema, driftListResponseSchema, driftRegistryParamSchema, driftRunsResponseSchema } from '../schemas/drift';
import { invalidRequestError, queryIssues, truncateForEcho } from '../http/validate';
import { LIMITS } from '../schemas/common';
import type { InputIssue } from '../model/errors';
import { hasRegistryIdShape } from '../model/registry-id';

const STATUSES = ['ok', 'drifted', 'error'] as const;
const SEV_RANK = { critical: 3, warning: 2, info: 1 } as const;

function listParam(q: URLSearchParams, name: string, allowed: readonly string[], issues: InputIssue[]): string[] {
  // Bounded first (length, repeats): nothing longer is split or echoed.
  const bounds = queryIssues(q, [{ name, in: 'query', schema: driftFilterParamSchema }]);
  if (bounds.length > 0) {
    issues.push(...bounds);
    return [];
  }
  const values = q.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()).filter(Boolean);
  for (const v of values) {
    if (!allowed.includes(v)) issues.push({ pointer: `/query/${name}`, message: `unknown ${name} '${truncateForEcho(v)}'; one of ${allowed.join(', ')}`, code: 'enum' });
  }
  return [...new Set(values)];
}

function limitParam(q: URLSearchParams, fallback: number, issues: InputIssue[]): number {
  const raw = q.get('limit');
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    issues.push({ pointer: '/query/limit', message: 'must be an integer from 1 to 1000', code: 'range' });
    return fallback;
  }
  return n;
}

function throwIf(issues: InputIssue[]): void {
  if (issues.length) throw invalidRequestError(issues);
}

function byConcern(a: DriftReport, b: DriftReport): number {
  const rank = (r: DriftReport) => (r.status === 'error' ? 2.5 : SEV_RANK[worstSeverity(r.findings.filter(isDrift)) ?? 'info'] - (r.status === 'ok' ? 1 : 0));
  return rank(b) - rank(a) || a.registryId.toLowerCase().localeCompare(b.registryId.toLowerCase());
}

const errorResponses = {
  '400': { description: 'Invalid query: every problem with its pointer', schema: problemSchema, contentType: 'application/problem+json' },
  '401': { description: 'No signed-in principal', schema: problemSchema, contentType: 'application/problem+json' },
  '403': { description: 'Missing the app role Planner.Read (or a role that includes it)', schema: problemSchema, contentType: 'application/problem+json' },
};

/** Every drift read needs Planner.Read (implied by the other planner roles). */
const READ_NOTE = ' Needs the app role Planner.Read (implied by Planner.Request, Planner.Approve and Planner.Apply).';

export const drift = httpEndpoint({
  name: 'drift',
  route: 'drift',
  authLevel: 'function',
  operations: {
    GET: {
      doc: {
        summary: 'Latest drift report of every watched registry',
        description:
          'Written by the `topologyDrift` timer (DRIFT_SCHEDULE, default daily 06:00 UTC) through the `drift-checks` queue. Most concerning first. `kind` and `severity` select reports with at least one finding matching both (comma-separated lists); `status` selects by report status.' + READ_NOTE,
        tags: ['drift'],
        parameters: [
          { name: 'kind', in: 'query', description: 'configuration, economic and/or health', schema: driftFilterParamSchema },
          { name: 'severity', in: 'query', description: 'info, warning and/or critical', schema: driftFilterParamSchema },
          { name: 'status', in: 'query', description: 'ok, drifted and/or error', schema: driftFilterParamSchema },
        ],
        responses: { '200': { description: 'The latest reports', schema: driftListResponseSchema }, ...errorResponses },
      },
      run: async (rc) => {
        requirePrincipal(rc.request, ROLES.read, rc.services.settings.identity);
        const issues: InputIssue[] = [];
        const kinds = listParam(rc.query, 'kind', DRIFT_KINDS, issues);
        const severities = listParam(rc.query, 'severity', DRIFT_SEVERITIES, issues);
        const statuses = listParam(rc.query, 'status', STATUSES, issues);
        throwIf(issues);
        const all = await rc.services.drift.reports.latest();
        const counts = { ok: 0, drifted: 0, error: 0 };
        for (const r of all) counts[r.status] += 1;
        const reports = all.filter((r) => matchesFilter(r, kinds, severities, statuses)).sort(byConcern);
        return json({
          generatedAt: new Date().toISOString(),
          filters: { kind: kinds, severity: severities, status: statuses },
          count: reports.length,
          counts,
          reports,
        });
      },
    },
  },
});

export const driftHistory = httpEndpoint({
  name: 'driftHistory',
  route: 'drift/history',
  authLevel: 'function',
  operations: {
    GET: {
      doc: {
        summary: 'Drift reports of one registry, newest first',
        description: 'The registry resource id goes in `?registry=` (ids contain slashes, so not in the path).' + READ_NOTE,
        tags: ['drift'],
        parameters: [
          { name: 'registry', in: 'query', required: true, description: 'Registry resource id (/subscriptions/…/registries/<name>), compared case-insensitively', schema: driftRegistryParamSchema },
          { name: 'limit', in: 'query', description: 'At most this many reports (1–1000, default 100)', schema: driftLimitParamSchema },
        ],
        responses: {
          '200': { description: 'The registry\'s reports', schema: driftHistoryResponseSchema },
          ...errorResponses,
          '404': { description: 'No report for this registry', schema: problemSchema, contentType: 'application/problem+json' },
        },
      },
      run: async (rc) => {
        requirePrincipal(rc.request, ROLES.read, rc.services.settings.identity);
        const issues: InputIssue[] = [];
        const registryId = rc.query.get('registry')?.trim() ?? '';
        if (!registryId) issues.push({ pointer: '/query/registry', message: 'required: the registry resource id', code: 'required' });
        else if (registryId.length > LIMITS.registryIdLength) {
          issues.push({ pointer: '/query/registry', message: `is ${registryId.length} characters long; a registry resource id has at most ${LIMITS.registryIdLength}`, code: 'maxLength' });
        } else if (!hasRegistryIdShape(registryId)) {
          issues.push({ pointer: '/query/registry', message: 'must be a registry resource id: /subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.ContainerRegistry/registries/{name}', code: 'pattern' });
        }
        const limit = limitParam(rc.query, 100, issues);
        throwIf(issues);
        const reports = await rc.services.drift.reports.history(registryId, limit);
        if (reports.length === 0) throw new NotFoundError(`No drift report for ${registryId} (is it in DRIFT_REGISTRY_IDS or a DRIFT_SUBSCRIPTIONS subscription, and has topologyDrift run?).`);
        return json({ registryId: reports[0]?.registryId ?? registryId, count: reports.length, reports });
      },
    },
  },
});

export const driftRuns = httpEndpoint({
  name: 'driftRuns',
  route: 'drift/runs',
  authLevel: 'function',
  operations: {
    GET: {
      doc: {
        summary: 'Recent drift runs, newest first',
        description: 'Each run: registries enqueued, when it was closed, its outcome counts and the webhook outcome.' + READ_NOTE,
        tags: ['drift'],
        parameters: [{ name: 'limit', in: 'query', description: 'At most this many runs (1–1000, default 20)', schema: driftLimitParamSchema }],
        responses: { '200': { description: 'Runs', schema: driftRunsResponseSchema }, ...errorResponses },
      },
      run: async (rc) => {
        requirePrincipal(rc.request, ROLES.read, rc.services.settings.identity);
        const issues: InputIssue[] = [];
        const limit = limitParam(rc.query, 20, issues);
        throwIf(issues);
        const runs = await rc.services.drift.reports.listRuns(limit);
        return json({ count: runs.length, runs });
      },
    },
  },
});
