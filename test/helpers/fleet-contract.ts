/**
 * Contract check of the sandbox's Resource Graph and metrics-batch exchanges (#16) against the official
 * Swagger copied into test/fixtures/specs (see its PROVENANCE.md):
 * - `Resources` (POST /providers/Microsoft.ResourceGraph/resources) against
 *   Microsoft.ResourceGraph/stable/2024-04-01/resourcegraph.json;
 * - `MetricsBatch_Batch` (POST {regional endpoint}/subscriptions/{id}/metrics:getBatch; the sandbox's regional
 *   endpoint is `{sandbox}/metrics/{region}`) against monitor/data-plane/Insights/stable/2024-02-01/metricBatch.json
 *   (operationId `Batch`), whose default response is common-types v5 ErrorResponse.
 * Request parameters and body, and the response body of every status (200 and the `default` error shape), are
 * checked with ajv; the request's api-version must be the spec's version. One known defect of the
 * Resource Graph spec is handled explicitly, not silenced: `QueryResponse.data` is declared `type: object`,
 * while the service (and the spec's own examples, e.g. ResourcesFirstPageQuery.json) returns a JSON array of
 * row objects for the default `resultFormat: objectArray` (the only format the sandbox answers). So the one issue
 * `data must be object` is replaced by "data must be an array of row objects".
 */
import fs from 'node:fs';
import { expect } from 'vitest';
import { OUT_OF_CONTRACT_HEADER } from '../../devhost/sandbox/contract';
import type { RecordedExchange } from '../../devhost/sandbox/types';
import { createSubsetValidator, specFixture } from './swagger-subset';

export const RESOURCE_GRAPH_SPEC = specFixture('specification/resourcegraph/resource-manager/Microsoft.ResourceGraph/stable/2024-04-01/resourcegraph.json');
export const METRICS_BATCH_SPEC = specFixture('specification/monitor/data-plane/Insights/stable/2024-02-01/metricBatch.json');

interface Checked {
  validator: ReturnType<typeof createSubsetValidator>;
  operationId: string;
  version: string;
  stripPrefix?: RegExp;
}

let specs: Record<string, Checked> | undefined;
function load(): Record<string, Checked> {
  const version = (f: string) => (JSON.parse(fs.readFileSync(f, 'utf8')) as { info: { version: string } }).info.version;
  specs ??= {
    Resources: { validator: createSubsetValidator(RESOURCE_GRAPH_SPEC), operationId: 'Resources', version: version(RESOURCE_GRAPH_SPEC) },
    MetricsBatch_Batch: { validator: createSubsetValidator(METRICS_BATCH_SPEC), operationId: 'Batch', version: version(METRICS_BATCH_SPEC), stripPrefix: /^\/metrics\/[a-z0-9]+/i },
  };
  return specs;
}

/** The sandbox's router labels this check covers. */
export const FLEET_OPERATIONS: ReadonlySet<string> = new Set(['Resources', 'MetricsBatch_Batch']);

export interface FleetContractResult {
  seq: number;
  operationId: string;
  statusCode: number;
  ok: boolean;
  issues: string[];
}

function graphDataIssues(x: RecordedExchange, issues: string[]): string[] {
  const body = x.response.body as { data?: unknown } | undefined;
  if (x.response.statusCode !== 200 || !body || !('data' in body)) return issues;
  const format = (x.request.body as { options?: { resultFormat?: unknown } } | undefined)?.options?.resultFormat ?? 'objectArray';
  // The sandbox answers objectArray only (a table request is its 400).
  if (format !== 'objectArray') return [...issues, `a 200 to resultFormat ${JSON.stringify(format)}: the sandbox answers objectArray only`];
  if (!Array.isArray(body.data)) return [...issues, 'response body/data must be an array of row objects (resultFormat objectArray)'];
  const rest = issues.filter((i) => i !== 'response body/data must be object');
  const bad = body.data.findIndex((r) => !r || typeof r !== 'object' || Array.isArray(r));
  return bad >= 0 ? [...rest, `response body/data/${bad} must be an object (a row of resultFormat objectArray)`] : rest;
}

/** Checks one recorded Resources / MetricsBatch_Batch exchange; a request marked out of contract has only its response checked. */
export function checkFleetExchange(x: RecordedExchange): FleetContractResult {
  const spec = load()[x.operationId];
  if (!spec) return { seq: x.seq, operationId: x.operationId, statusCode: x.response.statusCode, ok: false, issues: [`${x.operationId} is not a Resource Graph or metrics-batch exchange`] };
  const r = spec.validator.validate({ ...x, operationId: spec.operationId }, spec.stripPrefix ? { stripPrefix: spec.stripPrefix } : {});
  let issues = r.issues;
  const apiVersion = new URLSearchParams(x.request.url.includes('?') ? x.request.url.slice(x.request.url.indexOf('?') + 1) : '').get('api-version');
  if (apiVersion !== spec.version) issues.push(`query api-version: '${String(apiVersion)}' is not the spec's ${spec.version}`);
  if (x.operationId === 'Resources') issues = graphDataIssues(x, issues);
  if (x.request.headers[OUT_OF_CONTRACT_HEADER] !== undefined) issues = issues.filter((i) => i.startsWith('response ') || i.startsWith('status '));
  return { seq: x.seq, operationId: x.operationId, statusCode: x.response.statusCode, ok: issues.length === 0, issues };
}

/** Every Resource Graph and metrics-batch exchange of `exchanges` checked; asserts that none breaks the spec. */
export function expectFleetContractClean(exchanges: readonly RecordedExchange[], minChecked = 1): FleetContractResult[] {
  const results = exchanges.filter((x) => FLEET_OPERATIONS.has(x.operationId)).map(checkFleetExchange);
  expect(results.length).toBeGreaterThanOrEqual(minChecked);
  expect(results.filter((r) => !r.ok)).toEqual([]);
  return results;
}

/** Closes a sandbox (if any), then checks every Resource Graph and metrics-batch exchange it recorded against the official Swagger. */
export async function closeCheckingFleetContract(sandbox: { requests: readonly RecordedExchange[]; close(): Promise<void> } | undefined): Promise<void> {
  const seen = [...(sandbox?.requests ?? [])];
  await sandbox?.close();
  expectFleetContractClean(seen, 0);
}
