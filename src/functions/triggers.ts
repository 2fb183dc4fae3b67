/**
 * Non-HTTP functions as data: timers and storage-queue triggers. Like
 * HttpEndpoint, each definition feeds `app.timer` / `app.storageQueue`
 * (Azure, `func start`) and the local host (which runs timers on demand via
 * `POST /admin/functions/{name}` and polls Azurite queues).
 */
import type { InvocationContext, Timer } from '@azure/functions';

export interface TimerFunction {
  kind: 'timer';
  name: string;
  /**
   * NCRONTAB expression, or `%SETTING%` to read it from an app setting
   * (the Functions host resolves `%...%`; the local host does the same).
   */
  schedule: string;
  /** Default NCRONTAB used by the local host when the `%SETTING%` is unset. */
  defaultSchedule?: string;
  runOnStartup?: boolean;
  handler: (timer: Timer, context: InvocationContext) => Promise<void>;
}

export interface QueueFunction {
  kind: 'queue';
  name: string;
  /** Queue name (lower case, 3–63 chars). */
  queueName: string;
  /** App setting holding the storage connection (default AzureWebJobsStorage). */
  connection: string;
  /** The message: JSON-parsed when it is JSON (as the Functions host does), else the string. */
  handler: (message: unknown, context: InvocationContext) => Promise<void>;
}

export type TriggerFunction = TimerFunction | QueueFunction;
