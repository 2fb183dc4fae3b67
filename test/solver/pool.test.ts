/**
 * The solver pool (src/solver/pool.ts): recommend() in worker threads with a
 * bounded queue. Runs the compiled worker (dist/src/solver/worker.js): run
 * `npm run build` first (npm test does).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { shippedCatalog, shippedPrices } from '../../src/catalog';
import { readSolverSettings, SettingsError } from '../../src/settings';
import { health } from '../../src/functions/health';
import { recommendations } from '../../src/functions/recommendations';
import { problemResponse } from '../../src/http/problem';
import { DomainError, UnsatisfiableError } from '../../src/model/errors';
import { parseJsonText } from '../../src/model/json-text';
import { recommend, type RecommendContext, type RecommendInput } from '../../src/model/recommend';
import { createServices, setServices } from '../../src/composition';
import { createSolver, resolveWorkerScript, WorkerPoolSolver, workerScriptCandidates, type PoolOptions } from '../../src/solver/pool';
import { SolverBusyError, SolverCrashedError } from '../../src/solver/port';
import type { Solver } from '../../src/app/ports/solver';
import { invoke } from '../helpers/invoke';

const repo = path.resolve(__dirname, '..', '..');
const compiledWorker = path.join(repo, 'dist', 'src', 'solver', 'worker.js');

const regions = shippedCatalog()
  .regions.filter((r) => !r.restricted)
  .map((r) => r.name);

/** A 40-workload planning problem (takes the exact solver tens to hundreds of ms). */
function input(over: Partial<RecommendInput> = {}, seed = 0): RecommendInput {
  return {
    current: { homeRegion: 'westus', sku: 'Premium', replicas: [{ region: 'eastus', regionEndpointEnabled: true, zoneRedundancy: false }] },
    storageGiB: 120,
    workloads: regions.slice(0, 40).map((region, i) => ({ site: { kind: 'azure', region }, pullGBPerMonth: 100 + ((i * 37 + seed) % 23) * 150, volumeSource: 'test' })),
    constraints: { mustInclude: [], exclude: [], zoneRedundancyRequired: false, includeRestricted: false },
    solver: { timeLimitMs: 10_000 },
    ...over,
  };
}
const ctx = (): RecommendContext => ({ catalog: shippedCatalog(), prices: shippedPrices(), warnings: [] });

const pools: Solver[] = [];
function pool(opts: Partial<PoolOptions> = {}): WorkerPoolSolver {
  const p = new WorkerPoolSolver({ size: 1, maxQueue: 4, workerScript: compiledWorker, log: () => {}, ...opts });
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  setServices();
});

/** Tracks whether a promise has settled, without unhandled rejections. */
function track<T>(p: Promise<T>): { p: Promise<T>; settled: () => boolean } {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  return { p, settled: () => done };
}

const withoutTiming = (r: { optimality: { ms: number } }) => ({ ...r, optimality: { ...r.optimality, ms: 0 } });

