/** In-memory fakes of the ports of src/app/ports, for the use-case tests (no HTTP, no Azure). */
import type { ArmAdapters, ListRegistriesQuery, PullMetricsPort, RegistryTopologyPort } from '../../src/app/ports/arm';
import type { Solver, SolverTicket } from '../../src/app/ports/solver';
import type { WebhookOutcome, WebhookSendOptions, WebhookSender } from '../../src/app/ports/webhook';
import type { LiveRegistry, PullSummary } from '../../src/model/live';
import { registryKey } from '../../src/model/registry-id';
import { inProcessSolver } from '../../src/solver/port';

export const SUB = '00000000-0000-0000-0000-0000000000aa';
export const registryId = (name: string, rg = 'rg-acr'): string => `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.ContainerRegistry/registries/${name}`;

export function liveRegistry(name: string, over: Partial<LiveRegistry> = {}): LiveRegistry {
  return {
    id: registryId(name),
    subscriptionId: SUB,
    resourceGroup: 'rg-acr',
    name,
    location: 'westus',
    sku: 'Premium',
    loginServer: `${name}.azurecr.io`,
    zoneRedundancy: false,
    replicas: [],
    tags: {},
    ...over,
  };
}

/** 30 days, `perDay` pulls each (null: no data), StorageUsed per geolocation. */
export function pullSummary(perDay: number | null, storageBytes: Record<string, number | null> = {}, days = 30): PullSummary {
  const daily = Array.from({ length: days }, (_, i) => ({ date: `2026-01-${String(i + 1).padStart(2, '0')}`, pulls: perDay }));
  return {
    days,
    totalPullCount: perDay === null ? null : perDay * days,
    successfulPullCount: perDay === null ? null : perDay * days,
    totalPushCount: null,
    daysWithData: perDay === null ? 0 : days,
    daily,
    storageUsedBytesByGeolocation: storageBytes,
    timespan: '2026-01-01T00:00:00Z/2026-01-31T00:00:00Z',
    interval: 'P1D',
  };
}

export interface FakeArm extends ArmAdapters {
  calls: string[];
}

/** ARM ports over a fixed set of registries and their metrics; every call is recorded. */
export function fakeArm(registries: LiveRegistry[], metrics: Record<string, PullSummary> = {}): FakeArm {
  const calls: string[] = [];
  const find = (id: string): LiveRegistry => {
    const r = registries.find((x) => registryKey(x.id) === registryKey(id));
    if (!r) throw Object.assign(new Error(`registry ${id} not found`), { status: 404, code: 'RegistryNotFound' });
    return structuredClone(r);
  };
  const unsupported = (what: string) => async (): Promise<never> => {
    throw new Error(`${what} is not faked`);
  };
  const topology: RegistryTopologyPort = {
    getRegistry: async (id) => {
      calls.push(`getRegistry ${id}`);
      return find(id);
    },
    listRegistries: async (q: ListRegistriesQuery) => {
      calls.push(`listRegistries ${q.subscriptionId}`);
      return registries.filter((r) => r.subscriptionId === q.subscriptionId).map((r) => structuredClone(r));
    },
    updateSku: unsupported('updateSku'),
    createReplica: unsupported('createReplica'),
    updateReplica: unsupported('updateReplica'),
    deleteReplica: unsupported('deleteReplica'),
  };
  const pullMetrics: PullMetricsPort = {
    getPullSummary: async (id, opts) => {
      calls.push(`getPullSummary ${id} ${opts.days}`);
      find(id);
      return structuredClone(metrics[registryKey(id)] ?? pullSummary(null));
    },
  };
  return { topology, metrics: pullMetrics, calls };
}

/** An ARM factory that fails the test if it is ever built. */
export const noArm = (): ArmAdapters => {
  throw new Error('ARM must not be used here');
};

export interface SpySolver extends Solver {
  events: string[];
}

/** The in-process solver, recording reserve/recommend/release in order. */
export function spySolver(busy?: Error): SpySolver {
  const inner = inProcessSolver();
  const events: string[] = [];
  return {
    events,
    reserve: (): SolverTicket => {
      events.push('reserve');
      if (busy) throw busy;
      return inner.reserve();
    },
    release: (t) => {
      events.push('release');
      inner.release(t);
    },
    recommend: async (input, ctx, t) => {
      events.push('recommend');
      return inner.recommend(input, ctx, t);
    },
    recommendJson: async (input, ctx, t) => {
      events.push('recommend');
      return inner.recommendJson(input, ctx, t);
    },
    stats: () => inner.stats(),
    close: () => inner.close(),
  };
}

export interface RecordingWebhook {
  send: WebhookSender;
  sent: Array<{ url: string; payload: unknown; opts: WebhookSendOptions }>;
}

/** A webhook sender that records every call and answers `outcome`. */
export function recordingWebhook(outcome: Omit<WebhookOutcome, 'at'> = { status: 'sent', attempts: 1, httpStatus: 200 }): RecordingWebhook {
  const sent: RecordingWebhook['sent'] = [];
  return {
    sent,
    send: async (url, payload, opts) => {
      sent.push({ url, payload, opts });
      return { ...outcome, at: new Date(0).toISOString() };
    },
  };
}

export const silentLog = { log: () => {}, warn: () => {}, error: () => {} };
