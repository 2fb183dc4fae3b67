/**
 * Local backends the local host starts before serving — the seam where the
 * embedded defaults plug in: the ARM sandbox (when no ARM endpoint is
 * configured) and Azurite (when AzureWebJobsStorage=UseDevelopmentStorage=true
 * and nothing listens on its ports). Each backend may set environment
 * variables for the functions and must stop cleanly, children included.
 */
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

export const backends: Backend[] = [];

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
