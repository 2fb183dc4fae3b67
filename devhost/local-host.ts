/**
 * The local host: serves the registered HTTP functions at /api/<route> the
 * way the Functions host does, with real `@azure/functions` HttpRequest /
 * InvocationContext objects, so `npm start` runs the very handlers Azure runs.
 * (Azure Functions Core Tools can't be installed here; users with it can
 * still run `func start`.)
 */
import { createServer, maxHeaderSize, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { problemInstance, type HttpEndpoint } from '../src/http/endpoint';
import { BadRequestError, HttpError, MethodNotAllowedError, NotFoundError, PayloadTooLargeError, PROBLEM_CONTENT_TYPE, problemResponse, toProblem } from '../src/http/problem';

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

/** Untrusted text for a message or a log line: control characters escaped, at most `max` characters. */
export function clip(text: string, max = 200): string {
  const safe = text.slice(0, max).replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return text.length > max ? `${safe}…` : safe;
}

/** Matches a path against the routes; a parameter with a malformed percent-escape is a 400 naming it. */
export function matchRoute(routes: readonly CompiledRoute[], pathname: string): { route: CompiledRoute; params: Record<string, string> } | undefined {
  for (const route of routes) {
    const m = route.regex.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.names.forEach((n, i) => {
      const v = m[i + 1];
      if (v === undefined) return;
      try {
        params[n] = decodeURIComponent(v);
      } catch {
        throw new BadRequestError(`Path parameter '${n}' has a malformed percent-escape: '${clip(v, 100)}'.`, [
          { pointer: `/${n}`, message: 'has a malformed percent-escape (% must be followed by two hex digits forming UTF-8)', code: 'malformedEscape' },
        ]);
      }
    });
    return { route, params };
  }
  return undefined;
}

/** reg-name / IPv4 / [IPv6], optional port: what a Host header may hold (RFC 9110 §7.2, RFC 3986 §3.2.2). */
const HOST_RE = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::[0-9]{0,5})?$/;

/**
 * The URL of a request from its request target and Host header, or a 400.
 * The target is never resolved against a base (that reads `//x/y` as host
 * `x`): an origin-form target is appended to `http://<host>` as it is, an
 * absolute-form one (`http://host/path`) is parsed on its own and its
 * authority wins over Host, as RFC 9112 §3.2.2 says. A missing Host is only
 * accepted from HTTP/1.0 clients.
 */
export function requestUrl(target: string, host: string | undefined, httpVersion = '1.1'): URL {
  let authority = host;
  let rest = target;
  if (/^https?:\/\//i.test(target)) {
    let absolute: URL;
    try {
      absolute = new URL(target);
    } catch {
      throw new BadRequestError(`The request target '${clip(target)}' is not a valid URL.`, [{ pointer: '', message: 'the request target is not a valid URL', code: 'url' }]);
    }
    authority = absolute.host;
    rest = `${absolute.pathname}${absolute.search}`;
  } else if (!target.startsWith('/')) {
    throw new BadRequestError(`The request target '${clip(target)}' is not supported; send a path starting with '/'.`, [{ pointer: '', message: 'the request target must start with /', code: 'url' }]);
  }
  if (authority === undefined && httpVersion === '1.0') authority = 'localhost';
  const badHost = (why: string): BadRequestError =>
    new BadRequestError(`The Host header ${authority === undefined ? 'is missing' : `'${clip(authority)}' ${why}`}; send Host: <name>[:<port>].`, [
      { pointer: '/headers/host', message: authority === undefined ? 'is required' : why, code: 'host' },
    ]);
  if (authority === undefined) throw badHost('is missing');
  if (authority === '' || !HOST_RE.test(authority)) throw badHost('is not a valid host[:port]');
  try {
    new URL(`http://${authority}/`);
  } catch {
    throw badHost('is not a valid host[:port]');
  }
  try {
    return new URL(`http://${authority}${rest}`);
  } catch {
    throw new BadRequestError(`The request target '${clip(target)}' is not a valid URL.`, [{ pointer: '', message: 'the request target is not a valid URL', code: 'url' }]);
  }
}

