/**
 * The one place that chooses the Chromium every browser test drives (through
 * playwright-core, which never downloads a browser):
 *
 *   1. `CHROMIUM_PATH`, when set (it must exist: a wrong path fails, never skips);
 *   2. a system `chromium` on `PATH` (e.g. Debian's package);
 *   3. otherwise the Chromium shipped in the `@sparticuz/chromium` devDependency,
 *      extracted once to `os.tmpdir()/chromium` (plus its fonts and SwiftShader).
 *
 * So `npm ci && npm test` runs the browser tests on a bare machine; none is skipped.
 */
import { accessSync, constants, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Browser } from 'playwright-core';

export type ChromiumSource = 'CHROMIUM_PATH' | 'system' | '@sparticuz/chromium';

export interface ChromiumChoice {
  source: ChromiumSource;
  executablePath: string;
  args: string[];
  /** Extra environment for the browser process (fonts of the bundled Chromium). */
  env: Record<string, string>;
}

/** Flags for a distribution's Chromium (the bundled one brings its own list). */
export const SYSTEM_CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `which name`: the first executable file called `name` on `pathVar`. */
export function findOnPath(name: string, pathVar: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Which Chromium to use, without extracting anything: `executablePath` is
 * undefined for the bundled Chromium (see {@link chooseChromium}).
 */
export function chromiumSource(env: NodeJS.ProcessEnv = process.env): { source: ChromiumSource; executablePath?: string } {
  const configured = env.CHROMIUM_PATH;
  if (configured !== undefined && configured !== '') {
    if (!isExecutable(configured)) {
      throw new Error(`CHROMIUM_PATH=${configured} is not an executable file; unset it to use a system or the bundled Chromium.`);
    }
    return { source: 'CHROMIUM_PATH', executablePath: configured };
  }
  const system = findOnPath('chromium', env.PATH ?? '');
  if (system !== undefined) return { source: 'system', executablePath: system };
  return { source: '@sparticuz/chromium' };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` while holding a cross-process lock (an atomic mkdir): the test
 * files run in parallel worker processes, and @sparticuz/chromium treats an
 * existing `/tmp/chromium` as extracted even while another process is still
 * writing it. A lock older than `staleMs` (a killed extraction) is broken.
 */
async function withDirLock<T>(lockDir: string, work: () => Promise<T>, staleMs = 180_000, waitMs = 240_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let age = 0;
      try {
        age = Date.now() - statSync(lockDir).mtimeMs;
      } catch {
        continue; // released between mkdir and stat
      }
      if (age > staleMs) {
        try {
          rmdirSync(lockDir);
        } catch {
          // someone else broke it first
        }
        continue;
      }
      if (Date.now() - started > waitMs) throw new Error(`timed out after ${waitMs} ms waiting for ${lockDir}`);
      await sleep(200);
    }
  }
  try {
    return await work();
  } finally {
    try {
      rmdirSync(lockDir);
    } catch {
      // already gone
    }
  }
}

/** The bundled Chromium, extracted once per machine (serialised across processes). */
async function bundledChromium(): Promise<ChromiumChoice> {
  const { default: chromium } = await import('@sparticuz/chromium');
  const executablePath = await withDirLock(join(tmpdir(), 'chromium.extract.lock'), () => chromium.executablePath());
  return {
    source: '@sparticuz/chromium',
    executablePath,
    args: chromium.args,
    // The package's own fontconfig (Open Sans, extracted to tmpdir()/fonts): the
    // same glyphs on every machine, and text even where no font is installed.
    env: process.env.FONTCONFIG_PATH === undefined ? { FONTCONFIG_PATH: join(tmpdir(), 'fonts') } : {},
  };
}

/** The Chromium to launch, extracting the bundled one if that is the choice. */
export async function chooseChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumChoice> {
  const { source, executablePath } = chromiumSource(env);
  if (executablePath === undefined) return bundledChromium();
  return { source, executablePath, args: [...SYSTEM_CHROMIUM_ARGS], env: {} };
}

function definedEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) out[k] = v;
  return out;
}

/** Headless Chromium for a browser test. Fails (never skips) when none can start. */
export async function launchChromium(): Promise<Browser> {
  const choice = await chooseChromium();
  const { chromium } = await import('playwright-core');
  try {
    return await chromium.launch({
      executablePath: choice.executablePath,
      args: choice.args,
      headless: true,
      timeout: 60_000,
      ...(Object.keys(choice.env).length > 0 ? { env: { ...definedEnv(), ...choice.env } } : {}),
    });
  } catch (e) {
    throw new Error(
      `Chromium from ${choice.source} (${choice.executablePath}) did not start: ${(e as Error).message}` +
        (choice.source === '@sparticuz/chromium' ? ` (a damaged extraction? delete ${join(tmpdir(), 'chromium')} and retry)` : ''),
    );
  }
}
