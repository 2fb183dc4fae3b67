/**
 * Contract check of recorded sandbox traffic against the official Swagger in shared/specs, with
 * oav's in-process LiveValidator (offline: git.shouldClone=false). Used by the tests only.
 * Specs dir: $ACR_SPECS_DIR, else `<repoRoot>/../shared/specs`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RecordedExchange } from './types';

/** Router labels of sandbox endpoints that are not Swagger operations (LRO status/result URLs, control plane). */
export const NON_SWAGGER_OPERATIONS: ReadonlySet<string> = new Set(['OperationStatus', 'OperationResult', 'Sandbox', 'Unknown', ...OAV_UNROUTABLE_OPERATIONS(), ...FLEET_OPERATIONS()]);

/**
 * Resource Graph (`Resources`, Microsoft.ResourceGraph 2024-04-01) and the metrics batch data plane
 * (`MetricsBatch_Batch`, Monitor metricBatch 2024-02-01): their Swagger is not in shared/specs but in
 * test/fixtures/specs (PROVENANCE.md), and test/helpers/fleet-contract.ts checks their requests and
 * responses with ajv (#16), so LiveValidator skips them.
 */
function FLEET_OPERATIONS(): string[] {
  return ['Resources', 'MetricsBatch_Batch'];
}

/**
 * Swagger operations oav 4.0.3 cannot route, so LiveValidator cannot check them: Permissions_ListForResource
 * (Microsoft.Authorization 2022-04-01) templates `{resourceProviderNamespace}/{parentResourcePath}/{resourceType}/{resourceName}`,
 * and a top-level registry has no parent path (OPERATION_NOT_FOUND_IN_CACHE). Their bodies are checked against
 * the copied Swagger definitions instead (test/functions/plans.test.ts, #15).
 */
function OAV_UNROUTABLE_OPERATIONS(): string[] {
  return ['Permissions_ListForResource'];
}

/** Request header a test sets on a deliberately out-of-contract request (its request side is not checked). */
export const OUT_OF_CONTRACT_HEADER = 'x-test-out-of-contract';

