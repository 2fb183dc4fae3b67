/**
 * How an HTTP function is declared: a route with one operation per method.
 * The declaration is data (route, methods, auth level, OpenAPI doc) plus a
 * dispatching handler, so the same table feeds `app.http` (Azure / func
 * start), the local host and /api/openapi.json.
 */
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { BadRequestError, MethodNotAllowedError, PayloadTooLargeError, UnsupportedMediaTypeError, problemResponse } from './problem';
import { invalidRequestError, jsonShapeIssue, requestIssues, truncateForEcho } from './validate';
import { getServices, type Services } from '../composition';
import type { InputIssue } from '../model/errors';
import type { JsonText } from '../model/json-text';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type Method = (typeof HTTP_METHODS)[number];

export interface RequestContext {
  request: HttpRequest;
  context: InvocationContext;
  params: Record<string, string>;
  query: URLSearchParams;
  services: Services;
}

export type Operation = (rc: RequestContext) => Promise<HttpResponseInit>;

export interface ParameterDoc {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  description: string;
  schema: object;
}

export interface OperationDoc {
  summary: string;
  description?: string;
  tags?: string[];
  parameters?: ParameterDoc[];
  requestSchema?: object;
  /** status → description (+ schema of the JSON body, when there is one). */
  responses: Record<string, { description: string; schema?: object; contentType?: string }>;
}

export interface OperationDef {
  run: Operation;
  doc: OperationDoc;
}

export interface HttpEndpoint {
  kind: 'http';
  name: string;
  /** Functions route template, without the `api/` prefix, e.g. `plans/{id}/approve`. */
  route: string;
  authLevel: 'anonymous' | 'function' | 'admin';
  operations: Partial<Record<Method, OperationDef>>;
  handler: HttpHandler;
}

/** Longest path parameter accepted, in characters (the host caps the whole request line at ~16 KiB anyway). */
export const MAX_PATH_PARAM_LENGTH = 2048;

/**
 * Path parameters as the handler gets them, checked: a value that is not
 * well-formed text (a lone surrogate, a control character: what a malformed
 * or hostile escape decodes to) or longer than MAX_PATH_PARAM_LENGTH is a 400
 * naming the parameter.
 */
export function checkPathParams(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value !== 'string') continue;
    if (value.length > MAX_PATH_PARAM_LENGTH) {
      throw new BadRequestError(`Path parameter '${name}' is ${value.length} characters long; at most ${MAX_PATH_PARAM_LENGTH} are accepted.`, [
        { pointer: `/${name}`, message: `is longer than ${MAX_PATH_PARAM_LENGTH} characters`, code: 'maxLength' },
      ]);
    }
    if (/[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value)) {
      throw new BadRequestError(`Path parameter '${name}' contains a control character or a malformed escape.`, [
        { pointer: `/${name}`, message: 'contains a control character or a malformed escape', code: 'malformedEscape' },
      ]);
    }
    out[name] = value;
  }
  return out;
}

/** The request URL, or a 400: a host could hand over one `new URL` refuses. */
function requestUrl(raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw new BadRequestError('The request URL is not valid.', [{ pointer: '', message: 'the request URL cannot be parsed', code: 'url' }]);
  }
}

/** The path as a problem's `instance`, unless it is too long to echo back (then none). */
export function problemInstance(pathname: string): string | undefined {
  return pathname.length <= MAX_PATH_PARAM_LENGTH / 2 ? pathname : undefined;
}

/** Declares an HTTP function; its handler answers 405 (+ Allow) for methods it has no operation for. */
export function httpEndpoint(def: Omit<HttpEndpoint, 'kind' | 'handler'>): HttpEndpoint {
  const allow = Object.keys(def.operations) as Method[];
  const handler: HttpHandler = async (request, context) => {
    let instance: string | undefined;
    try {
      const url = requestUrl(request.url);
      instance = problemInstance(url.pathname);
      const method = request.method.toUpperCase();
      const op = Object.hasOwn(def.operations, method) ? def.operations[method as Method] : undefined;
      if (!op) throw new MethodNotAllowedError(method, allow);
      const params = checkPathParams({ ...request.params });
      return await op.run({ request, context, params, query: url.searchParams, services: getServices() });
    } catch (err) {
      const res = problemResponse(err, instance, context.invocationId);
      if (res.status === 500) context.error(`${def.name}: unhandled error`, err);
      return res;
    }
  };
  return { kind: 'http', ...def, handler };
}

/** Reads and validates a JSON body: 415 for non-JSON, 413 over the limit, 400 listing the problems (the first 50, + errorsOmitted). */
export async function readJsonBody<T>(
  rc: RequestContext,
  schema: object,
  semantic?: (body: unknown) => InputIssue[],
): Promise<T> {
  const contentType = rc.request.headers.get('content-type');
  if (!contentType || !/^application\/([\w.+-]+\+)?json\b/i.test(contentType.trim())) {
    throw new UnsupportedMediaTypeError(contentType);
  }
  const limit = rc.services.settings.http.maxBodyBytes;
  const declared = Number(rc.request.headers.get('content-length') ?? '0');
  if (declared > limit) throw new PayloadTooLargeError(limit);
  const buf = Buffer.from(await rc.request.arrayBuffer());
  if (buf.length > limit) throw new PayloadTooLargeError(limit);
  if (buf.length === 0) throw new BadRequestError('The request body is empty; send a JSON object.', [{ pointer: '', message: 'body is required', code: 'required' }]);
  // Shape bounds on the raw bytes first: parsing a megabyte of tiny values is itself the expensive part.
  const shape = jsonShapeIssue(buf);
  if (shape) throw invalidRequestError([shape]);
  let body: unknown;
  try {
    body = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw new BadRequestError(`The body is not valid JSON: ${truncateForEcho((e as Error).message, 200)}`, [{ pointer: '', message: 'is not valid JSON', code: 'json' }]);
  }
  // Size bounds first (cheap), then ajv, then the semantic checks; the 400 lists at most 50 issues.
  const issues = requestIssues(schema, body, semantic);
  if (issues.length > 0) throw invalidRequestError(issues);
  return body as T;
}

/** The required `?format=` query parameter, one of `formats`; 400 naming the allowed values otherwise. */
export function formatParam<F extends string>(query: URLSearchParams, formats: readonly F[]): F {
  const format = query.get('format');
  if (!format || !(formats as readonly string[]).includes(format)) {
    throw new BadRequestError(`format must be one of ${formats.join(', ')}`, [{ pointer: '/format', message: `must be one of ${formats.join(', ')}`, code: 'enum' }]);
  }
  return format as F;
}

/** A text file to download (exports): its content type and an attachment file name. */
export function download(file: { contentType: string; fileName: string; body: string }): HttpResponseInit {
  return { status: 200, headers: { 'Content-Type': file.contentType, 'Content-Disposition': `attachment; filename="${file.fileName}"` }, body: file.body };
}

/** A JSON answer serialised already (toJsonText in src/model/json-text.ts): sent as it is, with the JSON content type of json(). */
export function jsonText(text: JsonText<unknown>, status = 200, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body: text };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): HttpResponseInit {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body, null, 2),
  };
}
