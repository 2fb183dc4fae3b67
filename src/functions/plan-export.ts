import { download, formatParam, httpEndpoint } from '../http/endpoint';
import { requirePrincipal, ROLES } from '../http/identity';
import { problemSchema } from '../schemas/common';
import { EXPORT_FORMATS as FORMATS, exportPlan, type ExportFormatName } from '../app/export-plan';

/** GET /api/plans/{id}/export?format=az|bicep|terraform */
export const planExport = httpEndpoint({
  name: 'planExport',
  route: 'plans/{id}/export',
  authLevel: 'function',
  operations: {
    GET: {
      doc: {
        summary: 'The plan as an az script, a Bicep file or Terraform',
        description: 'Needs the app role Planner.Read (implied by Planner.Request, Planner.Approve and Planner.Apply).',
        tags: ['plans'],
        parameters: [{ name: 'format', in: 'query', required: true, description: 'az | bicep | terraform', schema: { type: 'string', enum: [...FORMATS] } }],
        responses: {
          '200': { description: 'The export (text)', schema: { type: 'string' }, contentType: 'text/plain' },
          '401': { description: 'No signed-in principal', schema: problemSchema, contentType: 'application/problem+json' },
          '403': { description: 'Missing the app role Planner.Read (or a role that includes it)', schema: problemSchema, contentType: 'application/problem+json' },
          '404': { description: 'No such plan' },
        },
      },
      run: async (rc) => {
        requirePrincipal(rc.request, ROLES.read, rc.services.settings.identity);
        const format = formatParam<ExportFormatName>(rc.query, FORMATS);
        return download(await exportPlan(rc.services, { planId: rc.params.id ?? '', format }));
      },
    },
  },
});
