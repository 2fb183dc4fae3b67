/**
 * The registry data plane of the sandbox (#17): repositories, tags and manifests per seeded
 * registry, served over HTTPS (the @azure/container-registry SDK refuses bearer tokens over
 * plain http) with ACR's challenge-based authentication, and ARM's `registries/{name}/importImage`
 * (POST, long-running, final state via Location) copying tags between sandbox registries.
 *
 * Data plane, one base URL per registry: `https://127.0.0.1:<port>/<registryName>` (pass it as the
 * SDK endpoint; its CA is `dataPlane.ca`):
 *   GET  /acr/v1/_catalog, /acr/v1/{repo}/_tags, /acr/v1/{repo}/_manifests  (Bearer ACR access token,
 *        else 401 with `WWW-Authenticate: Bearer realm=…,service=…,scope=…`)
 *   POST /oauth2/exchange (grant_type=access_token + AAD access_token → refresh_token)
 *   POST /oauth2/token    (grant_type=refresh_token + refresh_token + scope → access_token)
 * Operation ids are those of the data-plane Swagger (2021-07-01).
 *
 * Fault injection for imports: `content.importFaults` — after `afterImports` accepted imports, the
 * next `count` importImage requests answer `statusCode` (429 with Retry-After, or 5xx).
 */
