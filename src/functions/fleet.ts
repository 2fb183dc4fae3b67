/**
 * `GET /api/fleet` — every watched registry from its latest stored drift report: current
 * monthly cost, the optimizer's cost (proved optimal or not), the saving, the drift status and
 * the age of the data, ranked by saving. `?subscription=`, `?region=`, `?status=`
 * (comma-separated lists) filter; `?format=csv` answers text/csv (RFC 4180, unknown = empty).
 * Reads stored reports only (no Azure call).
 */
import type { HttpResponseInit } from '@azure/functions';
import { getFleet } from '../app/fleet';
import { httpEndpoint } from '../http/endpoint';
import { requirePrincipal, ROLES } from '../http/identity';
import { invalidRequestError, queryIssues, truncateForEcho } from '../http/validate';
import { fleetCsv } from '../model/drift/fleet';
import type { DriftStatus } from '../model/drift/types';
import type { InputIssue } from '../model/errors';
import { problemSchema } from '../schemas/common';
import { fleetFormatParamSchema, fleetListParamSchema, fleetResponseSchema } from '../schemas/drift';

const STATUSES: readonly DriftStatus[] = ['ok', 'drifted', 'error'];

function list(q: URLSearchParams, name: string, issues: InputIssue[], check: (v: string) => string | undefined): string[] {
  const bounds = queryIssues(q, [{ name, in: 'query', schema: fleetListParamSchema }]);
  if (bounds.length) {
    issues.push(...bounds);
    return [];
  }
  const values = [...new Set(q.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean))];
  if (values.length > 100) issues.push({ pointer: `/query/${name}`, message: 'at most 100 values', code: 'maxItems' });
  for (const v of values) {
    const problem = check(v);
    if (problem) issues.push({ pointer: `/query/${name}`, message: `'${truncateForEcho(v)}' ${problem}`, code: 'pattern' });
  }
  return values;
}

export const fleet = httpEndpoint({
  name: 'fleet',
  route: 'fleet',
  authLevel: 'function',
  operations: {
    GET: {
      doc: {
        summary: 'Every watched registry: cost today, proved optimal cost, saving, drift status, data age',
        description:
          "From each registry's latest drift report (no Azure call; read from the fleet snapshot the last finalized drift run stored, whose age `snapshot.ageSeconds` gives), ranked by monthly saving (unknown savings last). Costs are per 730-hour month in the report's currency; unknown is null (CSV: empty), never 0. Needs the app role Planner.Read (implied by Planner.Request, Planner.Approve and Planner.Apply).",
        tags: ['drift'],
        parameters: [
          { name: 'subscription', in: 'query', description: 'Subscription ids (comma-separated)', schema: fleetListParamSchema },
          { name: 'region', in: 'query', description: 'Home regions (comma-separated, canonical names such as westeurope)', schema: fleetListParamSchema },
          { name: 'status', in: 'query', description: 'ok, drifted and/or error', schema: fleetListParamSchema },
          { name: 'format', in: 'query', description: '`json` (default) or `csv`', schema: fleetFormatParamSchema },
        ],
        responses: {
          '200': { description: 'The fleet (JSON; text/csv with ?format=csv)', schema: fleetResponseSchema },
          '400': { description: 'Invalid query: every problem with its pointer', schema: problemSchema, contentType: 'application/problem+json' },
          '401': { description: 'No signed-in principal', schema: problemSchema, contentType: 'application/problem+json' },
          '403': { description: 'Missing the app role Planner.Read', schema: problemSchema, contentType: 'application/problem+json' },
        },
      },
      run: async (rc): Promise<HttpResponseInit> => {
        requirePrincipal(rc.request, ROLES.read, rc.services.settings.identity);
        const issues: InputIssue[] = [];
        const subscriptions = list(rc.query, 'subscription', issues, (v) => (/^[0-9a-f-]{36}$/i.test(v) ? undefined : 'is not a subscription id'));
        const regions = list(rc.query, 'region', issues, (v) => (/^[a-z0-9]{1,64}$/.test(v.toLowerCase()) ? undefined : 'is not a region name')).map((r) => r.toLowerCase());
        const statuses = list(rc.query, 'status', issues, (v) => (STATUSES.includes(v.toLowerCase() as DriftStatus) ? undefined : `is not one of ${STATUSES.join(', ')}`)).map((s) => s.toLowerCase() as DriftStatus);
        const format = (rc.query.get('format') ?? 'json').toLowerCase();
        if (format !== 'json' && format !== 'csv') issues.push({ pointer: '/query/format', message: `'${truncateForEcho(format)}' is not json or csv`, code: 'enum' });
        if (issues.length) throw invalidRequestError(issues);
        const view = await getFleet({ reports: rc.services.drift.reports, snapshots: rc.services.drift.fleetSnapshots, now: () => rc.services.now() }, { subscriptions, regions, statuses });
        if (format === 'csv') {
          return { status: 200, headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="fleet.csv"' }, body: fleetCsv(view.rows) };
        }
        // Compact JSON: a 10,000-registry fleet is a few MB; indentation would double it.
        return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify({ ...view, filters: { subscription: subscriptions, region: regions, status: statuses } }) };
      },
    },
  },
});