/** A problem answer on a plain Node response (extra handlers, errors before any function runs). */
export function sendProblem(res: ServerResponse, err: unknown, instance?: string): number {
  const p = toProblem(err, instance);
  const body = JSON.stringify(p.body, null, 2);
  res.writeHead(p.status, { ...p.headers, 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
  return p.status;
}

/** A whole problem answer as raw bytes, for a socket with no ServerResponse (parse errors, CONNECT); closes the connection. */
function rawProblem(err: HttpError): string {
  const p = toProblem(err);
  const body = JSON.stringify(p.body, null, 2);
  const headers: Record<string, string> = {
    ...p.headers,
    'Content-Type': PROBLEM_CONTENT_TYPE,
    'Cache-Control': 'no-store',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
  };
  return `HTTP/1.1 ${p.status} ${STATUS_CODES[p.status] ?? 'Error'}\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n${body}`;
}

/**
 * Writes `text` and closes the connection: what the peer still sends is read
 * and dropped (closing with unread bytes would reset the connection and could
 * lose the answer), and the socket is destroyed when the peer closes or after 2 s.
 */
function endSocket(socket: Duplex, text: string): void {
  const timer = setTimeout(() => socket.destroy(), 2000);
  timer.unref();
  socket.on('error', () => socket.destroy());
  socket.on('close', () => clearTimeout(timer));
  socket.on('end', () => socket.destroy());
  socket.resume();
  socket.end(text);
}

const MAX_PARSE_ERROR_LOG = 120;

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

/** The content type a Fetch Response gives a text body that names none. */
const TEXT_BODY_CONTENT_TYPE = 'text/plain;charset=UTF-8';

/**
 * The bytes of a function's answer as the Functions host sends them: status
 * and headers through `HttpResponse`, the body encoded by it, or, for a text
 * body (the JSON answers), encoded here as UTF-8, which gives the same bytes
 * (a lone surrogate becomes U+FFFD either way) without the copy into a
 * USVString and the stream read a 74 KB answer costs through the Response.
 */
export async function responseBytes(init: HttpResponseInit): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  // (Statuses that cannot have a body keep the Response's own refusal.)
  const text = typeof init.body === 'string' && init.jsonBody === undefined && ![101, 204, 205, 304].includes(init.status ?? 200) ? init.body : undefined;
  const response = new HttpResponse(text === undefined ? init : { ...init, body: undefined });
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => {
    headers[k] = v;
  });
  if (text === undefined) return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
  headers['content-type'] ??= TEXT_BODY_CONTENT_TYPE;
  return { status: response.status, headers, body: Buffer.from(text, 'utf8') };
}

async function send(res: ServerResponse, init: HttpResponseInit): Promise<number> {
  const { status, headers, body } = await responseBytes(init);
  res.writeHead(status, { ...headers, 'content-length': String(body.length) });
  res.end(body);
  return status;
}

