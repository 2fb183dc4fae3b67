/** ARM sandbox: one HTTP exchange (parse, authenticate, throttle, inject faults, dispatch, record, write). */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { READS_REMAINING_HEADER, subscriptionOfPath } from '../arm-limits';
import { METRICS_BATCH_PATH } from '../metrics-batch';
import { RESOURCE_GRAPH_API_VERSION, RESOURCE_GRAPH_PATH } from '../resource-graph';
import { ArmError, lowerHeaders, readBody, requireApiVersion, sleep, type Reply } from './common';
import { record, type ArmContext } from './context';
import { handleControl } from './control';
import { flattenMetricsError } from './metrics';
import { handleArm, matchRoute } from './routes';

/** What is known about the exchange so far (filled in as the request goes through). */
interface Exchange {
  started: number;
  method: string;
  rawUrl: string;
  path: string;
  query: URLSearchParams;
  reqHeaders: Record<string, string>;
  requestId: string;
  correlationId: string;
  operationId: string;
  reqBody: unknown;
  faultName: string | undefined;
  readHeaders: Record<string, string>;
  isControl: boolean;
}

function parseExchange(req: http.IncomingMessage): Exchange {
  const started = Date.now();
  const method = (req.method ?? 'GET').toUpperCase();
  const rawUrl = req.url ?? '/';
  // Not `new URL(rawUrl, base)`: a path starting with '//' would be read as a host.
  const qIdx = rawUrl.indexOf('?');
  const query = new URLSearchParams(qIdx >= 0 ? rawUrl.slice(qIdx + 1) : '');
  let path = (qIdx >= 0 ? rawUrl.slice(0, qIdx) : rawUrl).replace(/\/{2,}/g, '/');
  try {
    path = decodeURIComponent(path);
  } catch {
    /* keep it encoded */
  }
  const reqHeaders = lowerHeaders(req.headers);
  const requestId = randomUUID();
  const correlationId = reqHeaders['x-ms-correlation-request-id'] ?? randomUUID();
  const isControl = path.startsWith('/_sandbox');
  return { started, method, rawUrl, path, query, reqHeaders, requestId, correlationId, operationId: 'Unknown', reqBody: undefined, faultName: undefined, readHeaders: {}, isControl };
}

async function readJsonBody(req: http.IncomingMessage, ex: Exchange): Promise<void> {
  const text = await readBody(req);
  if (text.length > 0) {
    try {
      ex.reqBody = JSON.parse(text);
    } catch {
      ex.reqBody = text;
      throw new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: not JSON.');
    }
  }
}

/** Resource Graph and the metrics batch data plane: their own quotas, not ARM's read bucket. */
function handleGraphOrBatch(ctx: ArmContext, ex: Exchange, graph: boolean, batch: RegExpExecArray | null): Reply {
  const { method, query, reqBody } = ex;
  ex.operationId = graph ? 'Resources' : 'MetricsBatch_Batch';
  const auth = ex.reqHeaders['authorization'];
  if (!auth || !/^Bearer\s+\S+/i.test(auth)) throw new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
  if (method !== 'POST') throw new ArmError(405, 'MethodNotAllowed', `The method ${method} is not allowed for this resource.`);
  if (graph) {
    requireApiVersion(query, RESOURCE_GRAPH_API_VERSION, 'resources');
    return ctx.resourceGraph.handle(auth, reqBody);
  }
  return ctx.metricsBatch.handle(batch?.[1] ?? '', batch?.[2] ?? '', query, reqBody);
}

/** ARM's read token bucket per subscription: throws 429 when empty, else sets the remaining-reads header. */
function admitRead(ctx: ArmContext, ex: Exchange): void {
  const { readLimit } = ctx;
  const readSub = ex.method === 'GET' && readLimit ? subscriptionOfPath(ex.path) : undefined;
  const admission = readSub && readLimit ? readLimit.admit(readSub) : undefined;
  if (admission && !admission.ok) {
    throw Object.assign(new ArmError(429, 'SubscriptionRequestsThrottled', `Number of 'read' requests for subscription '${readSub}' actor '${ex.correlationId}' exceeded. Please try again after '${admission.retryAfterSeconds}' seconds after the additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`), { retryAfterSeconds: admission.retryAfterSeconds });
  }
  if (admission?.ok) ex.readHeaders = { [READS_REMAINING_HEADER]: String(admission.remaining) };
}

