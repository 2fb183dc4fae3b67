/**
 * Registry data-plane adapter (@azure/container-registry, loaded on first use): the inventory of
 * a registry — repository names (`/acr/v1/_catalog`) and each repository's manifests (`/acr/v1/{repo}/_manifests`: digest, size
 * and tags of each manifest, one listing per repository). The SDK
 * authenticates with ACR's challenge flow (AAD token → `/oauth2/exchange` → `/oauth2/token`).
 */
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { ContainerRegistryClient } from '@azure/container-registry';
import { AppError } from '../../model/errors';
import type { InventoryRepository, RegistryInventory } from '../../model/consolidation';
import type { RegistryDataPort } from '../../app/ports/registry-data';

export interface RegistryDataSettings {
  /** AAD credential for the registries' data plane (DefaultAzureCredential when absent). */
  credential?: TokenCredential;
  /** Endpoint of a login server; default `https://<loginServer>`. The ARM sandbox maps it to its HTTPS data plane. */
  endpointFor?: (loginServer: string) => string;
  /** Extra CA (PEM) to trust: the sandbox's self-signed certificate. */
  ca?: string;
  /** Upper bound on repositories read per registry (default 10,000); beyond it the inventory says `truncated`. */
  maxRepositories?: number;
}

/** The data plane could not be read (no access, network): the answer says what is unknown. */
export class RegistryDataError extends AppError {
  readonly status = 502;
  readonly code = 'RegistryDataUnavailable';
  readonly title = 'The registry data plane could not be read';
}

export function staticCredential(token: string): TokenCredential {
  return { getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp: Date.now() + 3600_000 }) };
}

export class RegistryDataAdapter implements RegistryDataPort {
  private readonly clients = new Map<string, ContainerRegistryClient>();
  private credential: TokenCredential | undefined;

  constructor(private readonly settings: RegistryDataSettings = {}) {}

  private client(loginServer: string): ContainerRegistryClient {
    const key = loginServer.toLowerCase();
    let c = this.clients.get(key);
    if (!c) {
      const sdk = require('@azure/container-registry') as typeof import('@azure/container-registry');
      if (!this.credential) {
        this.credential = this.settings.credential ?? new (require('@azure/identity') as typeof import('@azure/identity')).DefaultAzureCredential();
      }
      const endpoint = this.settings.endpointFor ? this.settings.endpointFor(key) : `https://${key}`;
      c = new sdk.ContainerRegistryClient(endpoint, this.credential, {
        audience: sdk.KnownContainerRegistryAudience.AzureResourceManagerPublicCloud,
        ...(this.settings.ca ? { tlsOptions: { ca: this.settings.ca } } : {}),
        retryOptions: { maxRetries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 2000 },
      });
      this.clients.set(key, c);
    }
    return c;
  }

  async inventory(loginServer: string, options: { abortSignal?: AbortSignal } = {}): Promise<RegistryInventory> {
    const client = this.client(loginServer);
    const max = this.settings.maxRepositories ?? 10_000;
    const repositories: InventoryRepository[] = [];
    let truncated = false;
    try {
      const names: string[] = [];
      for await (const name of client.listRepositoryNames({ abortSignal: options.abortSignal })) {
        if (names.length >= max) {
          truncated = true;
          break;
        }
        names.push(name);
      }
      for (const name of names.sort()) {
        const repo = client.getRepository(name);
        const tags: InventoryRepository['tags'] = [];
        // One listing per repository: each manifest with its digest, size and tags.
        for await (const m of repo.listManifestProperties({ abortSignal: options.abortSignal })) {
          const sizeBytes = typeof m.sizeInBytes === 'number' ? m.sizeInBytes : null;
          for (const tag of m.tags) tags.push({ name: tag, digest: m.digest, sizeBytes });
        }
        tags.sort((a, b) => a.name.localeCompare(b.name));
        repositories.push({ name, tags });
      }
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new RegistryDataError(`Reading the data plane of ${loginServer} failed: ${msg}`, { cause: e });
    }
    return { loginServer: loginServer.toLowerCase(), repositories, truncated, source: 'dataPlane' };
  }
}
