import { httpEndpoint } from '../http/endpoint';
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
        tags: ['plans'],
        parameters: [{ name: 'format', in: 'query', required: true, description: 'az | bicep | terraform', schema: { type: 'string', enum: [...FORMATS] } }],
        responses: { '200': { description: 'The export (text)', schema: { type: 'string' }, contentType: 'text/plain' }, '404': { description: 'No such plan' } },
      },
      run: async (rc) => {
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
