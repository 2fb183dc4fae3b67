import { httpEndpoint, json } from '../http/endpoint';
import { clipForMessage, isValidRegistryName, isValidResourceGroupName, isValidSubscriptionId } from '../model/registry-id';
import { METRIC_DAYS, liveRegistry } from '../app/live-registry';
import { BadRequestError } from '../http/problem';
import type { InputIssue } from '../model/errors';

/**
 * The path parameters, already percent-decoded once by the host, checked as
 * they are: none of them may contain '%' (so nothing is decoded twice on the
 * way to ARM) or anything else outside its ARM syntax.
 */
export function registryPathIssues(params: { subscription?: string; resourceGroup?: string; name?: string }): InputIssue[] {
  const { subscription = '', resourceGroup = '', name = '' } = params;
  const issues: InputIssue[] = [];
  if (!isValidSubscriptionId(subscription)) {
    issues.push({ pointer: '/subscription', message: `'${clipForMessage(subscription, 60)}' is not a subscription id (a GUID)`, code: 'pattern' });
  }
  if (!isValidResourceGroupName(resourceGroup)) {
    issues.push({
      pointer: '/resourceGroup',
      message: `'${clipForMessage(resourceGroup, 100)}' is not a resource group name (1-90 letters, digits, '-', '_', '.', '(', ')'; not ending in '.')`,
      code: 'pattern',
    });
  }
  if (!isValidRegistryName(name)) issues.push({ pointer: '/name', message: `'${clipForMessage(name, 60)}' is not a registry name (5–50 letters and digits)`, code: 'pattern' });
  return issues;
}

/** GET /api/registries/{subscription}/{resourceGroup}/{name} — live topology + metric summary. */
export const registries = httpEndpoint({
  name: 'registries',
  route: 'registries/{subscription}/{resourceGroup}/{name}',
  authLevel: 'function',
  operations: {
    GET: {
      doc: {
        summary: 'A live registry: topology and the last 30 days of pull metrics',
        description: 'Read through Azure Resource Manager (Microsoft.ContainerRegistry + Azure Monitor metrics). Unknown metric values are null, never 0.',
        tags: ['registries'],
        parameters: [{ name: 'days', in: 'query', description: 'Metric window in days (1–93, default 30)', schema: { type: 'integer', minimum: 1, maximum: 93 } }],
        responses: {
          '200': { description: 'Live topology and metrics', schema: { type: 'object', required: ['id', 'topology', 'replicas', 'metrics'], properties: { id: { type: 'string' }, topology: { type: 'object' }, replicas: { type: 'array' }, metrics: { type: 'object' } } } },
          '404': { description: 'No such registry' },
          '502': { description: 'Azure Resource Manager failed (upstream request id included)' },
          '503': { description: 'Azure Resource Manager unavailable or throttling' },
        },
      },
      run: async (rc) => {
        const { subscription = '', resourceGroup = '', name = '' } = rc.params;
        const issues = registryPathIssues({ subscription, resourceGroup, name });
        if (issues.length > 0) throw new BadRequestError(`The registry path is not valid: ${issues.map((i) => `${i.pointer} ${i.message}`).join('; ')}.`, issues);
        const daysParam = rc.query.get('days');
        const days = daysParam === null ? METRIC_DAYS : Number(daysParam);
        if (!Number.isInteger(days) || days < 1 || days > 93) throw new BadRequestError('days must be an integer from 1 to 93.', [{ pointer: '/days', message: 'must be an integer from 1 to 93', code: 'range' }]);
        return json(await liveRegistry(rc.services, { subscriptionId: subscription, resourceGroup, name, days }));
      },
    },
  },
});
