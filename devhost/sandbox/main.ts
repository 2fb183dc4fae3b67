/**
 * Standalone ARM sandbox: `node dist-dev/devhost/sandbox/main.js --port 10300 [--synthetic 1000] [--latency-ms 0] [--lro-poll-delay-ms 0]`.
 * Point the app at it with ARM_ENDPOINT=http://127.0.0.1:10300 and ARM_STATIC_TOKEN=<anything>.
 */
import { startArmSandbox } from './server';
import { defaultSeed, seedWithSynthetic } from './seed';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function num(name: string, fallback: number): number {
  const v = arg(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a non-negative number, got '${v}'`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log('usage: node dist-dev/devhost/sandbox/main.js [--port 10300] [--synthetic N] [--latency-ms MS] [--lro-poll-delay-ms MS]');
    return;
  }
  const synthetic = num('synthetic', 0);
  const sandbox = await startArmSandbox({
    port: num('port', 10300),
    seed: synthetic > 0 ? seedWithSynthetic(synthetic) : defaultSeed(),
    latencyMs: num('latency-ms', 0),
    lroPollDelayMs: num('lro-poll-delay-ms', 0),
  });
  console.log(`ARM sandbox listening on ${sandbox.url} (${sandbox.state.registries.size} registries)`);
  console.log(`  ARM_ENDPOINT=${sandbox.url} ARM_STATIC_TOKEN=local`);
  const stop = () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
