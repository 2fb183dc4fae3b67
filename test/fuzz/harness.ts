/**
 * The fuzz harness shared by `npm test` (test/fuzz/api.fuzz.test.ts) and
 * `npm run fuzz` (bench/fuzz.ts): starts the built local host exactly as
 * `npm start` does (dist-dev/devhost/main.js, its backends included), sends
 * the cases over raw sockets (so any method, target and header goes out as
 * written), and judges every answer with one oracle.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { ensureAzurite, type AzuriteHandle } from '../../devhost/azurite';
import { PLAN_BODIES, caseArb, describeCase, requestBytes, type FuzzCase, type FuzzContext } from './cases';

export const ROOT = join(__dirname, '..', '..');
/** From test/fuzz (vitest, TS sources) and from dist-dev/test/fuzz (compiled bench) alike. */
function repoRoot(): string {
  return existsSync(join(ROOT, 'tsconfig.json')) ? ROOT : join(ROOT, '..');
}

// ---- the host -------------------------------------------------------------

export interface RunningHost {
  port: number;
  child: ChildProcess;
  output(): string;
  alive(): boolean;
  /** Resolves with the exit code once the child has exited. */
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** Starts `node dist-dev/devhost/main.js` (what `npm start` runs after building) on a free port. */
export async function startHost(opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunningHost> {
  const root = repoRoot();
  const entry = join(root, 'dist-dev', 'devhost', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build:dev\` (tsc -p tsconfig.dev.json) first`);
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: { ...process.env, PORT: '0', AZURITE_IN_MEMORY: 'true', LOCAL_PRINCIPAL_HEADER: 'true', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exitedFlag = false;
  const keep = (d: Buffer): void => {
    output += d.toString();
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      exitedFlag = true;
      resolve(code ?? (signal ? -1 : null));
    }),
  );
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let port: number | undefined;
  while (port === undefined) {
    const m = /listening on http:\/\/[^:\s]+:(\d+)\/api/.exec(output);
    if (m) port = Number(m[1]);
    else if (exitedFlag) throw new Error(`local host exited before listening:\n${output.slice(-2000)}`);
    else if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`local host did not listen within ${opts.timeoutMs ?? 60_000} ms:\n${output.slice(-2000)}`);
    } else await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async (): Promise<number | null> => {
    if (!exitedFlag) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 25_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    }
    return exited;
  };
  return { port, child, output: () => output, alive: () => !exitedFlag && child.exitCode === null, exited, stop };
}

/** The host under test, restarted after a crash; `stopAll` stops every child it started. */
export interface HostHandle {
  current: RunningHost;
  restart(): Promise<RunningHost>;
  stopAll(): Promise<void>;
}

/**
 * `ownAzurite`: start an in-memory Azurite on free ports here and hand the
 * child its connection string (AzureWebJobsStorage), instead of the child's
 * own Azurite on 10000-10002, which other tests running at the same time may
 * hold (and stop). Same store code either way (PLAN_STORE=azure).
 */
export async function startHostHandle(opts: Parameters<typeof startHost>[0] & { ownAzurite?: boolean } = {}): Promise<HostHandle> {
  let azurite: AzuriteHandle | undefined;
  if (opts.ownAzurite) {
    azurite = await ensureAzurite({ inMemory: true, blobPort: 0, queuePort: 0, tablePort: 0 });
    opts = { ...opts, env: { ...opts.env, AzureWebJobsStorage: azurite.connectionString } };
  }
  let first: RunningHost;
  try {
    first = await startHost(opts);
  } catch (e) {
    await azurite?.stop();
    throw e;
  }
  const all: RunningHost[] = [first];
  const handle: HostHandle = {
    current: all[0] as RunningHost,
    restart: async () => {
      await handle.current.stop();
      const h = await startHost(opts);
      all.push(h);
      handle.current = h;
      return h;
    },
    stopAll: async () => {
      for (const h of all) await h.stop();
      await azurite?.stop();
    },
  };
  return handle;
}

// ---- one exchange over a raw socket ---------------------------------------

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  bodyBytes: number;
  ms: number;
}
export type Outcome = ({ ok: true } & Answer) | { ok: false; error: string; ms: number };

const MAX_KEEP = 256 * 1024;

