/**
 * Use case (#17): a stored consolidation plan exported — `az` (the target's SKU/replica commands and
 * `az acr import` per tag, without --force), `bicep` / `terraform` (the target registry), `sed` (the
 * image-reference rewrite, `sed -E -i -f`).
 */
import { azImportScript, sedMapping } from '../model/consolidation';
import { EXPORT_CONTENT_TYPES, EXPORT_FILE_NAMES, exportPlan as render } from '../model/plan';
import { InvalidInputError } from '../model/errors';
import type { PlanStore } from './ports/plan-store';

export const CONSOLIDATION_EXPORT_FORMATS = ['az', 'bicep', 'terraform', 'sed'] as const;
export type ConsolidationExportFormat = (typeof CONSOLIDATION_EXPORT_FORMATS)[number];

export async function exportConsolidation(deps: { planStore(): PlanStore }, input: { planId: string; format: ConsolidationExportFormat }): Promise<{ body: string; contentType: string; fileName: string }> {
  const { plan } = await deps.planStore().get(input.planId);
  const c = plan.consolidation;
  if (!c) throw new InvalidInputError([{ pointer: '/id', message: `plan ${plan.id} is not a consolidation plan; use /api/plans/{id}/export`, code: 'planKind' }]);
  switch (input.format) {
    case 'sed':
      return { body: sedMapping(c.rewrites), contentType: 'text/plain; charset=utf-8', fileName: 'rewrite-image-references.sed' };
    case 'az': {
      const deletable = ['', '# Once every deployment pulls from the target (never run by the plan):', ...c.deletable.map((d) => `# ${d.command}`), ''].join('\n');
      return { body: `${render(plan, 'az')}\n${azImportScript(plan.registryName, c.imports)}${deletable}`, contentType: EXPORT_CONTENT_TYPES.az, fileName: EXPORT_FILE_NAMES.az };
    }
    default:
      return { body: render(plan, input.format), contentType: EXPORT_CONTENT_TYPES[input.format], fileName: EXPORT_FILE_NAMES[input.format] };
  }
}
