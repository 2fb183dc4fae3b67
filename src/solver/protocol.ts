/**
 * What crosses the worker boundary (structured clone): the recommend() input,
 * the request's price book and context, the result (as the object, or as its
 * JSON text when the caller only sends it on), and errors in a plain form
 * that the caller rebuilds into the same class (so a 422 stays a 422).
 * The shipped catalog is not sent: the worker loads it itself; only a
 * catalog other than the shipped one travels as its raw data.
 */
import { Catalog, type LatencyMatrix } from '../model/catalog';
import { AppError, InvalidInputError, UnsatisfiableError, type InputIssue } from '../model/errors';
import type { RecommendContext, RecommendInput, Recommendation } from '../model/recommend';
import type { RecommendationJson } from '../app/ports/solver';
import type { PriceBook, Region } from '../model/types';

/** RecommendContext without the Catalog instance (a class, not cloneable as such). */
export interface WireContext {
  prices: PriceBook;
  warnings: string[];
  extraAssumptions?: string[];
  registryId?: string;
  /** Absent: the worker uses the shipped catalog. */
  catalog?: { regions: Region[]; latency: LatencyMatrix };
}

/** How the result comes back: the object (structured clone), or its JSON text, serialised in the worker. */
export type ResultFormat = 'object' | 'json';

export interface SolveRequest {
  id: number;
  input: RecommendInput;
  context: WireContext;
  format: ResultFormat;
}

export interface WireError {
  kind: 'Unsatisfiable' | 'InvalidInput' | 'AppError' | 'Error';
  name: string;
  message: string;
  stack?: string;
  constraint?: string;
  issues?: InputIssue[];
  errorsOmitted?: number;
  /** kind 'AppError': its answer. */
  status?: number;
  code?: string;
  title?: string;
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** A solved request: format 'object' → result; format 'json' → its JSON text and, beside it, its warnings (for the caller's ctx.warnings). */
export type SolvedResponse =
  | { id: number; ok: true; format: 'object'; result: Recommendation; ms: number }
  | { id: number; ok: true; format: 'json'; json: RecommendationJson; warnings: string[]; ms: number };

export type SolveResponse = SolvedResponse | { id: number; ok: false; error: WireError; ms: number };

export function toWireContext(ctx: RecommendContext, shipped: Catalog | undefined): WireContext {
  return {
    prices: ctx.prices,
    warnings: [...ctx.warnings],
    ...(ctx.extraAssumptions ? { extraAssumptions: ctx.extraAssumptions } : {}),
    ...(ctx.registryId !== undefined ? { registryId: ctx.registryId } : {}),
    ...(ctx.catalog === shipped ? {} : { catalog: { regions: [...ctx.catalog.regions], latency: ctx.catalog.latency } }),
  };
}

export function fromWireContext(w: WireContext, shipped: () => Catalog): RecommendContext {
  return {
    catalog: w.catalog ? new Catalog(w.catalog.regions, w.catalog.latency) : shipped(),
    prices: w.prices,
    warnings: w.warnings,
    ...(w.extraAssumptions ? { extraAssumptions: w.extraAssumptions } : {}),
    ...(w.registryId !== undefined ? { registryId: w.registryId } : {}),
  };
}

export function serializeError(e: unknown): WireError {
  const stack = e instanceof Error && e.stack ? { stack: e.stack } : {};
  if (e instanceof UnsatisfiableError) {
    return { kind: 'Unsatisfiable', name: e.name, message: e.message, constraint: e.constraint, issues: e.issues, ...stack };
  }
  if (e instanceof InvalidInputError) {
    return { kind: 'InvalidInput', name: e.name, message: e.message, issues: e.issues, ...(e.errorsOmitted !== undefined ? { errorsOmitted: e.errorsOmitted } : {}), ...stack };
  }
  if (e instanceof AppError) {
    // Its answer crosses the boundary as data (extensions must be cloneable, as problem members are JSON).
    return { kind: 'AppError', name: e.name, message: e.message, status: e.status, code: e.code, title: e.title, extensions: e.extensions, headers: e.headers, ...stack };
  }
  if (e instanceof Error) return { kind: 'Error', name: e.name, message: e.message, ...stack };
  return { kind: 'Error', name: 'Error', message: String(e) };
}

/** An AppError of another class than the two the model throws, rebuilt with its name and answer. */
export class WorkerError extends AppError {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly title: string,
    private readonly ext: Record<string, unknown> = {},
    private readonly hdrs: Record<string, string> = {},
  ) {
    super(message);
  }
  override get extensions(): Record<string, unknown> {
    return this.ext;
  }
  override get headers(): Record<string, string> {
    return this.hdrs;
  }
}

/** The error a worker threw, as the same class (model errors) or the same answer (other AppErrors); anything else stays a plain Error of that name (a 500). */
export function rebuildError(w: WireError): Error {
  let e: Error;
  if (w.kind === 'Unsatisfiable') e = new UnsatisfiableError(w.message, w.constraint ?? 'constraints', w.issues ?? []);
  else if (w.kind === 'InvalidInput') e = new InvalidInputError(w.issues ?? [], w.message, w.errorsOmitted !== undefined ? { errorsOmitted: w.errorsOmitted } : {});
  else if (w.kind === 'AppError' && typeof w.status === 'number' && typeof w.code === 'string') {
    e = new WorkerError(w.message, w.status, w.code, w.title ?? w.name, w.extensions ?? {}, w.headers ?? {});
  } else e = new Error(w.message);
  e.name = w.name;
  if (w.stack) e.stack = `${w.stack}\n    (thrown in a solver worker thread)`;
  return e;
}