function dechunk(buf: Buffer): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  while (i < buf.length) {
    const eol = buf.indexOf('\r\n', i);
    if (eol < 0) break;
    const size = parseInt(buf.subarray(i, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(buf.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** Writes `bytes`, reads until the server closes (every case sends Connection: close). */
export function exchange(port: number, bytes: Buffer, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const sock = connect({ port, host: '127.0.0.1' });
    const finish = (error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      const ms = performance.now() - t0;
      const all = Buffer.concat(chunks);
      const headEnd = all.indexOf('\r\n\r\n');
      if (headEnd < 0) return resolve({ ok: false, error: error ?? (all.length ? `unparsable answer ${JSON.stringify(all.subarray(0, 80).toString('latin1'))}` : 'connection closed without an answer'), ms });
      const lines = all.subarray(0, headEnd).toString('latin1').split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? NaN);
      if (!Number.isFinite(status)) return resolve({ ok: false, error: `bad status line ${JSON.stringify(lines[0])}`, ms });
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const c = l.indexOf(':');
        if (c > 0) headers[l.slice(0, c).trim().toLowerCase()] = l.slice(c + 1).trim();
      }
      let body: Buffer = all.subarray(headEnd + 4);
      if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
      resolve({ ok: true, status, headers, body: body.subarray(0, MAX_KEEP), bodyBytes: Math.max(body.length, total - headEnd - 4), ms });
    };
    const timer = setTimeout(() => finish(`no complete answer within ${timeoutMs} ms`), timeoutMs);
    sock.on('data', (d: Buffer) => {
      total += d.length;
      if (total <= MAX_KEEP + 65_536) chunks.push(d);
    });
    sock.on('end', () => finish());
    sock.on('close', () => finish());
    // A reset after (part of) the answer arrived still counts as that answer.
    sock.on('error', (e) => finish(`socket error: ${e.message}`));
    sock.write(bytes, () => {
      /* half-close is not sent: the server closes after its answer */
    });
  });
}

// ---- the oracle -----------------------------------------------------------

export interface Limits {
  /** Every answer within this many ms (plus the solver budget the request asks for). */
  boundMs: number;
  /** Largest error body for a request ≤ 1 MB, in bytes. */
  maxErrorBodyBytes: number;
}
export const DEFAULT_LIMITS: Limits = { boundMs: 5_000, maxErrorBodyBytes: 64 * 1024 };

export type Verdict = { kind: 'ok' | 'overload' } | { kind: 'fail'; reason: string; detail: string };

const isOverload = (a: Answer): boolean => a.status === 503 && a.headers['retry-after'] !== undefined;

/** What every answer must satisfy; `ok` or the first rule it breaks. */
export function judge(c: FuzzCase, out: Outcome, limits: Limits): Verdict[] {
  const fails: Verdict[] = [];
  const fail = (reason: string, detail: string): void => void fails.push({ kind: 'fail', reason, detail });
  const budget = c.kind === 'http' ? c.budgetMs : 0;
  if (out.ms > limits.boundMs + budget) fail('slow', `${Math.round(out.ms)} ms > ${limits.boundMs + budget} ms`);
  if (!out.ok) {
    fail('noAnswer', out.error);
    return fails;
  }
  const snippet = out.body.subarray(0, 300).toString('utf8');
  if (out.status >= 500 && !isOverload(out)) fail('serverError', `${out.status}: ${snippet}`);
  if (out.status >= 400) {
    const ct = out.headers['content-type'] ?? '';
    const head = c.kind === 'http' && c.method === 'HEAD';
    if (!/^application\/problem\+json\b/i.test(ct)) fail('nonProblem', `${out.status} content-type '${ct}': ${snippet}`);
    else if (!head && out.bodyBytes <= MAX_KEEP) {
      let p: { type?: unknown; title?: unknown; status?: unknown } | undefined;
      try {
        p = JSON.parse(out.body.toString('utf8')) as typeof p;
      } catch {
        p = undefined;
      }
      if (!p || typeof p !== 'object' || typeof p.type !== 'string' || typeof p.title !== 'string' || p.status !== out.status) fail('nonProblem', `${out.status} body is not a problem with type/title/status=${out.status}: ${snippet}`);
    }
    const requestBytes = c.kind === 'http' ? (c.body?.length ?? 0) : c.bytes.length;
    if (requestBytes <= 1024 * 1024 && out.bodyBytes > limits.maxErrorBodyBytes) fail('oversizeError', `${out.status} error body of ${out.bodyBytes} B > ${limits.maxErrorBodyBytes} B`);
    if (/\n\s+at .+:\d+:\d+\)?/.test(out.body.toString('utf8')) || out.body.includes('/work/')) fail('leaksInternals', `${out.status}: ${snippet}`);
  }
  if (c.kind === 'http' && out.status >= 200 && out.status < 300) {
    if (c.forgedOnly) fail('forgedIdentityAccepted', `${out.status} for a role-protected operation whose only identity is an unverified x-ms-client-principal`);
    else if (c.mustNot2xx) fail('unexpected2xx', `${out.status} for an invalid request (${c.label}): ${snippet}`);
    if (c.target.includes('package.json') && out.body.includes('"devDependencies"')) fail('pathTraversal', `${out.status} served package.json`);
  }
  if (fails.length === 0) return [{ kind: isOverload(out) ? 'overload' : 'ok' }];
  return fails;
}

