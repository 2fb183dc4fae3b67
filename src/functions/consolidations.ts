import { download, formatParam, httpEndpoint, json, readJsonBody } from '../http/endpoint';
import { readPrincipal, requirePrincipal, ROLES } from '../http/identity';
import { consolidate } from '../app/consolidate';
import { CONSOLIDATION_EXPORT_FORMATS as FORMATS, exportConsolidation, type ConsolidationExportFormat } from '../app/consolidation-export';
import { problemSchema } from '../schemas/common';
import { consolidationRequestSchema, consolidationResponseSchema } from '../schemas/consolidations';
import type { ConsolidationRequest } from '../app/consolidate';
import { planDeps } from './plan-common';

/** POST /api/consolidations — several live registries into one geo-replicated registry (#17). */
export const consolidations = httpEndpoint({
  name: 'consolidations',
  route: 'consolidations',
  authLevel: 'function',
  operations: {
    POST: {
      doc: {
        summary: 'Consolidate several registries into one geo-replicated registry',
        description:
          "Reads each registry (ARM, StorageUsed, its data plane: repositories, tags, sizes), prices today (each registry as it is), solves the single registry exactly once per candidate home (the given registries' home regions) and keeps the best; lists what must be imported, the image references to change and what can be deleted once switched. With `createPlan: true` (app role Planner.Request) it stores a consolidation plan that another principal approves at /api/plans/{id}/approve and applies at /api/plans/{id}/apply.",
        tags: ['planning', 'plans'],
        requestSchema: consolidationRequestSchema,
        responses: {
          '200': { description: 'The before/after comparison (and the plan when createPlan)', schema: consolidationResponseSchema },
          '400': { description: 'Invalid request: every problem with its JSON pointer', schema: problemSchema, contentType: 'application/problem+json' },
          '401': { description: 'createPlan without a signed-in principal', schema: problemSchema, contentType: 'application/problem+json' },
          '403': { description: 'createPlan without the app role Planner.Request', schema: problemSchema, contentType: 'application/problem+json' },
          '409': { description: 'createPlan, but a data plane could not be read or tags conflict', schema: problemSchema, contentType: 'application/problem+json' },
          '503': { description: 'The solver is busy: retry after `Retry-After` seconds', schema: problemSchema, contentType: 'application/problem+json' },
        },
      },
      run: async (rc) => {
        const req = await readJsonBody<ConsolidationRequest>(rc, consolidationRequestSchema);
        const settings = rc.services.settings.identity;
        const principal = req.createPlan ? requirePrincipal(rc.request, ROLES.request, settings) : readPrincipal(rc.request, settings);
        const s = rc.services;
        const answer = await consolidate(
          { ...planDeps(rc), solver: () => s.solver(), registryData: () => s.registryData() },
          { request: req, ...(principal ? { requester: { name: principal.name, ...(principal.objectId !== undefined ? { objectId: principal.objectId } : {}), provider: principal.provider } } : {}) },
        );
        return json(answer, 200);
      },
    },
  },
});

/** GET /api/consolidations/{id}/export?format=az|bicep|terraform|sed */
export const consolidationExport = httpEndpoint({
  name: 'consolidationExport',
  route: 'consolidations/{id}/export',
  authLevel: 'function',
  operations: {
    GET: {
      doc: {
        summary: 'A consolidation plan as az commands (az acr import per tag, no --force), Bicep, Terraform, or the sed mapping of image references',
        description: 'Needs the app role Planner.Read (implied by Planner.Request, Planner.Approve and Planner.Apply).',
        tags: ['plans'],
        parameters: [{ name: 'format', in: 'query', required: true, description: 'az | bicep | terraform | sed', schema: { type: 'string', enum: [...FORMATS] } }],
        responses: {
          '200': { description: 'The export (text)', schema: { type: 'string' }, contentType: 'text/plain' },
          '400': { description: 'Unknown format, or not a consolidation plan', schema: problemSchema, contentType: 'application/problem+json' },
          '401': { description: 'No signed-in principal', schema: problemSchema, contentType: 'application/problem+json' },
          '403': { description: 'Missing the app role Planner.Read', schema: problemSchema, contentType: 'application/problem+json' },
          '404': { description: 'No such plan' },
        },
      },
      run: async (rc) => {
        requirePrincipal(rc.request, ROLES.read, rc.services.settings.identity);
        const format = formatParam<ConsolidationExportFormat>(rc.query, FORMATS);
        return download(await exportConsolidation(rc.services, { planId: rc.params.id ?? '', format }));
      },
    },
  },
});