import { createHash, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { RecordedExchange, RegistryRecord } from './types';

export interface SeedImage {
  tag: string;
  /** Content the digest is derived from: the same content pushed to two registries has the same digest. */
  content: string;
  sizeBytes: number;
}

export interface ImageRecord {
  digest: string;
  sizeBytes: number;
  createdTime: string;
}

/** Registry name (lower case) → repository → tag → image. */
export type RepositorySeed = Record<string, Record<string, SeedImage[]>>;

export function digestOf(content: string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

const MiB = 1024 * 1024;

/**
 * Contoso before geo-replication: every image pushed twice (same digests in both registries),
 * plus what only one region runs. contoso: app 1, 2, latest (= 2), web 1.0, tools base;
 * contosowesteu: app 1, 2, web 1.0, api 3.1.
 */
export function defaultRepositories(): RepositorySeed {
  const app1 = { content: 'contoso/app:1', sizeBytes: 210 * MiB };
  const app2 = { content: 'contoso/app:2', sizeBytes: 230 * MiB };
  const web10 = { content: 'contoso/web:1.0', sizeBytes: 95 * MiB };
  return {
    contoso: {
      app: [{ tag: '1', ...app1 }, { tag: '2', ...app2 }, { tag: 'latest', ...app2 }],
      web: [{ tag: '1.0', ...web10 }],
      tools: [{ tag: 'base', content: 'contoso/tools:base', sizeBytes: 40 * MiB }],
    },
    contosowesteu: {
      app: [{ tag: '1', ...app1 }, { tag: '2', ...app2 }],
      web: [{ tag: '1.0', ...web10 }],
      api: [{ tag: '3.1', content: 'contoso/api:3.1-westeurope', sizeBytes: 120 * MiB }],
    },
  };
}

export interface ImportFault {
  /** Imports accepted before the fault starts (default 0). */
  afterImports?: number;
  /** Requests answered with the fault (default 1). */
  count?: number;
  /** 429 (default) or 5xx. */
  statusCode?: number;
  retryAfterSeconds?: number;
}

interface ImportOperation {
  id: string;
  registryKey: string;
  polls: number;
}

export interface SandboxReply {
  statusCode: number;
  headers?: Record<string, string>;
  body?: unknown;
}

function armError(statusCode: number, code: string, message: string, headers: Record<string, string> = {}): SandboxReply {
  return { statusCode, headers, body: { error: { code, message } } };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Repositories and tags of every sandbox registry, and the importImage behaviour on them. */
export class RegistryContent {
  /** registry name (lower case) → repo → tag → image. */
  readonly images = new Map<string, Map<string, Map<string, ImageRecord>>>();
  readonly operations = new Map<string, ImportOperation>();
  importFaults: ImportFault[] = [];
  /** Imports accepted (each copied tag counts once). */
  importsAccepted = 0;
  private faultState = new Map<ImportFault, number>();

  constructor(
    private seed: RepositorySeed,
    private readonly now: () => Date,
  ) {
    this.reset();
  }

  reset(seed?: RepositorySeed): void {
    if (seed) this.seed = seed;
    this.images.clear();
    this.operations.clear();
    this.importFaults = [];
    this.faultState.clear();
    this.importsAccepted = 0;
    const created = '2024-03-01T10:00:00.0000000Z';
    for (const [registry, repos] of Object.entries(this.seed)) {
      const r = this.registry(registry);
      for (const [repo, tags] of Object.entries(repos)) {
        const m = new Map<string, ImageRecord>();
        for (const t of tags) m.set(t.tag, { digest: digestOf(t.content), sizeBytes: t.sizeBytes, createdTime: created });
        r.set(repo, m);
      }
    }
  }

  registry(name: string): Map<string, Map<string, ImageRecord>> {
    const key = name.toLowerCase();
    let r = this.images.get(key);
    if (!r) {
      r = new Map();
      this.images.set(key, r);
    }
    return r;
  }

  /** `repo:tag` → digest of one registry (tests read the target back with the SDK; this is for assertions). */
  listing(name: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [repo, tags] of this.registry(name)) for (const [tag, img] of tags) out[`${repo}:${tag}`] = img.digest;
    return out;
  }

  private activeFault(): ImportFault | undefined {
    for (const f of this.importFaults) {
      const used = this.faultState.get(f) ?? 0;
      if (this.importsAccepted >= (f.afterImports ?? 0) && used < (f.count ?? 1)) {
        this.faultState.set(f, used + 1);
        return f;
      }
    }
    return undefined;
  }

  /**
   * POST …/registries/{target}/importImage: validates the body (ImportImageParameters), copies the
   * source tag into the target (NoForce: an existing target tag with another digest fails; the same
   * digest is a no-op) and answers 202 with a Location to poll.
   */
  importImage(target: RegistryRecord, body: unknown, lookup: (resourceId: string) => RegistryRecord | undefined, baseUrl: string, apiVersion: string): SandboxReply {
    const fault = this.activeFault();
    if (fault) {
      const status = fault.statusCode ?? 429;
      return status === 429
        ? armError(429, 'TooManyRequests', 'The request is being throttled (sandbox import fault).', { 'retry-after': String(fault.retryAfterSeconds ?? 0) })
        : armError(status, 'InternalServerError', 'The import failed with an internal error (sandbox import fault).');
    }
    if (!isObject(body) || !isObject(body['source'])) return armError(400, 'InvalidRequestContent', "The request content was invalid: 'source' is required.");
    const source = body['source'];
    const sourceImage = source['sourceImage'];
    if (typeof sourceImage !== 'string' || !sourceImage) return armError(400, 'InvalidRequestContent', "'source.sourceImage' is required.");
    const mode = body['mode'] ?? 'NoForce';
    if (mode !== 'NoForce' && mode !== 'Force') return armError(400, 'InvalidRequestContent', `'mode' must be NoForce or Force, got ${JSON.stringify(mode)}.`);
    if (typeof source['resourceId'] !== 'string') {
      return armError(400, 'InvalidImportSource', 'The sandbox imports from sandbox registries only: give source.resourceId.');
    }
    const src = lookup(source['resourceId']);
    if (!src) return armError(404, 'ResourceNotFound', `The source registry '${source['resourceId']}' was not found.`);
    const m = /^([a-z0-9][a-z0-9._/-]*)(?::([\w][\w.-]{0,127}))?$/.exec(sourceImage);
    if (!m) return armError(400, 'InvalidImageName', `The source image '${sourceImage}' is not repo[:tag] (digests are not supported by the sandbox).`);
    const repo = m[1] ?? '';
    const tag = m[2] ?? 'latest';
    const image = this.registry(src.name).get(repo)?.get(tag);
    if (!image) return armError(400, 'ImageNotFound', `The image '${repo}:${tag}' was not found in registry '${src.name}'.`);
    const targetTagsRaw = body['targetTags'];
    if (targetTagsRaw !== undefined && (!Array.isArray(targetTagsRaw) || targetTagsRaw.some((t) => typeof t !== 'string'))) {
      return armError(400, 'InvalidRequestContent', "'targetTags' must be an array of strings.");
    }
    const targets = ((targetTagsRaw as string[] | undefined) ?? [`${repo}:${tag}`]).map((t) => {
      const i = t.lastIndexOf(':');
      return i > 0 ? { repo: t.slice(0, i), tag: t.slice(i + 1) } : { repo: t, tag };
    });
    const dest = this.registry(target.name);
    if (mode === 'NoForce') {
      for (const t of targets) {
        const existing = dest.get(t.repo)?.get(t.tag);
        if (existing && existing.digest !== image.digest) {
          return armError(409, 'TagAlreadyExists', `The target tag '${t.repo}:${t.tag}' already exists in '${target.name}' with another digest; use mode Force to overwrite.`);
        }
      }
    }
    for (const t of targets) {
      let tags = dest.get(t.repo);
      if (!tags) {
        tags = new Map();
        dest.set(t.repo, tags);
      }
      tags.set(t.tag, { ...image, createdTime: this.now().toISOString() });
      this.importsAccepted++;
    }
    const op: ImportOperation = { id: randomUUID(), registryKey: target.name.toLowerCase(), polls: 0 };
    this.operations.set(op.id, op);
    const location = `${baseUrl}${registryResourcePath(target)}/importOperationResults/${op.id}?api-version=${apiVersion}`;
    return { statusCode: 202, headers: { location, 'retry-after': '0' } };
  }

  /** GET of an import's Location: 202 once, then 200 (no body, as the Swagger's 200 has none). */
  importResult(target: RegistryRecord, opId: string): SandboxReply {
    const op = this.operations.get(opId);
    if (!op || op.registryKey !== target.name.toLowerCase()) return armError(404, 'OperationNotFound', `Operation '${opId}' was not found.`);
    op.polls++;
    if (op.polls === 1) return { statusCode: 202, headers: { 'retry-after': '0' } };
    return { statusCode: 200 };
  }
}

function registryResourcePath(r: RegistryRecord): string {
  return `/subscriptions/${r.subscriptionId}/resourceGroups/${r.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${r.name}`;
}

// ---------------------------------------------------------------------------------------------
// TLS: a self-signed certificate for 127.0.0.1, made once per process with the openssl CLI.

let tlsCache: { key: string; cert: string } | undefined;

export function sandboxTls(): { key: string; cert: string } {
  if (tlsCache) return tlsCache;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acr-sandbox-tls-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
  tlsCache = { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8') };
  fs.rmSync(dir, { recursive: true, force: true });
  return tlsCache;
}

// ---------------------------------------------------------------------------------------------
// The HTTPS data-plane server.

export interface DataPlane {
  /** https://127.0.0.1:<port> */
  url: string;
  /** PEM of the self-signed certificate (trust it with the SDK's `tlsOptions.ca`). */
  ca: string;
  /** SDK endpoint of one registry: `${url}/<name>`. */
  endpointFor(registryName: string): string;
  /** Every data-plane exchange, oldest first (operationId from the data-plane Swagger). */
  requests: RecordedExchange[];
  close(): Promise<void>;
}

export interface DataPlaneOptions {
  /** Known registry names (lower case); others answer 404. */
  registryExists(name: string): boolean;
  /** AAD tokens accepted by /oauth2/exchange; default: any non-empty token. */
  acceptAadToken?: (token: string) => boolean;
  /** Page size of catalog/tag/manifest listings (default 100, `Link` header beyond). */
  pageSize?: number;
}

/** ACR tokens are JWTs (the SDK reads `exp` from the refresh token's payload); the sandbox's are unsigned. */
function sandboxJwt(claims: Record<string, unknown>): string {
  const part = (o: unknown): string => Buffer.from(JSON.stringify(o), 'utf8').toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: 'acr-sandbox', exp: Math.floor(Date.now() / 1000) + 3600, ...claims })}.sandbox`;
}
function jwtClaims(token: string | undefined): Record<string, unknown> | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return typeof c === 'object' && c !== null ? (c as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function startDataPlane(content: RegistryContent, options: DataPlaneOptions): Promise<DataPlane> {
  const tls = sandboxTls();
  const requests: RecordedExchange[] = [];
  let seq = 0;
  const pageSize = options.pageSize ?? 100;

  function page<T>(items: T[], key: (t: T) => string, query: URLSearchParams, linkBase: string): { items: T[]; link?: string } {
    const n = Math.max(1, Math.min(pageSize, Number.parseInt(query.get('n') ?? String(pageSize), 10) || pageSize));
    const last = query.get('last');
    const rest = last ? items.filter((i) => key(i) > last) : items;
    const slice = rest.slice(0, n);
    const lastItem = slice[slice.length - 1];
    return {
      items: slice,
      ...(rest.length > n && lastItem ? { link: `<${linkBase}?last=${encodeURIComponent(key(lastItem))}&n=${n}>; rel="next"` } : {}),
    };
  }

  function handle(method: string, registry: string, sub: string, query: URLSearchParams, headers: Record<string, string>, body: string): { operationId: string; reply: SandboxReply; form?: Record<string, string> } {
    const login = `${registry}.azurecr.io`;
    const acrError = (statusCode: number, code: string, message: string, extra: Record<string, string> = {}): SandboxReply => ({ statusCode, headers: extra, body: { errors: [{ code, message }] } });
    if (sub === '/oauth2/exchange' && method === 'POST') {
      const form = Object.fromEntries(new URLSearchParams(body));
      if (form['grant_type'] !== 'access_token' || !form['access_token'] || form['service'] !== login) {
        return { operationId: 'Authentication_ExchangeAadAccessTokenForAcrRefreshToken', form, reply: acrError(400, 'BAD_REQUEST', `expected grant_type=access_token, an access_token and service=${login}`) };
      }
      if (options.acceptAadToken && !options.acceptAadToken(form['access_token'])) {
        return { operationId: 'Authentication_ExchangeAadAccessTokenForAcrRefreshToken', form, reply: acrError(401, 'UNAUTHORIZED', 'the AAD access token was not accepted') };
      }
      return { operationId: 'Authentication_ExchangeAadAccessTokenForAcrRefreshToken', form, reply: { statusCode: 200, body: { refresh_token: sandboxJwt({ typ: 'refresh', aud: login }) } } };
    }
    if (sub === '/oauth2/token' && method === 'POST') {
      const form = Object.fromEntries(new URLSearchParams(body));
      const rt = jwtClaims(form['refresh_token']);
      const ok = form['grant_type'] === 'refresh_token' && rt?.['typ'] === 'refresh' && rt['aud'] === login && form['service'] === login && typeof form['scope'] === 'string';
      if (!ok) return { operationId: 'Authentication_ExchangeAcrRefreshTokenForAcrAccessToken', form, reply: acrError(401, 'UNAUTHORIZED', 'invalid refresh token, service or scope') };
      return { operationId: 'Authentication_ExchangeAcrRefreshTokenForAcrAccessToken', form, reply: { statusCode: 200, body: { access_token: sandboxJwt({ typ: 'access', aud: login, scope: form['scope'] }) } } };
    }
    let operationId = 'Unknown';
    let scope = 'registry:catalog:*';
    let repo: string | undefined;
    let kind: 'catalog' | 'tags' | 'manifests' | undefined;
    const m = /^\/acr\/v1\/(.+)\/(_tags|_manifests)$/.exec(sub);
    if (sub === '/acr/v1/_catalog') {
      operationId = 'ContainerRegistry_GetRepositories';
      kind = 'catalog';
    } else if (m) {
      repo = m[1] ?? '';
      kind = m[2] === '_tags' ? 'tags' : 'manifests';
      operationId = kind === 'tags' ? 'ContainerRegistry_GetTags' : 'ContainerRegistry_GetManifests';
      scope = `repository:${repo}:metadata_read`;
    }
    if (!kind || method !== 'GET') return { operationId, reply: acrError(404, 'NAME_UNKNOWN', `unknown data-plane endpoint ${method} ${sub}`) };
    const auth = headers['authorization'] ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
    const at = jwtClaims(token);
    if (at?.['typ'] !== 'access' || at['aud'] !== login || at['scope'] !== scope) {
      return {
        operationId,
        reply: acrError(401, 'UNAUTHORIZED', 'authentication required', {
          'www-authenticate': `Bearer realm="https://${login}/oauth2/token",service="${login}",scope="${scope}"`,
        }),
      };
    }
    const repos = content.registry(registry);
    const base = `/${registry}${sub}`;
    if (kind === 'catalog') {
      const p = page([...repos.keys()].sort(), (r) => r, query, base);
      return { operationId, reply: { statusCode: 200, headers: p.link ? { link: p.link } : {}, body: { repositories: p.items } } };
    }
    const tags = repos.get(repo ?? '');
    if (!tags) return { operationId, reply: acrError(404, 'NAME_UNKNOWN', `repository ${repo ?? ''} is not known to registry ${registry}`) };
    const writeable = { deleteEnabled: true, writeEnabled: true, listEnabled: true, readEnabled: true };
    if (kind === 'tags') {
      const digest = query.get('digest');
      const list = [...tags.entries()].filter(([, img]) => !digest || img.digest === digest).sort(([a], [b]) => a.localeCompare(b)).map(([name, img]) => ({ name, digest: img.digest, createdTime: img.createdTime, lastUpdateTime: img.createdTime, signed: false, changeableAttributes: writeable }));
      const p = page(list, (t) => t.name, query, base);
      return { operationId, reply: { statusCode: 200, headers: p.link ? { link: p.link } : {}, body: { registry: login, imageName: repo, tags: p.items } } };
    }
    const byDigest = new Map<string, { digest: string; imageSize: number; createdTime: string; lastUpdateTime: string; tags: string[] }>();
    for (const [tag, img] of tags) {
      const e = byDigest.get(img.digest) ?? { digest: img.digest, imageSize: img.sizeBytes, createdTime: img.createdTime, lastUpdateTime: img.createdTime, tags: [] };
      e.tags.push(tag);
      byDigest.set(img.digest, e);
    }
    const list = [...byDigest.values()].sort((a, b) => a.digest.localeCompare(b.digest)).map((e) => ({ ...e, architecture: 'amd64', os: 'linux', mediaType: 'application/vnd.oci.image.manifest.v1+json', changeableAttributes: writeable }));
    const p = page(list, (e) => e.digest, query, base);
    return { operationId, reply: { statusCode: 200, headers: p.link ? { link: p.link } : {}, body: { registry: login, imageName: repo, manifests: p.items } } };
  }

  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawUrl = req.url ?? '/';
      const q = rawUrl.indexOf('?');
      const query = new URLSearchParams(q >= 0 ? rawUrl.slice(q + 1) : '');
      const pathOnly = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      const method = (req.method ?? 'GET').toUpperCase();
      const body = Buffer.concat(chunks).toString('utf8');
      const mm = /^\/([a-zA-Z0-9]{5,50})(\/.*)$/.exec(pathOnly);
      let result: { operationId: string; reply: SandboxReply; form?: Record<string, string> };
      if (!mm || !options.registryExists((mm[1] ?? '').toLowerCase())) {
        result = { operationId: 'Unknown', reply: { statusCode: 404, body: { errors: [{ code: 'NAME_UNKNOWN', message: `no sandbox registry at ${pathOnly}` }] } } };
      } else {
        let sub = mm[2] ?? '/';
        try {
          sub = decodeURIComponent(sub);
        } catch {
          /* keep it */
        }
        result = handle(method, (mm[1] ?? '').toLowerCase(), sub, query, headers, body);
      }
      const outHeaders: Record<string, string> = { 'x-ms-request-id': randomUUID(), ...(result.reply.headers ?? {}) };
      let payload: string | undefined;
      if (result.reply.body !== undefined) {
        payload = JSON.stringify(result.reply.body);
        outHeaders['content-type'] = 'application/json; charset=utf-8';
      }
      requests.push({
        seq: ++seq,
        time: new Date(started).toISOString(),
        operationId: result.operationId,
        request: { method, url: rawUrl, headers, ...(result.form ? { body: result.form } : {}) },
        response: { statusCode: result.reply.statusCode, headers: { ...outHeaders }, ...(result.reply.body !== undefined ? { body: result.reply.body } : {}) },
        durationMs: Date.now() - started,
      });
      res.writeHead(result.reply.statusCode, outHeaders);
      res.end(payload);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  return {
    url,
    ca: tls.cert,
    endpointFor: (name) => `${url}/${name.toLowerCase()}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