// ---- a run ----------------------------------------------------------------

export interface FailureClass {
  reason: string;
  key: string;
  count: number;
  /** The shortest reproducer seen. */
  example: string;
  detail: string;
}

export interface FuzzStats {
  cases: number;
  byStatus: Record<string, number>;
  serverErrors: number;
  overload503: number;
  nonProblemErrors: number;
  slowestMs: number;
  alive: boolean;
}

export interface RunResult {
  stats: FuzzStats;
  failures: FailureClass[];
  healthProbe: { probes: number; slowestMs: number };
  restarts: number;
  /** `METHOD route` → status → count (well-formed cases only), to see which routes were reached. */
  byRoute: Record<string, Record<string, number>>;
  /** Plans created (valid POST /api/plans) before the run, whose ids the cases use. */
  seededPlans: number;
  seed: number;
  wallMs: number;
}

/** The host's log lines of the invocation named in a 500 body, if any. */
function hostLogFor(output: string, detail: string): string {
  const id = /invocation ([0-9a-f-]{36})/.exec(detail)?.[1];
  if (!id) return '';
  const at = output.indexOf(id);
  if (at < 0) return '';
  return ` | host log: ${output.slice(at, at + 600).replace(/\s+/g, ' ')}`;
}

function routeKey(c: FuzzCase, out: Outcome): string {
  const status = out.ok ? String(out.status) : 'none';
  return c.kind === 'raw' ? `raw ${c.label} ${c.route} → ${status}` : `${c.method} ${c.route} (${c.label}) → ${status}`;
}

/** Creates a few plans (valid requests) so plan ids in the cases exist in the store. */
async function seedPlans(port: number, n: number, boundMs: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const body = Buffer.from(JSON.stringify(PLAN_BODIES[i % 3]));
    const req = Buffer.concat([
      Buffer.from(`POST /api/plans HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nx-geoplanner-principal: alice@contoso.com; roles=Planner.Request\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nConnection: close\r\n\r\n`),
      body,
    ]);
    const out = await exchange(port, req, boundMs * 4);
    if (out.ok && out.status === 201) {
      const id = (JSON.parse(out.body.toString('utf8')) as { id?: unknown }).id;
      if (typeof id === 'string') ids.push(id);
    }
  }
  return ids;
}

