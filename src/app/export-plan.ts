/** Use case: a stored plan as an az script, a Bicep file or Terraform. */
import { EXPORT_CONTENT_TYPES, EXPORT_FILE_NAMES, exportPlan as render } from '../model/plan';
import type { PlanStore } from './ports/plan-store';

export const EXPORT_FORMATS = ['az', 'bicep', 'terraform'] as const;
export type ExportFormatName = (typeof EXPORT_FORMATS)[number];

export interface PlanExport {
  body: string;
  contentType: string;
  fileName: string;
}

export async function exportPlan(deps: { planStore(): PlanStore }, input: { planId: string; format: ExportFormatName }): Promise<PlanExport> {
  const { plan } = await deps.planStore().get(input.planId);
  const f = input.format;
  return { body: render(plan, f), contentType: EXPORT_CONTENT_TYPES[f], fileName: EXPORT_FILE_NAMES[f] };
}
