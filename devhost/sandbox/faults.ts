/**
 * Fault injection, switchable at run time from code (`sandbox.faults.set(...)`) or over HTTP
 * (`POST /_sandbox/faults`). A rule applies to every ARM request, or only to one registry
 * (`registry`), operations (`operations`: Swagger operationIds, `OperationStatus`, `OperationResult`)
 * or HTTP methods.
 */
import { mulberry32 } from './prng';

export interface ThrottleFault {
  /** Number of requests to throttle (default: unlimited while the rule is set). */
  count?: number;
  /** Chance that a matching request is throttled (default 1). */
  probability?: number;
  /** Retry-After header in seconds (default 1). */
  retryAfterSeconds?: number;
}

export interface ServerErrorFault {
  /** Number of requests to fail; omit (or persistent: true) to fail until cleared. */
  count?: number;
  persistent?: boolean;
  probability?: number;
  /** 500 (default), 502, 503 or 504. */
  statusCode?: number;
  code?: string;
  message?: string;
}

export interface FailLroFault {
  /** The Nth replica creation matching the rule fails with provisioningState Failed (default 1). */
  nth?: number;
  code?: string;
  message?: string;
}

export interface FaultRule {
  /** Free label, echoed in the request log; generated when absent. */
  name?: string;
  /** Registry name (case-insensitive); absent or '*' = all requests. */
  registry?: string;
  /** Only these operations (e.g. `Replications_Create`, `Metrics_List`, `OperationStatus`). */
  operations?: string[];
  /** Only these HTTP methods. */
  methods?: string[];
  throttle?: ThrottleFault;
  serverError?: ServerErrorFault;
  failLro?: FailLroFault;
  /** Added latency (ms) for matching requests. */
  latencyMs?: number;
}

export interface FaultRuleStatus extends FaultRule {
  name: string;
  /** Times the rule shaped a response. */
  hits: number;
  /** Remaining throttles/errors for counted rules; null = unlimited. */
  remaining: number | null;
  /** Replica creations seen by a failLro rule. */
  createsSeen: number;
  exhausted: boolean;
}

export interface RequestContext {
  method: string;
  operationId: string;
  registry?: string;
}

export interface FaultDecision {
  latencyMs: number;
  /** When set, the sandbox answers with this instead of handling the request. */
  respond?: { statusCode: number; headers: Record<string, string>; code: string; message: string };
  rule?: string;
}

export class FaultController {
  private rules: FaultRuleStatus[] = [];
  private counter = 0;
  private rnd = mulberry32(7);

  /** Replaces all rules. */
  set(rules: FaultRule | FaultRule[]): FaultRuleStatus[] {
    this.rules = [];
    for (const r of Array.isArray(rules) ? rules : [rules]) this.add(r);
    return this.list();
  }

  /** Adds one rule. */
  add(rule: FaultRule): FaultRuleStatus {
    validateRule(rule);
    const remaining = rule.throttle?.count ?? (rule.serverError && !rule.serverError.persistent ? rule.serverError.count : undefined);
    const status: FaultRuleStatus = {
      ...rule,
      name: rule.name ?? `fault-${++this.counter}`,
      hits: 0,
      remaining: remaining ?? null,
      createsSeen: 0,
      exhausted: false,
    };
    this.rules.push(status);
    return status;
  }

  clear(): void {
    this.rules = [];
    this.rnd = mulberry32(7);
  }

  list(): FaultRuleStatus[] {
    return this.rules.map((r) => ({ ...r }));
  }

  private matches(rule: FaultRuleStatus, ctx: RequestContext): boolean {
    if (rule.exhausted) return false;
    if (rule.registry && rule.registry !== '*' && rule.registry.toLowerCase() !== (ctx.registry ?? '').toLowerCase()) return false;
    if (rule.operations && !rule.operations.some((o) => o.toLowerCase() === ctx.operationId.toLowerCase())) return false;
    if (rule.methods && !rule.methods.some((m) => m.toUpperCase() === ctx.method.toUpperCase())) return false;
    return true;
  }