export async function startLocalHost(opts: LocalHostOptions & { port: number; host?: string }): Promise<LocalHost> {
  const routes = opts.endpoints.map(compileRoute);
  const userLog = opts.log ?? ((line: string) => console.log(line));
  const log = (line: string): void => {
    try {
      userLog(line);
    } catch {
      // a failing logger must not take a request (or the host) down
    }
  };
  const errorText = (err: unknown): string => (err instanceof Error ? (err.stack ?? err.message) : String(err));

  /** 405 (with the route's Allow) or 404 for a method no function can take: decided on the path alone, before any HttpRequest exists. */
  const methodProblem = (method: string, pathname: string): HttpError => {
    let match: ReturnType<typeof matchRoute>;
    try {
      match = matchRoute(routes, pathname);
    } catch (e) {
      if (e instanceof HttpError) return e;
      throw e;
    }
    if (!match) return new NotFoundError(`No function serves ${clip(pathname)} (GET /api/openapi.json lists the routes).`);
    return new MethodNotAllowedError(clip(method, 20), Object.keys(match.route.endpoint.operations));
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    const method = (req.method ?? 'GET').toUpperCase();
    const target = req.url ?? '/';
    let label = clip(target.split('?')[0] ?? '/', 200);
    const done = (status: number): void => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log(`${new Date().toISOString()} ${method} ${label} ${status} ${ms.toFixed(1)}ms`);
    };
    let instance: string | undefined;
    let bodyRead = false;
    const handle = async (): Promise<number> => {
      const url = requestUrl(target, req.headers.host, req.httpVersion);
      instance = problemInstance(url.pathname);
      let body: Buffer;
      try {
        body = await readBody(req, opts.maxBodyBytes);
        bodyRead = true;
      } catch (e) {
        if (e instanceof BodyTooLarge) {
          res.setHeader('connection', 'close');
          return send(res, problemResponse(new PayloadTooLargeError(opts.maxBodyBytes), instance));
        }
        throw e;
      }
      for (const extra of opts.extraHandlers ?? []) {
        if (await extra(req, res, body)) return res.statusCode;
      }
      const match = matchRoute(routes, url.pathname);
      if (!match) {
        return send(res, problemResponse(new NotFoundError(`No function serves ${clip(url.pathname)} (GET /api/openapi.json lists the routes).`), instance));
      }
      const { endpoint } = match.route;
      label = `/api/${endpoint.route}`;
      // Only methods the function has an operation for get this far: undici's Request (inside HttpRequest) refuses TRACE/TRACK/CONNECT.
      const allow = Object.keys(endpoint.operations);
      if (!allow.includes(method)) return send(res, problemResponse(new MethodNotAllowedError(method, allow), instance));
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
    const fail = async (err: unknown): Promise<void> => {
      if (!(err instanceof HttpError) || err.status >= 500) log(`  [error] ${method} ${label}: ${errorText(err)}`);
      let status = res.statusCode;
      if (!res.headersSent) {
        try {
          // An answer before the body was read (bad Host, bad target): close, so unread bytes can't be taken for a next request.
          if (!bodyRead) res.setHeader('connection', 'close');
          status = sendProblem(res, err instanceof HttpError ? err : new Error('internal'), instance);
        } catch (e) {
          log(`  [error] ${method} ${label}: could not answer: ${errorText(e)}`);
          res.destroy();
          status = 500;
        }
      } else {
        res.destroy();
      }
      done(status);
    };
    handle().then(done, fail).catch((e: unknown) => log(`  [error] ${method} ${label}: ${errorText(e)}`));
  };

  // requireHostHeader off: a missing Host is answered by requestUrl, as problem+json.
  const server = createServer({ requireHostHeader: false }, (req, res) => {
    try {
      onRequest(req, res);
    } catch (err) {
      // Last resort: nothing above should throw synchronously, but if it does the host answers 500 and lives on.
      log(`  [error] ${req.method ?? '?'} ${clip(req.url ?? '/')}: ${errorText(err)}`);
      try {
        if (!res.headersSent) sendProblem(res, new Error('internal'));
        else res.destroy();
      } catch {
        res.destroy();
      }
    }
  });

  // Requests Node's parser refuses (bad request line, header too large, unknown method, timeouts): problem+json instead of Node's bare answer.
  const answered = new WeakSet<Duplex>();
  server.on('clientError', (err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex) => {
    if (answered.has(socket)) return;
    answered.add(socket);
    const pending = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || (pending && pending.headersSent)) {
      socket.destroy();
      return;
    }
    try {
      const line = err.rawPacket?.subarray(0, 8192).toString('latin1').split('\r\n')[0] ?? '';
      const requestLine = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\/\S*) HTTP\/1\.[01]$/.exec(line);
      let problem: HttpError;
      if (err.code === 'HPE_HEADER_OVERFLOW') {
        problem = new HttpError(431, 'RequestHeaderFieldsTooLarge', 'Request header fields too large', `The request line and headers exceed the limit of ${maxHeaderSize} bytes.`, {
          limitBytes: maxHeaderSize,
        });
      } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'HPE_HEADER_TIMEOUT') {
        problem = new HttpError(408, 'RequestTimeout', 'Request timeout', 'The request was not received in time.');
      } else if (err.code === 'HPE_INVALID_METHOD' && requestLine) {
        // Methods the parser doesn't know (TRACK, FOO…): 405 with the route's Allow, like the ones it knows.
        problem = methodProblem(requestLine[1] ?? '', (requestLine[2] ?? '/').split('?')[0] ?? '/');
      } else {
        problem = new BadRequestError(`The request is not valid HTTP/1.1 (${clip(err.code ?? err.message, 60)}).`);
      }
      log(`${new Date().toISOString()} ${clip(line, MAX_PARSE_ERROR_LOG) || '(unparsed request)'} ${problem.status} (${err.code ?? err.message})`);
      endSocket(socket, rawProblem(problem));
    } catch (e) {
      log(`  [error] clientError: ${errorText(e)}`);
      socket.destroy();
    }
  });

  // An Expect other than 100-continue: Node would answer a bare 417.
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    try {
      res.setHeader('connection', 'close');
      const status = sendProblem(res, new HttpError(417, 'ExpectationFailed', 'Expectation failed', `Expect: ${clip(String(req.headers.expect ?? ''), 100)} is not supported (only 100-continue is).`));
      log(`${new Date().toISOString()} ${clip(req.method ?? '?', 20)} ${clip((req.url ?? '/').split('?')[0] ?? '/')} ${status}`);
    } catch (e) {
      log(`  [error] checkExpectation: ${errorText(e)}`);
      res.destroy();
    }
  });

  // CONNECT (Node hands it over as a tunnel request): no function takes it, so 405 with the route's Allow.
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    try {
      const target = req.url ?? '/';
      const problem = target.startsWith('/') ? methodProblem('CONNECT', target.split('?')[0] ?? '/') : new BadRequestError(`CONNECT ${clip(target)} is not supported: this is not a proxy.`);
      log(`${new Date().toISOString()} CONNECT ${clip(target)} ${problem.status}`);
      endSocket(socket, rawProblem(problem));
    } catch (e) {
      log(`  [error] CONNECT: ${errorText(e)}`);
      socket.destroy();
    }
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
