/**
 * Load benchmark of the solver pool: after one warm-up request, N concurrent
 * POST /api/recommendations (W workloads each, default 200 × 40) through the local host, while
 * GET /api/health is polled one request at a time; then, in the same run,
 * the "best peer": the same N concurrent requests to the trivial
 * /api/health alone, for the ratio. Every recommendation answer must be 200
 * or 503 problem+json with Retry-After (nothing lost). Writes
 * bench/results/load.json and prints it.
 *
 *   npm run bench:load [-- requests workloads]
 *
 * The host (local host, real handlers, real solver pool) runs on this
 * process's main thread, with the /api/health poller; the load generator runs
 * in a separate thread, as clients do (see burst()). The same code drives
 * test/functions/recommendations-load.test.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { shippedCatalog } from '../src/catalog';
import { httpEndpoints } from '../src/functions/registry';
import { startLocalHost, type LocalHost } from '../devhost/local-host';
import { closeServices, createServices, getServices, setServices } from '../src/composition';
import { readSettings } from '../src/settings';

export interface Latency {
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface Answer {
  status: number | 'network-error';
  ms: number;
  /** Why the answer breaks the contract (200, or 503 problem+json with Retry-After), if it does. */
  violation?: string;
}

export interface LoadReport {
  requests: number;
  /** One recommendation was answered before the burst (counted in the solver stats, not here). */
  warmUp: boolean;
  workloadsPerRequest: number;
  solver: { workers: number; maxQueue: number; queueTimeoutMs: number | 'request time limit'; stats: unknown };
  recommendations: { byStatus: Record<string, number>; lost: number; violations: string[]; latency: Latency; wallMs: number; ok200Latency: Latency; busy503Latency: Latency };
  healthDuringLoad: { byStatus: Record<string, number>; latency: Latency; intervalMs: number };
  bestPeer: { route: string; byStatus: Record<string, number>; latency: Latency; wallMs: number };
  ratio: { p50: number | null; p99: number | null; wall: number | null };
}

export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? null;
}

const round = (x: number | null): number | null => (x === null ? null : Math.round(x * 10) / 10);

export function latency(ms: readonly number[]): Latency {
  const s = [...ms].sort((a, b) => a - b);
  return { count: s.length, p50Ms: round(quantile(s, 0.5)), p99Ms: round(quantile(s, 0.99)), maxMs: round(s.at(-1) ?? null) };
}

function countBy(answers: readonly Answer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) out[String(a.status)] = (out[String(a.status)] ?? 0) + 1;
  return out;
}

/** A planning request with `n` workloads spread over the catalog's (unrestricted) regions; `seed` varies the volumes. */
export function recommendationBody(n: number, seed: number): Record<string, unknown> {
  const regions = shippedCatalog()
    .regions.filter((r) => !r.restricted)
    .map((r) => r.name);
  return {
    registry: { homeRegion: 'westus', sku: 'Premium', storageGiB: 120 },
    replicas: [{ region: 'eastus' }, { region: 'westeurope' }],
    // Distinct regions (a workload per region; the API refuses duplicates), volumes varied by seed.
    workloads: Array.from({ length: Math.min(n, regions.length) }, (_, i) => ({ region: regions[(i + seed) % regions.length], pullGBPerMonth: 100 + ((i * 37 + seed * 11) % 23) * 150 })),
  };
}

/**
 * The load generator runs in its own thread (as real clients are elsewhere):
 * its 200 connections, request bodies and answers then cost the host's event
 * loop only what serving them costs.
 */