describe('solver pool', () => {
  it('answers what recommend() answers in-process, and fills the caller’s warnings', async () => {
    const p = pool();
    const inProcess = recommend(input({ storageGiB: null }), ctx());
    const c = ctx();
    const viaPool = await p.recommend(input({ storageGiB: null }), c);
    expect(withoutTiming(viaPool)).toEqual(withoutTiming(inProcess));
    expect(c.warnings.some((w) => w.includes('storageGiB not given'))).toBe(true);
    expect(p.stats()).toMatchObject({ kind: 'pool', workers: 1, spawned: 1, completed: 1, crashed: 0 });
  });

  it('recommendJson: the same answer as JSON text serialised in the worker (compact), and the caller’s warnings filled', async () => {
    const p = pool();
    const inProcess = recommend(input({ storageGiB: null }), ctx());
    const c = ctx();
    const text = await p.recommendJson(input({ storageGiB: null }), c);
    expect(typeof text).toBe('string');
    expect(text).not.toMatch(/\n/);
    const viaPool = parseJsonText(text);
    expect(withoutTiming(viaPool)).toEqual(withoutTiming(JSON.parse(JSON.stringify(inProcess)) as typeof inProcess));
    expect(c.warnings).toEqual(inProcess.warnings);
    expect(c.warnings.some((w) => w.includes('storageGiB not given'))).toBe(true);
    // the object and the text answers share the worker: the next request may ask for either
    expect(withoutTiming(await p.recommend(input({ storageGiB: null }), ctx()))).toEqual(withoutTiming(inProcess));
    expect(p.stats()).toMatchObject({ workers: 1, completed: 2, crashed: 0 });
  });

  it('is created lazily: no worker before the first solve', () => {
    const p = pool({ size: 2 });
    expect(p.stats()).toMatchObject({ workers: 0, spawned: 0 });
  });

  it('keeps the event loop free while it solves', async () => {
    const p = pool({ size: 2, maxQueue: 8 });
    let maxLagMs = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      maxLagMs = Math.max(maxLagMs, now - last - 5);
      last = now;
    }, 5);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 6 }, (_, i) => p.recommend(input({}, i), ctx())));
    const solveMs = performance.now() - t0;
    clearInterval(timer);
    // In-process, one loop turn would hold all six solves; here the loop keeps ticking.
    expect(maxLagMs).toBeLessThan(Math.max(100, solveMs / 3));
  });

  it('refuses at once with 503 SolverBusy + Retry-After when the queue is full', async () => {
    const p = pool({ size: 1, maxQueue: 1 });
    const running = track(p.recommend(input(), ctx()));
    const queued = track(p.recommend(input({}, 1), ctx()));
    const refused = p.recommend(input({}, 2), ctx());
    const err = await refused.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SolverBusyError);
    expect(running.settled() || queued.settled()).toBe(false); // refused before any solve finished
    const res = problemResponse(err, '/api/recommendations');
    expect(res.status).toBe(503);
    const headers = res.headers as Record<string, string>;
    expect(headers['Content-Type']).toBe('application/problem+json');
    expect(headers['Retry-After']).toMatch(/^[1-9]\d*$/);
    const body = JSON.parse(String(res.body));
    expect(body.type).toBe('urn:acr-geoplanner:problem:solver-busy');
    expect(body.detail).toMatch(/SOLVER_MAX_QUEUE=1/);
    expect(body.retryAfterSeconds).toBe(Number(headers['Retry-After']));
    await expect(running.p).resolves.toHaveProperty('optimality');
    await expect(queued.p).resolves.toHaveProperty('optimality');
    expect(p.stats()).toMatchObject({ rejectedQueueFull: 1, completed: 2 });
  });

  it('reserve() holds a place: a second caller is refused before parsing; the ticket is used once', async () => {
    const p = pool({ size: 1, maxQueue: 0 });
    const ticket = p.reserve();
    expect(() => p.reserve()).toThrow(SolverBusyError);
    await expect(p.recommend(input(), ctx())).rejects.toBeInstanceOf(SolverBusyError); // no ticket: no place
    await expect(p.recommend(input(), ctx(), ticket)).resolves.toHaveProperty('optimality');
    p.release(ticket); // no-op once used
    const again = p.reserve();
    p.release(again);
    expect(p.stats().reserved).toBe(0);
  });

  it('bounds the wait in the queue by the request’s solver time limit, or SOLVER_QUEUE_TIMEOUT_MS', async () => {
    const p = pool({ size: 1, maxQueue: 4 });
    const first = p.recommend(input(), ctx());
    const impatient = await p.recommend(input({ solver: { timeLimitMs: 1 } }), ctx()).catch((e: unknown) => e);
    expect(impatient).toBeInstanceOf(SolverBusyError);
    expect((impatient as Error).message).toMatch(/waited 1 ms .*timeLimitMs/);
    expect(problemResponse(impatient).status).toBe(503);
    await expect(first).resolves.toHaveProperty('optimality');

    const q = pool({ size: 1, maxQueue: 4, queueTimeoutMs: 5 });
    const a = q.recommend(input(), ctx());
    const b = await q.recommend(input(), ctx()).catch((e: unknown) => e);
    expect((b as Error).message).toMatch(/waited 5 ms .*SOLVER_QUEUE_TIMEOUT_MS/);
    await a;
    expect(q.stats().rejectedQueueTimeout).toBe(1);
  });

  it('brings a solver error back as the same class (422 stays 422), and the worker stays', async () => {
    const p = pool();
    const contradiction = input({ constraints: { mustInclude: ['eastus'], exclude: ['eastus'], zoneRedundancyRequired: false, includeRestricted: false } });
    let inProcess: unknown;
    try {
      recommend(contradiction, ctx());
    } catch (e) {
      inProcess = e;
    }
    const err = await p.recommend(contradiction, ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsatisfiableError);
    expect(err).toMatchObject({ status: 422, code: 'Unsatisfiable', constraint: 'mustInclude', message: (inProcess as Error).message });
    expect(problemResponse(err).status).toBe(422);

    // A programming error (TypeError) stays an error of that name: a 500, not a domain answer.
    const broken = await p.recommend({ ...input(), workloads: null as unknown as RecommendInput['workloads'] }, ctx()).catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(Error);
    expect(broken).not.toBeInstanceOf(DomainError);
    expect((broken as Error).name).toBe('TypeError');
    expect(problemResponse(broken).status).toBe(500);

    await expect(p.recommend(input(), ctx())).resolves.toHaveProperty('optimality');
    expect(p.stats()).toMatchObject({ spawned: 1, crashed: 0, completed: 3 });
  });

  it('answers 422 through the handler with the pool behind services.solver()', async () => {
    const services = createServices();
    const p = pool({ size: 1, maxQueue: 2 });
    setServices({ ...services, solver: () => p });
    const res = await invoke(recommendations, {
      body: { registry: { homeRegion: 'westus', sku: 'Premium' }, workloads: [{ region: 'eastus', pullGBPerMonth: 100 }], constraints: { mustInclude: ['eastus'], exclude: ['eastus'] } },
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.json.constraint).toBe('mustInclude');
    expect(p.stats().completed).toBe(1);
  });

  it('/api/health never touches the solver', async () => {
    let asked = 0;
    setServices({
      ...createServices(),
      solver: () => {
        asked++;
        throw new Error('health must not use the solver');
      },
    });
    const res = await invoke(health);
    expect(res.status).toBe(200);
    expect(asked).toBe(0);
  });

  it('replaces a worker that dies, failing only the request it was solving', async () => {
    // The real worker, made to die on marked requests (process.exit, or an uncaught exception).
    const dir = mkdtempSync(path.join(tmpdir(), 'solver-crash-'));
    const script = path.join(dir, 'crashing-worker.js');
    writeFileSync(
      script,
      `const { parentPort } = require('node:worker_threads');
const doomed = new Set();
parentPort.on('message', (m) => {
  if (m.input.storageGiB === 4242) process.exit(7);
  if (m.input.storageGiB === 4343) doomed.add(m.id);
});
// For a doomed request, the worker's answer throws instead: an exception escapes the worker's handler.
const post = parentPort.postMessage.bind(parentPort);
parentPort.postMessage = (res) => {
  if (doomed.has(res.id)) throw new Error('boom in the worker');
  post(res);
};
require(${JSON.stringify(compiledWorker)});
`,
    );
    const p = pool({ size: 1, maxQueue: 4, workerScript: script });
    const dying = p.recommend(input({ storageGiB: 4242 }), ctx()).catch((e: unknown) => e);
    const waiting = [p.recommend(input({}, 1), ctx()), p.recommend(input({}, 2), ctx())];
    const err = await dying;
    expect(err).toBeInstanceOf(SolverCrashedError);
    expect((err as Error).message).toMatch(/exit code 7/);
    expect(problemResponse(err).status).toBe(500);
    // The queued requests are solved by the replacement.
    for (const r of await Promise.all(waiting)) expect(r.optimality.status).toBe('proved');
    expect(p.stats()).toMatchObject({ spawned: 2, crashed: 1, workers: 1 });

    const thrown = await p.recommend(input({ storageGiB: 4343 }), ctx()).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(SolverCrashedError);
    expect((thrown as Error).message).toMatch(/boom in the worker/);
    await expect(p.recommend(input(), ctx())).resolves.toHaveProperty('optimality');
    expect(p.stats()).toMatchObject({ spawned: 3, crashed: 2, workers: 1 });
  });

  it('close() stops the workers and refuses what is running, queued or new', async () => {
    const p = pool({ size: 1, maxQueue: 2 });
    const running = p.recommend(input(), ctx()).catch((e: unknown) => e);
    const queued = p.recommend(input(), ctx()).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    await p.close();
    expect(await queued).toBeInstanceOf(SolverBusyError);
    const r = await running;
    // Either it finished just before close, or it was refused: never left pending.
    expect(r instanceof SolverBusyError || (typeof r === 'object' && r !== null && 'optimality' in r)).toBe(true);
    await expect(p.recommend(input(), ctx())).rejects.toBeInstanceOf(SolverBusyError);
    expect(p.stats().workers).toBe(0);
  });

  it('an idle pool does not keep a process alive (workers are unref’d)', async () => {
    const code = `
      const { WorkerPoolSolver } = require(${JSON.stringify(path.join(repo, 'dist', 'src', 'solver', 'pool.js'))});
      const { shippedCatalog, shippedPrices } = require(${JSON.stringify(path.join(repo, 'dist', 'src', 'catalog', 'index.js'))});
      const pool = new WorkerPoolSolver({ size: 2, maxQueue: 2, workerScript: ${JSON.stringify(compiledWorker)} });
      pool.recommend(${JSON.stringify(input())}, { catalog: shippedCatalog(), prices: shippedPrices(), warnings: [] })
        .then((r) => console.log('solved', r.optimality.status));
    `;
    const t0 = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', code], { timeout: 20_000 });
    expect(stdout.trim()).toBe('solved proved');
    expect(Date.now() - t0).toBeLessThan(20_000);
  });
});

