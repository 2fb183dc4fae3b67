/** Calls a registered HTTP function the way the Functions host does: real HttpRequest + InvocationContext. */
import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import type { HttpEndpoint } from '../../src/http/endpoint';

export interface Invoked {
  status: number;
  headers: Headers;
  text: string;
  json: any; // test convenience only
}

export async function invoke(
  endpoint: HttpEndpoint,
  opts: { method?: string; path?: string; body?: unknown; rawBody?: string | Buffer; headers?: Record<string, string>; params?: Record<string, string>; query?: Record<string, string> } = {},
): Promise<Invoked> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  let bytes: Buffer | undefined;
  if (opts.rawBody !== undefined) bytes = Buffer.isBuffer(opts.rawBody) ? opts.rawBody : Buffer.from(opts.rawBody);
  else if (opts.body !== undefined) {
    bytes = Buffer.from(JSON.stringify(opts.body));
    headers['content-type'] ??= 'application/json';
  }
  if (bytes) headers['content-length'] ??= String(bytes.length);
  const url = new URL(`http://localhost:7071/api/${opts.path ?? endpoint.route}`);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const request = new HttpRequest({
    method: opts.method ?? Object.keys(endpoint.operations)[0] ?? 'GET',
    url: url.toString(),
    headers,
    query: Object.fromEntries(url.searchParams),
    params: opts.params ?? {},
    ...(bytes ? { body: { bytes } } : {}),
  });
  const logs: string[] = [];
  const context = new InvocationContext({ invocationId: 'test', functionName: endpoint.name, logHandler: (_l, ...a) => logs.push(a.map(String).join(' ')) });
  const init = (await endpoint.handler(request, context)) ?? {};
  const res = new HttpResponse(init);
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: parsed };
}