const CLIENT_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { url, bodies } = workerData;
  const out = await Promise.all(bodies.map(async (body) => {
    const t0 = performance.now();
    try {
      const res = await fetch(url, body === null ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const text = await res.text();
      return { status: res.status, headers: Object.fromEntries(res.headers), text, ms: performance.now() - t0 };
    } catch (e) {
      return { status: 'network-error', headers: {}, text: '', ms: performance.now() - t0, error: String(e) };
    }
  }));
  parentPort.postMessage(out);
})();
`;

interface ClientAnswer {
  status: number | 'network-error';
  headers: Record<string, string>;
  text: string;
  ms: number;
  error?: string;
}

/** Sends every body (null: a GET) to `url` at once from a client thread; resolves with the answers. */
export function burst(url: string, bodies: readonly (string | null)[]): Promise<ClientAnswer[]> {
  return new Promise((resolve, reject) => {
    const client = new Worker(CLIENT_SOURCE, { eval: true, workerData: { url, bodies } });
    client.once('message', (answers: ClientAnswer[]) => {
      resolve(answers);
      void client.terminate();
    });
    client.once('error', reject);
  });
}

async function timed(url: string): Promise<{ status: number | 'network-error'; ms: number }> {
  const t0 = performance.now();
  try {
    const res = await fetch(url);
    await res.text();
    return { status: res.status, ms: performance.now() - t0 };
  } catch {
    return { status: 'network-error', ms: performance.now() - t0 };
  }
}

/** 200 with a recommendation, or 503 problem+json (code SolverBusy) with a Retry-After of whole seconds. */
export function checkAnswer(status: number, headers: Headers, text: string): string | undefined {
  if (status === 200) {
    const body = JSON.parse(text) as { optimality?: { status?: string } };
    return body.optimality?.status ? undefined : '200 without optimality';
  }
  if (status === 503) {
    const ct = headers.get('content-type') ?? '';
    const retry = headers.get('retry-after');
    if (!ct.startsWith('application/problem+json')) return `503 with content-type ${ct}`;
    if (retry === null || !/^[1-9]\d*$/.test(retry)) return `503 with Retry-After ${retry}`;
    const body = JSON.parse(text) as { type?: string; status?: number; detail?: string };
    if (body.status !== 503 || !body.type?.endsWith(':solver-busy') || !body.detail) return `503 body ${text.slice(0, 200)}`;
    return undefined;
  }
  return `status ${status}: ${text.slice(0, 300)}`;
}

/** N concurrent recommendations while /api/health is polled; then N concurrent /api/health (the peer). */
export async function runLoad(baseUrl: string, opts: { requests: number; workloads: number; healthIntervalMs?: number; warmUp?: boolean }): Promise<Omit<LoadReport, 'solver'>> {
  const intervalMs = opts.healthIntervalMs ?? 10;
  const bodies = Array.from({ length: opts.requests }, (_, i) => JSON.stringify(recommendationBody(opts.workloads, i)));
  // Warm-up: one recommendation first, so the burst measures serving, not JIT and schema compilation of a cold process.
  if (opts.warmUp !== false) {
    const w = await fetch(`${baseUrl}/api/recommendations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(recommendationBody(opts.workloads, opts.requests)) });
    await w.text();
  }
  const health: Answer[] = [];
  let loadDone = false;
  // The health poller runs on the host's own thread: it sees what the event loop lets through.
  const poller = (async () => {
    while (!loadDone) {
      health.push(await timed(`${baseUrl}/api/health`));
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  const t0 = performance.now();
  const raw = await burst(`${baseUrl}/api/recommendations`, bodies);
  const wallMs = performance.now() - t0;
  loadDone = true;
  await poller;
  const answers: Answer[] = raw.map((r) => {
    if (r.status === 'network-error') return { status: r.status, ms: r.ms, violation: `network error: ${r.error}` };
    const violation = checkAnswer(r.status, new Headers(r.headers), r.text);
    return { status: r.status, ms: r.ms, ...(violation ? { violation } : {}) };
  });

  const p0 = performance.now();
  const peer: Answer[] = (await burst(`${baseUrl}/api/health`, bodies.map(() => null))).map((r) => ({ status: r.status, ms: r.ms }));
  const peerWallMs = performance.now() - p0;

  const recLatency = latency(answers.map((a) => a.ms));
  const peerLatency = latency(peer.map((a) => a.ms));
  const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null || b === 0 ? null : Math.round((a / b) * 10) / 10);
  return {
    requests: opts.requests,
    warmUp: opts.warmUp !== false,
    workloadsPerRequest: opts.workloads,
    recommendations: {
      byStatus: countBy(answers),
      lost: answers.filter((a) => a.status === 'network-error').length,
      violations: answers.flatMap((a) => (a.violation ? [a.violation] : [])).slice(0, 10),
      latency: recLatency,
      wallMs: Math.round(wallMs),
      ok200Latency: latency(answers.filter((a) => a.status === 200).map((a) => a.ms)),
      busy503Latency: latency(answers.filter((a) => a.status === 503).map((a) => a.ms)),
    },
    healthDuringLoad: { byStatus: countBy(health), latency: latency(health.map((a) => a.ms)), intervalMs },
    bestPeer: { route: '/api/health', byStatus: countBy(peer), latency: peerLatency, wallMs: Math.round(peerWallMs) },
    ratio: { p50: ratio(recLatency.p50Ms, peerLatency.p50Ms), p99: ratio(recLatency.p99Ms, peerLatency.p99Ms), wall: ratio(wallMs, peerWallMs) },
  };
}

/** Starts the local host on a free port with fresh services (the real solver pool). */
export async function startHost(): Promise<LocalHost> {
  const settings = readSettings();
  setServices(createServices(settings));
  return startLocalHost({ endpoints: httpEndpoints(), port: 0, maxBodyBytes: settings.http.maxBodyBytes, log: () => {} });
}

async function main(): Promise<void> {
  const requests = Math.max(1, Number(process.argv[2] ?? 200) || 200);
  const workloads = Math.max(1, Number(process.argv[3] ?? 40) || 40);
  const host = await startHost();
  try {
    const s = getServices().settings;
    const run = await runLoad(host.url, { requests, workloads });
    const report: LoadReport = {
      ...run,
      solver: {
        workers: s.solver.workers,
        maxQueue: s.solver.maxQueue,
        queueTimeoutMs: s.solver.queueTimeoutMs ?? 'request time limit',
        stats: getServices().solver().stats(),
      },
    };
    const out = path.resolve(__dirname, '..', '..', 'bench', 'results', 'load.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({ ...report, machine: { availableParallelism: availableParallelism(), node: process.version }, at: new Date().toISOString() }, null, 2)}\n`);
    console.log(JSON.stringify(report, null, 2));
    console.log(`wrote ${out}`);
  } finally {
    await host.close();
    await closeServices();
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
