/**
 * Lazily created SDK clients. Each SDK costs ~100 ms to load, so nothing is required until the
 * first call. `require` (not `import()`): under module Node16 TypeScript keeps `import()` as a real
 * ESM import, which would load the SDKs' ESM builds next to the CommonJS ones the rest of the app uses. Credential: DefaultAzureCredential (Azure), or a static bearer token (local sandbox,
 * or a token from `az account get-access-token`).
 */
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import type { MonitorClient } from '@azure/arm-monitor';
import { AppError } from '../../model/errors';
import { customizePipeline, DEFAULT_RETRY_SETTINGS, type RetrySettings } from './pipeline';

export const DEFAULT_ARM_ENDPOINT = 'https://management.azure.com';

export interface ArmClientSettings {
  /** ARM endpoint (ARM_ENDPOINT); default https://management.azure.com. */
  armEndpoint?: string;
  /** Static bearer token (ARM_STATIC_TOKEN); when set, DefaultAzureCredential is not used. */
  staticToken?: string;
  /** Retry behaviour; defaults in DEFAULT_RETRY_SETTINGS. */
  retry?: Partial<RetrySettings>;
  /** Poll interval of long-running operations when ARM sends no Retry-After (ARM_LRO_POLL_INTERVAL_MS; SDK default 2000). */
  lroPollIntervalMs?: number;
  /** Injected credential (tests, or a ManagedIdentityCredential built by the host). Wins over staticToken. */
  credential?: TokenCredential;
}

/** ARM settings that cannot work (a bad ARM_ENDPOINT, a local endpoint without ARM_STATIC_TOKEN): the deployment is misconfigured (500). */
export class ArmConfigurationError extends AppError {
  readonly status = 500;
  readonly code = 'ArmMisconfigured';
  readonly title = 'The service is misconfigured (Azure Resource Manager settings)';
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export interface ResolvedEndpoint {
  url: string;
  insecureLoopback: boolean;
}

/** Validates ARM_ENDPOINT: https anywhere, or http only on a loopback host. */
export function resolveEndpoint(endpoint: string | undefined): ResolvedEndpoint {
  const raw = (endpoint ?? '').trim() || DEFAULT_ARM_ENDPOINT;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ArmConfigurationError(`ARM_ENDPOINT '${raw}' is not a URL.`);
  }
  if (u.protocol === 'https:') return { url: raw.replace(/\/+$/, ''), insecureLoopback: false };
  if (u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname)) return { url: raw.replace(/\/+$/, ''), insecureLoopback: true };
  throw new ArmConfigurationError(`ARM_ENDPOINT '${raw}' must be https (plain http is only accepted for localhost/127.0.0.1).`);
}

/** A TokenCredential that always returns the same token. */
export function staticTokenCredential(token: string): TokenCredential {
  return {
    async getToken(): Promise<AccessToken> {
      return { token, expiresOnTimestamp: Date.now() + 60 * 60 * 1000 };
    },
  };
}

export class ArmClientFactory {
  readonly endpoint: ResolvedEndpoint;
  readonly retry: RetrySettings;
  readonly lroPollIntervalMs: number | undefined;
  private credentialPromise: Promise<TokenCredential> | undefined;
  private readonly acrClients = new Map<string, Promise<ContainerRegistryManagementClient>>();
  private monitorClient: Promise<MonitorClient> | undefined;

  constructor(private readonly settings: ArmClientSettings) {
    this.endpoint = resolveEndpoint(settings.armEndpoint);
    this.retry = { ...DEFAULT_RETRY_SETTINGS, ...(settings.retry ?? {}) };
    this.lroPollIntervalMs = settings.lroPollIntervalMs;
    if (this.endpoint.insecureLoopback && !settings.staticToken && !settings.credential) {
      throw new ArmConfigurationError(`ARM_ENDPOINT '${this.endpoint.url}' is a local endpoint: set ARM_STATIC_TOKEN (any value works for the ARM sandbox).`);
    }
  }

  /** ARM token scope for the endpoint. */
  get scope(): string {
    return this.endpoint.insecureLoopback ? `${DEFAULT_ARM_ENDPOINT}/.default` : `${this.endpoint.url}/.default`;
  }

  credential(): Promise<TokenCredential> {
    if (!this.credentialPromise) {
      if (this.settings.credential) this.credentialPromise = Promise.resolve(this.settings.credential);
      else if (this.settings.staticToken) this.credentialPromise = Promise.resolve(staticTokenCredential(this.settings.staticToken));
      else {
        this.credentialPromise = Promise.resolve().then(() => {
          const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
          return new DefaultAzureCredential();
        });
      }
      this.credentialPromise.catch(() => {
        this.credentialPromise = undefined;
      });
    }
    return this.credentialPromise;
  }

  private clientOptions(): { endpoint: string; allowInsecureConnection?: boolean; credentials: { scopes: string[] } } {
    return {
      endpoint: this.endpoint.url,
      credentials: { scopes: [this.scope] },
      ...(this.endpoint.insecureLoopback ? { allowInsecureConnection: true } : {}),
    };
  }

  private async customize(pipeline: ContainerRegistryManagementClient['pipeline']): Promise<void> {
    const credential = await this.credential();
    customizePipeline(pipeline, {
      retry: this.retry,
      ...(this.endpoint.insecureLoopback ? { loopback: { credential, scope: this.scope } } : {}),
    });
  }

  /** One ContainerRegistryManagementClient per subscription (the SDK binds it at construction). */
  containerRegistry(subscriptionId: string): Promise<ContainerRegistryManagementClient> {
    const key = subscriptionId.toLowerCase();
    let p = this.acrClients.get(key);
    if (!p) {
      p = (async () => {
        const credential = await this.credential();
        const { ContainerRegistryManagementClient: Client } = require('@azure/arm-containerregistry') as typeof import('@azure/arm-containerregistry');
        const client = new Client(credential, subscriptionId, this.clientOptions());
        await this.customize(client.pipeline);
        return client;
      })();
      p.catch(() => this.acrClients.delete(key));
      this.acrClients.set(key, p);
    }
    return p;
  }

  monitor(): Promise<MonitorClient> {
    if (!this.monitorClient) {
      this.monitorClient = (async () => {
        const credential = await this.credential();
        const { MonitorClient: Client } = require('@azure/arm-monitor') as typeof import('@azure/arm-monitor');
        const client = new Client(credential, this.clientOptions());
        await this.customize(client.pipeline);
        return client;
      })();
      this.monitorClient.catch(() => {
        this.monitorClient = undefined;
      });
    }
    return this.monitorClient;
  }
}
