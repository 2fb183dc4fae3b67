/**
 * ARM importImage adapter (#17): `POST …/registries/{name}/importImage` (api-version 2025-11-01,
 * long-running, final state via Location) through @azure/arm-containerregistry, mode NoForce so an
 * existing tag with another digest fails instead of being overwritten. Retries (429 honouring
 * Retry-After, 5xx) are the client factory's bounded pipeline; what still fails becomes an AzureError.
 */
import type { ImageImportPort, ImageImportRequest } from '../../app/ports/image-import';
import type { ArmClientFactory } from './clients';
import { toAzureError } from './map-error';
import { runWithCallContext } from './pipeline';
import { parseRegistryResourceId } from './resource-id';

export class ArmImageImporter implements ImageImportPort {
  constructor(private readonly clients: ArmClientFactory) {}

  async importImage(req: ImageImportRequest): Promise<void> {
    const target = parseRegistryResourceId(req.targetRegistryId);
    const source = parseRegistryResourceId(req.sourceRegistryId);
    await runWithCallContext(async (ctx) => {
      try {
        const client = await this.clients.containerRegistry(target.subscriptionId);
        await client.registries.beginImportImageAndWait(
          target.resourceGroup,
          target.name,
          { source: { resourceId: source.id, sourceImage: req.sourceImage }, targetTags: [req.targetTag], mode: 'NoForce' },
          this.clients.lroPollIntervalMs !== undefined ? { updateIntervalInMs: this.clients.lroPollIntervalMs } : {},
        );
      } catch (e) {
        throw toAzureError(e, { operation: `import ${req.sourceImage} from ${source.name}`, resourceId: target.id, call: ctx });
      }
    });
  }
}
