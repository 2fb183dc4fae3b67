/**
 * Entry point for the Azure Functions host (package.json "main"): registers
 * every function of the table with the v4 programming model.
 */
import { app } from '@azure/functions';
import { HTTP_METHODS } from './http/endpoint';
import { httpEndpoints, triggerFunctions } from './functions/registry';

app.setup({ enableHttpStream: false });

for (const ep of httpEndpoints()) {
  app.http(ep.name, {
    route: ep.route,
    authLevel: ep.authLevel,
    // Every method reaches the handler, which answers 405 + Allow itself: same behaviour in Azure and locally.
    methods: [...HTTP_METHODS],
    handler: ep.handler,
  });
}

for (const fn of triggerFunctions()) {
  if (fn.kind === 'timer') {
    app.timer(fn.name, { schedule: fn.schedule, runOnStartup: fn.runOnStartup ?? false, handler: fn.handler });
  } else {
    app.storageQueue(fn.name, { queueName: fn.queueName, connection: fn.connection, handler: fn.handler });
  }
}