  /** Decides what happens to one ARM request. */
  onRequest(ctx: RequestContext): FaultDecision {
    let latencyMs = 0;
    let respond: FaultDecision['respond'];
    let ruleName: string | undefined;
    for (const rule of this.rules) {
      if (!this.matches(rule, ctx)) continue;
      if (rule.latencyMs) {
        latencyMs += rule.latencyMs;
        if (!rule.throttle && !rule.serverError && !rule.failLro) rule.hits += 1;
      }
      if (respond) continue;
      if (rule.throttle && this.roll(rule.throttle.probability)) {
        const retryAfter = rule.throttle.retryAfterSeconds ?? 1;
        respond = {
          statusCode: 429,
          headers: { 'retry-after': String(retryAfter) },
          code: 'TooManyRequests',
          message: `The request is being throttled (sandbox fault '${rule.name}'). Retry after ${retryAfter} seconds.`,
        };
        this.consume(rule);
        ruleName = rule.name;
      } else if (rule.serverError && this.roll(rule.serverError.probability)) {
        const statusCode = rule.serverError.statusCode ?? 500;
        respond = {
          statusCode,
          headers: {},
          code: rule.serverError.code ?? (statusCode === 503 ? 'ServiceUnavailable' : 'InternalServerError'),
          message: rule.serverError.message ?? `Encountered an internal server error (sandbox fault '${rule.name}').`,
        };
        this.consume(rule);
        ruleName = rule.name;
      }
    }
    return { latencyMs, ...(respond ? { respond } : {}), ...(ruleName ? { rule: ruleName } : {}) };
  }

  /** Called once per replica creation; returns the failure to inject, if any. */
  onReplicaCreate(ctx: RequestContext): { code: string; message: string; rule: string } | undefined {
    for (const rule of this.rules) {
      if (!rule.failLro || !this.matches(rule, ctx)) continue;
      rule.createsSeen += 1;
      if (rule.createsSeen === (rule.failLro.nth ?? 1)) {
        rule.hits += 1;
        rule.exhausted = true;
        return {
          code: rule.failLro.code ?? 'ReplicationProvisioningFailed',
          message: rule.failLro.message ?? `The replication could not be provisioned (sandbox fault '${rule.name}').`,
          rule: rule.name,
        };
      }
    }
    return undefined;
  }

  private roll(probability: number | undefined): boolean {
    return probability === undefined || probability >= 1 || this.rnd() < probability;
  }

  private consume(rule: FaultRuleStatus): void {
    rule.hits += 1;
    if (rule.remaining !== null) {
      rule.remaining -= 1;
      if (rule.remaining <= 0) rule.exhausted = true;
    }
  }
}

function validateRule(rule: FaultRule): void {
  if (typeof rule !== 'object' || rule === null) throw new Error('A fault rule must be an object.');
  const checkCount = (n: unknown, what: string) => {
    if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 1)) throw new Error(`${what} must be a positive integer.`);
  };
  const checkProb = (p: unknown, what: string) => {
    if (p !== undefined && (typeof p !== 'number' || p < 0 || p > 1)) throw new Error(`${what} must be between 0 and 1.`);
  };
  checkCount(rule.throttle?.count, 'throttle.count');
  checkProb(rule.throttle?.probability, 'throttle.probability');
  checkCount(rule.serverError?.count, 'serverError.count');
  checkProb(rule.serverError?.probability, 'serverError.probability');
  checkCount(rule.failLro?.nth, 'failLro.nth');
  if (rule.serverError?.statusCode !== undefined && (rule.serverError.statusCode < 500 || rule.serverError.statusCode > 599)) {
    throw new Error('serverError.statusCode must be 5xx.');
  }
  if (rule.latencyMs !== undefined && (typeof rule.latencyMs !== 'number' || rule.latencyMs < 0)) throw new Error('latencyMs must be >= 0.');
}
