/**
 * ARM's importImage (#17): copy one tag from a source registry into a target registry, server
 * side (no docker pull/push). Adapter: src/azure/arm/import-image.ts.
 */
export interface ImageImportRequest {
  /** ARM id of the registry receiving the image. */
  targetRegistryId: string;
  /** ARM id of the source registry. */
  sourceRegistryId: string;
  /** `repo:tag` in the source. */
  sourceImage: string;
  /** `repo:tag` in the target. */
  targetTag: string;
}

export interface ImageImportPort {
  /** Starts the import with mode NoForce and waits for the long-running operation; throws an AppError on failure. */
  importImage(request: ImageImportRequest): Promise<void>;
}
