import { httpEndpoint } from '../http/endpoint';
import { requirePrincipal, ROLES } from '../http/identity';
import { problemSchema } from '../schemas/common';
import { BadRequestError } from '../http/problem';
import { EXPORT_CONTENT_TYPES, EXPORT_FILE_NAMES, exportPlan } from '../model/plan';

const FORMATS = ['az', 'bicep', 'terraform'] as const;
type Format = (typeof FORMATS)[number];

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
        requirePrincipal(rc.request, ROLES.read, rc.services.settings);
        const format = rc.query.get('format');
        if (!format || !(FORMATS as readonly string[]).includes(format)) {
          throw new BadRequestError(`format must be one of ${FORMATS.join(', ')}`, [{ pointer: '/format', message: `must be one of ${FORMATS.join(', ')}`, code: 'enum' }]);
        }
        const { plan } = await rc.services.planStore().get(rc.params.id ?? '');
        const f = format as Format;
        return {
          status: 200,
          headers: {
            'Content-Type': EXPORT_CONTENT_TYPES[f],
            'Content-Disposition': `attachment; filename="${EXPORT_FILE_NAMES[f]}"`,
          },
          body: exportPlan(plan, f),
        };
      },
    },
  },
});
