/**
 * `npm start`: the local stand-in for `func start`. Reads local.settings.json
 * (or the example), starts the embedded backends, then serves every
 * registered function at http://localhost:${PORT:-7071}/api/<route>.
 */
import { join } from 'node:path';
import { loadLocalSettings } from './local-settings';
import { startBackends, stopBackends } from './backends';
import { closeServices, getServices } from '../src/composition';
import { httpEndpoints, triggerFunctions } from '../src/functions/registry';
import { startLocalHost } from './local-host';
import { redirectRootToPlanner } from './root-redirect';
import { adminFunctionsHandler, startQueuePollers, startTimers } from './local-triggers';

async function main(): Promise<void> {
  const root = join(__dirname, '..', '..');
  const log = (line: string): void => console.log(line);
  const loaded = loadLocalSettings(root);
  log(loaded.file ? `settings: ${loaded.file} (${loaded.applied.length} values applied; environment variables win)` : 'settings: no local.settings.json, using the environment only');
  const running = await startBackends(process.env, log);

  // Settings are read here (once, by the composition root), after local.settings.json and the backends have set the environment.
  const { settings } = getServices();
  const port = Number(process.env.PORT ?? loaded.port ?? 7071);
  const endpoints = httpEndpoints();
  const host = await startLocalHost({ endpoints, port, host: process.env.HOST ?? '127.0.0.1', maxBodyBytes: settings.http.maxBodyBytes, extraHandlers: [redirectRootToPlanner, adminFunctionsHandler(triggerFunctions(), log)] });
  log(`acr-geoplanner local host listening on ${host.url}/api`);
  for (const ep of endpoints) log(`  ${Object.keys(ep.operations).join(',').padEnd(10)} ${host.url}/api/${ep.route}  [${ep.authLevel}]`);
  // Non-HTTP functions: timers on demand (POST /admin/functions/{name}, body {"input":""}), queue triggers from the storage queues.
  const queueConnection = settings.storage.queueConnection;
  const stopPollers = typeof queueConnection === 'string' ? startQueuePollers(triggerFunctions(), queueConnection, log) : async () => {};
  const stopTimers = startTimers(triggerFunctions(), log);
  for (const fn of triggerFunctions()) log(`  ${fn.kind.padEnd(10)} ${fn.name}${fn.kind === 'timer' ? `: POST ${host.url}/admin/functions/${fn.name} {"input":""}` : ` <- queue ${fn.queueName}`}`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    const timer = setTimeout(() => {
      log('shutdown did not finish within 20 s: forcing exit');
      process.exit(1);
    }, 20_000);
    timer.unref();
    const step = async (what: string, fn: () => Promise<void>): Promise<void> => {
      const t0 = Date.now();
      await fn();
      log(`  stopped ${what} (${Date.now() - t0} ms)`);
    };
    stopTimers();
    await step('queue pollers', stopPollers);
    await step('HTTP listener', () => host.close());
    await step('solver workers', closeServices);
    await step('backends', () => stopBackends(running, log));
    process.exit(0);
  };
  // Last resort only: every request path answers its own errors (devhost/local-host.ts). A promise
  // rejected with nobody listening (a background task's bug) is logged instead of killing the dev host.
  process.on('unhandledRejection', (reason) => {
    log(`[error] unhandled promise rejection (the host keeps running): ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  });
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(`local host failed to start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