export function findRepoRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'acr-geoplanner') return dir;
      } catch {
        /* keep looking */
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export function specsDir(): string {
  return process.env['ACR_SPECS_DIR'] ? path.resolve(process.env['ACR_SPECS_DIR']) : path.resolve(findRepoRoot(), '../shared/specs');
}

export interface OavPair {
  liveRequest: { url: string; method: string; headers: Record<string, string>; body?: unknown };
  liveResponse: { statusCode: string; headers: Record<string, string>; body?: unknown };
}

/** A recorded exchange in oav's traffic shape, with the https://management.azure.com host. */
export function toOavPair(x: RecordedExchange): OavPair {
  const pathAndQuery = x.request.url.replace(/^\/{2,}/, '/');
  return {
    liveRequest: {
      url: `https://management.azure.com${pathAndQuery}`,
      method: x.request.method,
      headers: x.request.headers,
      ...(x.request.body !== undefined ? { body: x.request.body } : {}),
    },
    liveResponse: {
      statusCode: String(x.response.statusCode),
      headers: x.response.headers,
      ...(x.response.body !== undefined ? { body: x.response.body } : {}),
    },
  };
}

export interface ContractIssue {
  side: 'request' | 'response' | 'runtime';
  code: string;
  message: string;
  path?: string;
}

export interface ContractResult {
  operationId: string;
  matchedOperationId: string;
  apiVersion: string;
  ok: boolean;
  issues: ContractIssue[];
}

export interface ContractValidator {
  validatePair(pair: OavPair): Promise<ContractResult>;
  /** Validates every Swagger-covered exchange; returns one result per validated exchange. */
  validateExchanges(exchanges: RecordedExchange[]): Promise<Array<ContractResult & { seq: number; method: string; url: string; statusCode: number }>>;
}

interface LiveValidationResultLike {
  isSuccessful?: boolean;
  errors: Array<{ code: string; message: string; pathsInPayload?: string[] }>;
  runtimeException?: { code: string; message: string };
  operationInfo: { operationId: string; apiVersion: string };
}
interface LiveValidatorLike {
  initialize(): Promise<void>;
  validateLiveRequestResponse(pair: OavPair): Promise<{
    requestValidationResult: LiveValidationResultLike;
    responseValidationResult: LiveValidationResultLike;
    runtimeException?: { code: string; message: string };
  }>;
}

export async function createContractValidator(dir: string = specsDir()): Promise<ContractValidator> {
  if (!fs.existsSync(dir)) throw new Error(`Swagger specs not found at ${dir} (set ACR_SPECS_DIR).`);
  const oav = require('oav') as { LiveValidator: new (options: Record<string, unknown>, log?: (m: string, level: string) => void) => LiveValidatorLike };
  const logs: string[] = [];
  const validator = new oav.LiveValidator(
    {
      directory: dir,
      swaggerPathsPattern: ['specification/**/*.json'],
      excludedSwaggerPathsPattern: ['**/examples/**', '**/common-types/**'],
      git: { shouldClone: false },
    },
    (message, level) => {
      if (level === 'error') logs.push(message);
    },
  );
  // oav 4.0.3 prints a bare "error" (console.error) for every loaded file without `paths`
  // (e.g. the GetMetric.json example it tries to load as a spec): drop exactly that noise.
  const consoleError = console.error;
  console.error = (...args: unknown[]) => {
    if (args.length === 1 && args[0] === 'error') return;
    consoleError(...args);
  };
  try {
    await validator.initialize();
  } finally {
    console.error = consoleError;
  }

  async function validatePair(pair: OavPair): Promise<ContractResult> {
    const r = await validator.validateLiveRequestResponse(pair);
    const issues: ContractIssue[] = [];
    for (const [side, res] of [
      ['request', r.requestValidationResult],
      ['response', r.responseValidationResult],
    ] as const) {
      for (const e of res.errors) issues.push({ side, code: e.code, message: e.message, ...(e.pathsInPayload?.[0] ? { path: e.pathsInPayload[0] } : {}) });
      if (res.runtimeException) issues.push({ side: 'runtime', code: res.runtimeException.code, message: res.runtimeException.message });
    }
    if (r.runtimeException) issues.push({ side: 'runtime', code: r.runtimeException.code, message: r.runtimeException.message });
    const info = r.requestValidationResult.operationInfo;
    return { operationId: info.operationId, matchedOperationId: info.operationId, apiVersion: info.apiVersion, ok: issues.length === 0, issues };
  }

  return {
    validatePair,
    async validateExchanges(exchanges) {
      const out = [];
      for (const x of exchanges) {
        if (NON_SWAGGER_OPERATIONS.has(x.operationId)) continue;
        const outOfContract = x.request.headers[OUT_OF_CONTRACT_HEADER] !== undefined;
        const res = await validatePair(toOavPair(x));
        if (outOfContract) {
          // A deliberately invalid request (bad body, unsupported api-version): only the response is checked,
          // and only when oav could match the operation.
          if (res.matchedOperationId !== x.operationId) continue;
          res.issues = res.issues.filter((i) => i.side === 'response');
          res.ok = res.issues.length === 0;
        }
        const mismatch = res.matchedOperationId !== x.operationId;
        out.push({
          ...res,
          operationId: x.operationId,
          ok: res.ok && !mismatch,
          issues: mismatch
            ? [...res.issues, { side: 'runtime' as const, code: 'OPERATION_MISMATCH', message: `sandbox routed ${x.operationId}, oav matched ${res.matchedOperationId}` }]
            : res.issues,
          seq: x.seq,
          method: x.request.method,
          url: x.request.url,
          statusCode: x.response.statusCode,
        });
      }
      return out;
    },
  };
}
