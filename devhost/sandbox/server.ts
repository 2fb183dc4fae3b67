/**
 * ARM sandbox: a local HTTP server (node:http) speaking the ARM REST shapes of
 * Microsoft.ContainerRegistry (api-version 2025-11-01: registries, replications with
 * long-running operations) and Microsoft.Insights/metrics (api-version 2024-02-01),
 * with seeded registries and run-time fault injection. Bound to 127.0.0.1 only.
 *
 * Control plane (no auth): GET /_sandbox/state, POST /_sandbox/reset,
 * GET|POST|DELETE /_sandbox/faults (POST body: a rule or an array of rules; `?append=true` adds),
 * GET|DELETE /_sandbox/requests, POST /_sandbox/registries (body: a SeedRegistry or an array).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultController } from './faults';
import type { WebhookSandbox } from './webhooks';
import type { NetworkSandbox } from './network';
import type { ArmReadLimiter, ArmReadLimitOptions } from './arm-limits';
import type { MetricsBatchSandbox } from './metrics-batch';
import type { ResourceGraphOptions, ResourceGraphSandbox } from './resource-graph';
import type { RegistryContent, DataPlane, RepositorySeed } from './registry-data';
import type { SandboxState } from './state';
import type { RecordedExchange, SandboxSeed } from './types';
import { createArmContext, resetSandbox, type ArmContext } from './arm/context';
import { handleRequest } from './arm/handler';

export { ACR_API_VERSION, METRICS_API_VERSION } from './arm/common';

export interface ArmSandboxOptions {
  /** 0 (default) = ephemeral port. */
  port?: number;
  host?: '127.0.0.1';
  seed?: SandboxSeed;
  /** Latency added to every ARM response (ms). */
  latencyMs?: number;
  /** Minimum time a long-running operation stays InProgress (default 0). */
  lroPollDelayMs?: number;
  /** Status polls answered InProgress before completion (default 1). */
  lroInProgressPolls?: number;
  /** Unpolled operations complete by themselves after this long (default 2000 ms). */
  lroAutoCompleteMs?: number;
  /** Retry-After (seconds) sent with LRO responses (default 0). */
  lroRetryAfterSeconds?: number;
  /** Page size of registry lists (default 100; `nextLink` beyond). */
  pageSize?: number;
  /** Keep at most this many exchanges in `requests` (default 10000, oldest dropped). */
  maxRecorded?: number;
  /** Repositories and tags per registry (default: defaultRepositories(), the Contoso images). */
  repositories?: RepositorySeed;
  /** ARM's read token bucket per subscription (default ON: 250 burst, 25/s; `false` turns it off). */
  armReadLimit?: false | ArmReadLimitOptions;
  /** Resource Graph: quota, management groups, subscriptions where it is not allowed. */
  resourceGraph?: ResourceGraphOptions;
}

export interface ArmSandbox {
  /** Base URL, e.g. http://127.0.0.1:43123 (pass it as the SDK `endpoint`). */
  url: string;
  port: number;
  close(): Promise<void>;
  faults: FaultController;
  state: SandboxState;
  /** Every ARM request/response on the wire (control-plane calls excluded), oldest first. */
  requests: RecordedExchange[];
  resetRequests(): void;
  /** State back to the seed, faults cleared, request log emptied. */
  reset(): void;
  /** Registry webhooks, per location (webhooks.ts). */
  webhooks: WebhookSandbox;
  /** Network configuration and the caller's permissions per registry (network.ts). */
  network: NetworkSandbox;
  /** Repositories/tags of every registry and the importImage behaviour (registry-data.ts). */
  content: RegistryContent;
  /** The registries' data plane (HTTPS, ACR token exchange). */
  dataPlane: DataPlane;
  /** ARM's read throttling (undefined when turned off). */
  readLimit: ArmReadLimiter | undefined;
  resourceGraph: ResourceGraphSandbox;
  metricsBatch: MetricsBatchSandbox;
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function sandboxHandle(ctx: ArmContext, server: http.Server, port: number): ArmSandbox {
  const { faults, state, webhooks, network, readLimit, resourceGraph, metricsBatch, content, dataPlane } = ctx;
  const { requests } = ctx.recorder;
  return {
    url: ctx.baseUrl,
    port,
    faults,
    state,
    webhooks,
    network,
    requests,
    resetRequests() {
      requests.length = 0;
    },
    reset() {
      resetSandbox(ctx);
    },
    readLimit,
    resourceGraph,
    metricsBatch,
    content,
    dataPlane,
    close() {
      return Promise.all([
        new Promise<void>((resolve, reject) => {
          server.close((err) => (err ? reject(err) : resolve()));
          server.closeAllConnections();
        }),
        dataPlane.close(),
      ]).then(() => undefined);
    },
  };
}

export async function startArmSandbox(options: ArmSandboxOptions = {}): Promise<ArmSandbox> {
  const ctx = await createArmContext(options);
  const server = http.createServer((req, res) => {
    handleRequest(ctx, req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'InternalServerError', message: String(e) } }));
    });
  });
  server.keepAliveTimeout = 1000;
  await listen(server, options.port ?? 0, ctx.host);
  const port = (server.address() as AddressInfo).port;
  ctx.baseUrl = `http://${ctx.host}:${port}`;
  return sandboxHandle(ctx, server, port);
}
