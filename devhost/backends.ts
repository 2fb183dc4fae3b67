/**
 * Local backends the local host starts before serving — the seam where the
 * embedded defaults plug in: the ARM sandbox (when no ARM endpoint is
 * configured) and Azurite (when AzureWebJobsStorage=UseDevelopmentStorage=true
 * and nothing listens on its ports). Each backend may set environment
 * variables for the functions and must stop cleanly, children included.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface RunningBackend {
  name: string;
  description: string;
  stop(): Promise<void>;
}

export interface Backend {
  name: string;
  /** Starts the backend if the environment asks for it; returns undefined when not needed. */
  start(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<RunningBackend | undefined>;
}

/**
 * The ARM sandbox (devhost/sandbox): started when ARM_ENDPOINT is empty or
 * `sandbox`; points ARM_ENDPOINT/ARM_STATIC_TOKEN at itself. Port:
 * ARM_SANDBOX_PORT (default 0 = any free port).
 */
export const armSandboxBackend: Backend = {
  name: 'arm-sandbox',
  async start(env) {
    const configured = env.ARM_ENDPOINT?.trim() ?? '';
    if (configured !== '' && configured !== 'sandbox') return undefined;
    const { startArmSandbox } = await import('./sandbox/index.js');
    const sandbox = await startArmSandbox({ port: Number(env.ARM_SANDBOX_PORT ?? 0), lroPollDelayMs: Number(env.ARM_SANDBOX_LRO_DELAY_MS ?? 500) });
    env.ARM_ENDPOINT = sandbox.url;
    env.ARM_STATIC_TOKEN ||= 'local-sandbox-token';
    // The registries' data plane (#17): HTTPS with a self-signed certificate, one path per registry.
    const caFile = (await import('node:path')).join((await import('node:os')).tmpdir(), `acr-sandbox-ca-${process.pid}.pem`);
    (await import('node:fs')).writeFileSync(caFile, sandbox.dataPlane.ca);
    env.ACR_DATA_ENDPOINT_TEMPLATE = `${sandbox.dataPlane.url}/{registry}`;
    env.ACR_DATA_CA_FILE = caFile;
    return {
      name: 'arm-sandbox',
      description: `ARM sandbox at ${sandbox.url} (ARM_ENDPOINT; seeded registries in subscription 00000000-0000-0000-0000-000000000000, resource group contoso-rg; faults at POST ${sandbox.url}/_sandbox/faults)`,
      stop: () => sandbox.close(),
    };
  },
};

/**
 * Azurite (npm azurite): started when AzureWebJobsStorage=UseDevelopmentStorage=true
 * and nothing listens on 127.0.0.1:10000; data under .azurite/ (AZURITE_IN_MEMORY=true: in memory).
 */
export const azuriteBackend: Backend = {
  name: 'azurite',
  async start(env, log) {
    if (!/UseDevelopmentStorage=true/i.test(env.AzureWebJobsStorage ?? '')) return undefined;
    const { ensureAzurite } = await import('./azurite.js');
    const inMemory = (env.AZURITE_IN_MEMORY ?? '').toLowerCase() === 'true';
    const location = join(process.cwd(), '.azurite');
    if (!inMemory) mkdirSync(location, { recursive: true });
    const handle = await ensureAzurite({ inMemory, ...(inMemory ? {} : { location }) });
    if (!handle.started) {
      log('backend azurite: something already listens on 127.0.0.1:10000; using it');
      return undefined;
    }
    return {
      name: 'azurite',
      description: `Azurite (blob ${handle.blobPort}, queue ${handle.queuePort}, table ${handle.tablePort}${inMemory ? ', in memory' : ', data in .azurite/'})`,
      stop: () => handle.stop(),
    };
  },
};

export const backends: Backend[] = [armSandboxBackend, azuriteBackend];

export async function startBackends(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<RunningBackend[]> {
  const running: RunningBackend[] = [];
  try {
    for (const b of backends) {
      const r = await b.start(env, log);
      if (r) {
        running.push(r);
        log(`backend ${r.name}: ${r.description}`);
      }
    }
  } catch (e) {
    await stopBackends(running, log);
    throw e;
  }
  return running;
}

export async function stopBackends(running: RunningBackend[], log: (line: string) => void): Promise<void> {
  for (const r of [...running].reverse()) {
    try {
      await r.stop();
    } catch (e) {
      log(`backend ${r.name}: stop failed: ${(e as Error).message}`);
    }
  }
}