export async function health(port: number, timeoutMs: number): Promise<Outcome> {
  return exchange(port, Buffer.from(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`), timeoutMs);
}

export interface RunOptions {
  cases: number;
  seed: number;
  concurrency?: number;
  limits?: Limits;
  /** Progress lines (bench); silent by default. */
  log?: (line: string) => void;
}

/**
 * Generates `cases` requests with fast-check (seeded) and sends them to a
 * running host, `concurrency` at a time, while a prober checks /api/health
 * every 500 ms. A host that dies is restarted (and the run reports
 * alive=false), so one crash does not hide the other failure classes.
 */
export async function runFuzz(host: HostHandle, opts: RunOptions): Promise<RunResult> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const t0 = Date.now();
  const planIds = await seedPlans(host.current.port, 3, limits.boundMs);
  const ctx: FuzzContext = { planIds };
  const cases = fc.sample(caseArb(ctx), { seed: opts.seed, numRuns: opts.cases });
  const stats: FuzzStats = { cases: 0, byStatus: {}, serverErrors: 0, overload503: 0, nonProblemErrors: 0, slowestMs: 0, alive: true };
  const classes = new Map<string, FailureClass>();
  const byRoute: Record<string, Record<string, number>> = {};
  let restarts = 0;
  let restarting: Promise<void> | undefined;
  const record = (c: FuzzCase, out: Outcome): void => {
    stats.cases++;
    stats.slowestMs = Math.max(stats.slowestMs, Math.round(out.ms));
    const key = out.ok ? String(out.status) : 'noAnswer';
    stats.byStatus[key] = (stats.byStatus[key] ?? 0) + 1;
    if (c.kind === 'http' && c.label !== 'badPath') {
      const r = (byRoute[`${c.method} ${c.route}`] ??= {});
      r[key] = (r[key] ?? 0) + 1;
    }
    const verdicts = judge(c, out, limits);
    if (verdicts.some((v) => v.kind === 'overload')) stats.overload503++;
    for (const v of verdicts) {
      if (v.kind !== 'fail') continue;
      if (v.reason === 'serverError') v.detail += hostLogFor(host.current.output(), v.detail);
      if (v.reason === 'serverError' || v.reason === 'noAnswer') stats.serverErrors++;
      if (v.reason === 'nonProblem') stats.nonProblemErrors++;
      const k = `${v.reason}: ${routeKey(c, out)}`;
      const example = describeCase(c);
      const prev = classes.get(k);
      if (!prev) classes.set(k, { reason: v.reason, key: k, count: 1, example, detail: v.detail });
      else {
        prev.count++;
        if (example.length < prev.example.length) {
          prev.example = example;
          prev.detail = v.detail;
        }
      }
    }
  };
  const ensureAlive = async (): Promise<void> => {
    if (host.current.alive()) return;
    stats.alive = false;
    restarting ??= (async () => {
      restarts++;
      opts.log?.(`host died (exit ${await host.current.exited}); last output:\n${host.current.output().slice(-1500)}\nrestarting`);
      await host.restart();
    })().finally(() => (restarting = undefined));
    await restarting;
  };

  // /api/health must stay responsive during the run.
  const probe = { probes: 0, slowestMs: 0 };
  let probing = true;
  const prober = (async () => {
    while (probing) {
      await new Promise((r) => setTimeout(r, 500));
      if (!probing || restarting || !host.current.alive()) continue;
      const out = await health(host.current.port, limits.boundMs * 3);
      if (!host.current.alive()) continue;
      probe.probes++;
      probe.slowestMs = Math.max(probe.slowestMs, Math.round(out.ms));
      if (!out.ok || out.status !== 200 || out.ms > limits.boundMs) {
        const k = 'healthStarved: GET /api/health during the run';
        const prev = classes.get(k);
        const detail = out.ok ? `${out.status} after ${Math.round(out.ms)} ms` : out.error;
        if (prev) prev.count++;
        else classes.set(k, { reason: 'healthStarved', key: k, count: 1, example: 'GET /api/health (while the fuzz cases run)', detail });
      }
    }
  })();

  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const c = cases[next++];
      if (!c) break;
      await ensureAlive();
      const budget = c.kind === 'http' ? c.budgetMs : 0;
      const out = await exchange(host.current.port, requestBytes(c, `127.0.0.1:${host.current.port}`), limits.boundMs * 4 + budget * 2);
      // Give a crash a moment to show, so the case that killed the host is the one blamed.
      if (!out.ok) await new Promise((r) => setTimeout(r, 50));
      if (!host.current.alive()) {
        stats.alive = false;
        // Keyed by what the host printed when it died (the cases in flight at that moment are the suspects; the shortest is shown).
        const tail = host.current.output().slice(-4000);
        const errors = tail.match(/^\s*[A-Za-z]*Error\b[^\n]*/gm) ?? [];
        const at = /\n\s+at [^\n]*/.exec(tail.slice(tail.lastIndexOf(errors[errors.length - 1] ?? '\u0000')))?.[0]?.trim() ?? '';
        const sig = `${(errors[errors.length - 1] ?? 'exit without an error message').trim()} ${at}`.slice(0, 200);
        const k = `hostCrash: ${sig}`;
        const example = describeCase(c);
        const prev = classes.get(k);
        if (!prev) classes.set(k, { reason: 'hostCrash', key: k, count: 1, example, detail: tail.slice(-800) });
        else {
          prev.count++;
          if (example.length < prev.example.length) prev.example = example;
        }
      }
      record(c, out);
      if (++done % 1000 === 0) opts.log?.(`${done}/${cases.length} cases, ${classes.size} failure classes, ${Math.round((Date.now() - t0) / 1000)} s`);
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
  } finally {
    probing = false;
    await prober;
  }
  await ensureAlive().catch(() => undefined);
  const final = await health(host.current.port, limits.boundMs * 3);
  if (!final.ok || final.status !== 200 || !host.current.alive()) stats.alive = false;
  return {
    stats,
    failures: [...classes.values()].sort((a, b) => a.reason.localeCompare(b.reason) || b.count - a.count),
    healthProbe: probe,
    restarts,
    byRoute,
    seededPlans: planIds.length,
    seed: opts.seed,
    wallMs: Date.now() - t0,
  };
}

export function formatFailures(failures: readonly FailureClass[], max = 60): string {
  return failures
    .slice(0, max)
    .map((f) => `- [${f.reason}] ${f.key} ×${f.count}\n    repro: ${f.example}\n    seen: ${f.detail.replace(/\s+/g, ' ').slice(0, 400)}`)
    .join('\n');
}
