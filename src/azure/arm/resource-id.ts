/**
 * Registry resource ids for the ARM adapters: the parse of src/model/registry-id.ts,
 * throwing the adapter's InvalidResourceIdError naming what is wrong.
 */
import { InvalidResourceIdError } from './errors';
import { parseRegistryId, type RegistryResourceId } from '../../model/registry-id';

export type { RegistryResourceId } from '../../model/registry-id';

/**
 * Parses `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/registries/{name}`.
 * Segment keywords and the provider namespace are case-insensitive; a trailing slash is tolerated.
 * Throws InvalidResourceIdError naming what is wrong.
 */
export function parseRegistryResourceId(input: unknown): RegistryResourceId {
  const r = parseRegistryId(input);
  if (!r.ok) throw new InvalidResourceIdError(r.problem.resourceId, r.problem.reason);
  return r.id;
}
