/**
 * `driftCheck` (queue trigger on `drift-checks`): checks one registry of a
 * drift run — live topology and 30 days of pull metrics through the ARM ports
 * (bounded by DRIFT_ARM_CONCURRENCY per process; the adapters retry 429 with
 * Retry-After), the last applied plan from the plan store — and stores the
 * report. Storing is idempotent per (registry, runId): a re-processed message
 * overwrites the same row.
 *
 * Failures: a transient one (429/5xx/network, still failing after the
 * adapters' own retries) is thrown so the queue retries the message
 * (dequeueCount); on the last attempt (DRIFT_MAX_DEQUEUE_COUNT, = host.json
 * maxDequeueCount, default 5) or for a permanent one (registry gone, 403) an
 * `error` report with the reason is stored instead. Should even that fail,
 * the host moves the message to `drift-checks-poison`, where
 * `driftCheckPoison` reports it — nothing is lost.
 */
import type { InvocationContext } from '@azure/functions';
import type { QueueFunction } from './triggers';
import { getServices, type Services } from '../composition';
import { driftCheckMessage, reportPoisonedCheck, type DriftCheckMessage } from '../app/drift-check';
import { DRIFT_CHECK_POISON_QUEUE, DRIFT_CHECK_QUEUE } from '../app/ports/drift';
import type { DriftReport } from '../model/drift/types';
import { parseDriftCheckMessage } from '../model/drift/messages';
import { driftDeps } from './drift-deps';

export type { DriftCheckMessage };

/** A check message (a group the inventory filled, or one registry id), or why it is not one. */
export function parseCheckMessage(message: unknown): DriftCheckMessage | string {
  return parseDriftCheckMessage(message);
}

function dequeueCountOf(context: InvocationContext): number {
  const n = Number(context.triggerMetadata?.['dequeueCount'] ?? 1);
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

export async function handleDriftCheck(message: unknown, context: InvocationContext, services: Services = getServices()): Promise<DriftReport[] | undefined> {
  const msg = parseCheckMessage(message);
  if (typeof msg === 'string') {
    context.error(`driftCheck: dropped a malformed message (${msg}): ${JSON.stringify(message).slice(0, 500)}`);
    return undefined;
  }
  return driftCheckMessage(driftDeps(services, context), { message: msg, attempt: dequeueCountOf(context) });
}

export const driftCheck: QueueFunction = {
  kind: 'queue',
  name: 'driftCheck',
  queueName: DRIFT_CHECK_QUEUE,
  connection: 'AzureWebJobsStorage',
  handler: async (message, context) => {
    await handleDriftCheck(message, context);
  },
};

/** Poison messages of `drift-checks` (failed DRIFT_MAX_DEQUEUE_COUNT times, even storing the error report): reported, not lost. */
export async function handleDriftCheckPoison(message: unknown, context: InvocationContext, services: Services = getServices()): Promise<void> {
  const msg = parseCheckMessage(message);
  if (typeof msg === 'string') {
    context.error(`driftCheckPoison: poison message that is not a drift check (${msg}): ${JSON.stringify(message).slice(0, 2000)}`);
    return;
  }
  await reportPoisonedCheck(driftDeps(services, context), { message: msg });
}

export const driftCheckPoison: QueueFunction = {
  kind: 'queue',
  name: 'driftCheckPoison',
  queueName: DRIFT_CHECK_POISON_QUEUE,
  connection: 'AzureWebJobsStorage',
  handler: async (message, context) => {
    await handleDriftCheckPoison(message, context);
  },
};