describe('worker script and settings', () => {
  it('finds the compiled worker next to the compiled pool, or under <repo>/dist from the TS sources', () => {
    expect(resolveWorkerScript(path.join(repo, 'src', 'solver'))).toBe(compiledWorker);
    expect(resolveWorkerScript(path.join(repo, 'dist', 'src', 'solver'))).toBe(compiledWorker);
  });

  it('without a compiled worker: a clear error, or in-process only when SOLVER_IN_PROCESS_FALLBACK says so', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'no-worker-'));
    expect(resolveWorkerScript(empty)).toBeUndefined();
    const s = readSolverSettings({});
    expect(() => createSolver(s, () => {}, empty)).toThrow(/not compiled.*npm run build.*SOLVER_IN_PROCESS_FALLBACK=true/);
    expect(() => createSolver(s, () => {}, empty)).toThrow(workerScriptCandidates(empty)[0] as string);
    const fallback = createSolver(readSolverSettings({ SOLVER_IN_PROCESS_FALLBACK: 'true' }), () => {}, empty);
    expect(fallback.stats().kind).toBe('in-process');
    await expect(fallback.recommend(input(), ctx())).resolves.toHaveProperty('optimality');
  });

  it('reads SOLVER_WORKERS, SOLVER_MAX_QUEUE (default 4 × workers), SOLVER_QUEUE_TIMEOUT_MS', async () => {
    const { availableParallelism } = await import('node:os');
    expect(readSolverSettings({})).toEqual({ workers: availableParallelism(), maxQueue: 4 * availableParallelism(), queueTimeoutMs: undefined, inProcessFallback: false, deadlineMs: 10_000 });
    expect(readSolverSettings({ SOLVER_DEADLINE_MS: '30000' })).toMatchObject({ deadlineMs: 30_000 });
    expect(() => readSolverSettings({ SOLVER_DEADLINE_MS: '250000' })).toThrow(/SOLVER_DEADLINE_MS/);
    expect(readSolverSettings({ SOLVER_WORKERS: '3' })).toMatchObject({ workers: 3, maxQueue: 12 });
    expect(readSolverSettings({ SOLVER_WORKERS: '3', SOLVER_MAX_QUEUE: '0', SOLVER_QUEUE_TIMEOUT_MS: '2500' })).toMatchObject({ maxQueue: 0, queueTimeoutMs: 2500 });
    // A value that is set but unusable is refused, naming the setting (it used to fall back to the default silently).
    expect(() => readSolverSettings({ SOLVER_WORKERS: 'many' })).toThrow(SettingsError);
    expect(() => readSolverSettings({ SOLVER_WORKERS: 'many' })).toThrow(/SOLVER_WORKERS/);
    expect(() => readSolverSettings({ SOLVER_MAX_QUEUE: '-1' })).toThrow(/SOLVER_MAX_QUEUE/);
  });
});
