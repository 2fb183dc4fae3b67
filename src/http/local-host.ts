/**
 * The local host: serves the registered HTTP functions at /api/<route> the
 * way the Functions host does, with real `@azure/functions` HttpRequest /
 * InvocationContext objects, so `npm start` runs the very handlers Azure runs.
 * (Azure Functions Core Tools can't be installed here; users with it can
 * still run `func start`.)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';
import type { HttpEndpoint } from './endpoint';
import { HttpError, NotFoundError, PayloadTooLargeError, problemResponse } from './problem';

export interface CompiledRoute {
  endpoint: HttpEndpoint;
  regex: RegExp;
  names: string[];
}

/** Functions route template → regex. Supports `{name}`, `{name:constraint}`, `{name?}` and `{*rest}`. */
export function compileRoute(endpoint: HttpEndpoint): CompiledRoute {
  const names: string[] = [];
  const parts = endpoint.route.split('/').map((seg) => {
    const m = /^\{(\*)?([^}:?]+)(?::[^}?]+)?(\?)?\}$/.exec(seg);
    if (!m) return { re: `/${seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, optional: false };
    names.push(m[2] ?? '');
    if (m[1]) return { re: '(?:/(.*))?', optional: true };
    return { re: m[3] ? '(?:/([^/]+))?' : '/([^/]+)', optional: Boolean(m[3]) };
  });
  return { endpoint, regex: new RegExp(`^/api${parts.map((p) => p.re).join('')}/?$`, 'i'), names };
}

export function matchRoute(routes: readonly CompiledRoute[], pathname: string): { route: CompiledRoute; params: Record<string, string> } | undefined {
  for (const route of routes) {
    const m = route.regex.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.names.forEach((n, i) => {
      const v = m[i + 1];
      if (v !== undefined) params[n] = decodeURIComponent(v);
    });
    return { route, params };
  }
  return undefined;
}

export interface LocalHostOptions {
  endpoints: readonly HttpEndpoint[];
  maxBodyBytes: number;
  /** One line per request; defaults to console.log. */
  log?: (line: string) => void;
  /** Extra non-/api handlers (static page, admin endpoints); return true when handled. */
  extraHandlers?: ((req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<boolean>)[];
}

export interface LocalHost {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => (tooLarge ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

async function send(res: ServerResponse, init: HttpResponseInit): Promise<number> {
  const response = new HttpResponse(init);
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => {
    headers[k] = v;
  });
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, { ...headers, 'content-length': String(body.length) });
  res.end(body);
  return response.status;
}

export async function startLocalHost(opts: LocalHostOptions & { port: number; host?: string }): Promise<LocalHost> {
  const routes = opts.endpoints.map(compileRoute);
  const log = opts.log ?? ((line: string) => console.log(line));
  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const method = (req.method ?? 'GET').toUpperCase();
    let label = url.pathname;
    const done = (status: number): void => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log(`${new Date().toISOString()} ${method} ${label} ${status} ${ms.toFixed(1)}ms`);
    };
    const handle = async (): Promise<number> => {
      let body: Buffer;
      try {
        body = await readBody(req, opts.maxBodyBytes);
      } catch (e) {
        if (e instanceof BodyTooLarge) {
          res.setHeader('connection', 'close');
          return send(res, problemResponse(new PayloadTooLargeError(opts.maxBodyBytes), url.pathname));
        }
        throw e;
      }
      for (const extra of opts.extraHandlers ?? []) {
        if (await extra(req, res, body)) return res.statusCode;
      }
      const match = matchRoute(routes, url.pathname);
      if (!match) {
        return send(res, problemResponse(new NotFoundError(`No function serves ${url.pathname} (GET /api/openapi.json lists the routes).`), url.pathname));
      }
      const { endpoint } = match.route;
      label = `/api/${endpoint.route}`;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      const request = new HttpRequest({
        method,
        url: url.toString(),
        headers,
        query: Object.fromEntries(url.searchParams),
        params: match.params,
        ...(body.length > 0 ? { body: { bytes: body } } : {}),
      });
      const invocationId = randomUUID();
      const context = new InvocationContext({
        invocationId,
        functionName: endpoint.name,
        logHandler: (level, ...args) => {
          const text = args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
          log(`  [${level}] ${endpoint.name} ${invocationId}: ${text}`);
        },
      });
      const result = await endpoint.handler(request, context);
      return send(res, result ?? { status: 204 });
    };
    handle().then(done, async (err: unknown) => {
      log(`  [error] ${method} ${url.pathname}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      const status = res.headersSent ? res.statusCode : await send(res, problemResponse(err instanceof HttpError ? err : new Error('internal'), url.pathname)).catch(() => 500);
      done(status);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