async function handleArmRequest(ctx: ArmContext, ex: Exchange): Promise<Reply> {
  const { method, path } = ex;
  const matched = matchRoute(path, method);
  if (matched) ex.operationId = matched.operationId;
  const auth = ex.reqHeaders['authorization'];
  if (!auth || !/^Bearer\s+\S+/i.test(auth)) {
    throw new ArmError(
      401,
      'AuthenticationFailed',
      auth ? "Authentication failed. The 'Authorization' header is not a Bearer token." : "Authentication failed. The 'Authorization' header is missing.",
    );
  }
  if (!matched) {
    throw new ArmError(404, 'InvalidResourceType', `The resource type could not be found in the namespace for path '${path}' (ARM sandbox).`);
  }
  const registryName = matched.kind === 'list' || matched.kind === 'listRg' ? undefined : matched.m[3];
  admitRead(ctx, ex);
  const decision = ctx.faults.onRequest({ method, operationId: ex.operationId, ...(registryName ? { registry: registryName } : {}) });
  await sleep((ctx.options.latencyMs ?? 0) + decision.latencyMs);
  if (decision.respond) {
    ex.faultName = decision.rule;
    return {
      statusCode: decision.respond.statusCode,
      headers: decision.respond.headers,
      body: { error: { code: decision.respond.code, message: decision.respond.message } },
    };
  }
  return handleArm(ctx, matched.kind, matched.m, method, path, ex.query, ex.reqBody);
}

async function dispatch(ctx: ArmContext, req: http.IncomingMessage, ex: Exchange): Promise<Reply> {
  await readJsonBody(req, ex);
  const graph = RESOURCE_GRAPH_PATH.test(ex.path);
  const batch = METRICS_BATCH_PATH.exec(ex.path);
  if (ex.isControl) {
    ex.operationId = 'Sandbox';
    return handleControl(ctx, ex.method, ex.path, ex.query, ex.reqBody);
  }
  if (graph || batch) return handleGraphOrBatch(ctx, ex, graph, batch);
  return handleArmRequest(ctx, ex);
}

function errorReply(e: unknown): Reply {
  if (e instanceof ArmError) {
    const retryAfterSeconds = (e as ArmError & { retryAfterSeconds?: number }).retryAfterSeconds;
    return {
      statusCode: e.statusCode,
      headers:
        e.statusCode === 401
          ? { 'www-authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"' }
          : retryAfterSeconds !== undefined
            ? { 'retry-after': String(retryAfterSeconds), [READS_REMAINING_HEADER]: '0' }
            : {},
      body: { error: { code: e.code, message: e.message } },
    };
  }
  return { statusCode: 500, body: { error: { code: 'InternalServerError', message: `ARM sandbox bug: ${(e as Error).message}` } } };
}

function writeReply(ctx: ArmContext, ex: Exchange, reply: Reply, res: http.ServerResponse): void {
  const headers: Record<string, string> = {
    'x-ms-request-id': ex.requestId,
    'x-ms-correlation-request-id': ex.correlationId,
    'cache-control': 'no-cache',
    ...ex.readHeaders,
    ...(reply.headers ?? {}),
  };
  let payload: string | undefined;
  if (reply.body !== undefined && reply.statusCode !== 204) {
    payload = JSON.stringify(reply.body);
    headers['content-type'] = 'application/json; charset=utf-8';
    headers['content-length'] = String(Buffer.byteLength(payload));
  } else {
    headers['content-length'] = '0';
  }
  if (!ex.isControl) {
    record(ctx, {
      seq: ++ctx.recorder.seq,
      time: new Date(ex.started).toISOString(),
      operationId: ex.operationId,
      request: { method: ex.method, url: ex.rawUrl, headers: ex.reqHeaders, ...(ex.reqBody !== undefined ? { body: ex.reqBody } : {}) },
      response: { statusCode: reply.statusCode, headers: { ...headers }, ...(payload !== undefined ? { body: reply.body } : {}) },
      durationMs: Date.now() - ex.started,
      ...(ex.faultName ? { fault: ex.faultName } : {}),
    });
  }
  res.writeHead(reply.statusCode, headers);
  res.end(payload);
}

export async function handleRequest(ctx: ArmContext, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const ex = parseExchange(req);
  let reply: Reply;
  try {
    reply = await dispatch(ctx, req, ex);
  } catch (e) {
    reply = errorReply(e);
  }
  writeReply(ctx, ex, flattenMetricsError(ex.operationId, reply), res);
}
