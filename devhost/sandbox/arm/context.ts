/** ARM sandbox: the one context object every handler receives (state, options, recorder). */
import { FaultController } from '../faults';
import { WebhookSandbox } from '../webhooks';
import { NetworkSandbox } from '../network';
import { ArmReadLimiter } from '../arm-limits';
import { MetricsBatchSandbox } from '../metrics-batch';
import { ResourceGraphSandbox } from '../resource-graph';
import { defaultSeed } from '../seed';
import { RegistryContent, defaultRepositories, startDataPlane, type DataPlane } from '../registry-data';
import { SandboxState } from '../state';
import type { RecordedExchange, SandboxSeed } from '../types';
import type { ArmSandboxOptions } from '../server';
import { allReplicas } from './json';

/** The log of ARM exchanges (control-plane calls excluded). */
export interface Recorder {
  requests: RecordedExchange[];
  maxRecorded: number;
  seq: number;
}

export interface ArmContext {
  options: ArmSandboxOptions;
  host: '127.0.0.1';
  seed: SandboxSeed;
  now: () => Date;
  state: SandboxState;
  faults: FaultController;
  webhooks: WebhookSandbox;
  network: NetworkSandbox;
  content: RegistryContent;
  dataPlane: DataPlane;
  readLimit: ArmReadLimiter | undefined;
  resourceGraph: ResourceGraphSandbox;
  metricsBatch: MetricsBatchSandbox;
  recorder: Recorder;
  pageSize: number;
  retryAfter: string;
  /** Set once the server listens. */
  baseUrl: string;
}

export async function createArmContext(options: ArmSandboxOptions): Promise<ArmContext> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error('The ARM sandbox binds to 127.0.0.1 only.');
  const seed = options.seed ?? defaultSeed();
  const now = seed.now ?? (() => new Date());
  const state = new SandboxState(
    seed,
    {
      inProgressPolls: options.lroInProgressPolls ?? 1,
      lroPollDelayMs: options.lroPollDelayMs ?? 0,
      autoCompleteMs: options.lroAutoCompleteMs ?? 2000,
    },
    now,
  );
  const faults = new FaultController();
  const webhooks = new WebhookSandbox();
  const network = new NetworkSandbox();
  const content = new RegistryContent(options.repositories ?? defaultRepositories(), now);
  const dataPlane = await startDataPlane(content, { registryExists: (n) => [...state.registries.values()].some((r) => r.name.toLowerCase() === n) });
  const recorder: Recorder = { requests: [], maxRecorded: options.maxRecorded ?? 10_000, seq: 0 };
  const pageSize = options.pageSize ?? 100;
  const retryAfter = String(options.lroRetryAfterSeconds ?? 0);
  const readLimit = options.armReadLimit === false ? undefined : new ArmReadLimiter(options.armReadLimit ?? {});
  const resourceGraph = new ResourceGraphSandbox(options.resourceGraph ?? {}, () => state.registries.values(), allReplicas);
  const metricsBatch = new MetricsBatchSandbox((sub, rg, name) => state.findRegistry(sub, rg, name), () => now().getTime());
  return { options, host, seed, now, state, faults, webhooks, network, content, dataPlane, readLimit, resourceGraph, metricsBatch, recorder, pageSize, retryAfter, baseUrl: '' };
}

export function record(ctx: ArmContext, x: RecordedExchange): void {
  const { requests, maxRecorded } = ctx.recorder;
  requests.push(x);
  if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);
}

/** State back to the seed, faults cleared, request log emptied. */
export function resetSandbox(ctx: ArmContext): void {
  ctx.state.reset(ctx.seed);
  ctx.webhooks.reset();
  ctx.network.reset();
  ctx.content.reset();
  ctx.dataPlane.requests.length = 0;
  ctx.faults.clear();
  ctx.recorder.requests.length = 0;
  ctx.readLimit?.reset();
  ctx.resourceGraph.reset();
}
