/**
 * Reads local.settings.json the way Azure Functions Core Tools does: its
 * `Values` become environment variables (variables already set in the
 * environment win), `Host.LocalHttpPort` is the port. Falls back to
 * local.settings.example.json so a fresh clone runs with embedded defaults.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalSettingsFile {
  IsEncrypted?: boolean;
  Values?: Record<string, string>;
  Host?: { LocalHttpPort?: number; CORS?: string };
}

export interface LoadedSettings {
  file: string | null;
  applied: string[];
  port: number | undefined;
}

export function loadLocalSettings(root: string, env: NodeJS.ProcessEnv = process.env): LoadedSettings {
  const candidates = ['local.settings.json', 'local.settings.example.json'].map((f) => join(root, f));
  const file = candidates.find((f) => existsSync(f)) ?? null;
  if (!file) return { file: null, applied: [], port: undefined };
  let parsed: LocalSettingsFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as LocalSettingsFile;
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (parsed.IsEncrypted) throw new Error(`${file} is encrypted (IsEncrypted=true); decrypt it with 'func settings decrypt' first.`);
  const applied: string[] = [];
  for (const [k, v] of Object.entries(parsed.Values ?? {})) {
    if (k.startsWith('//')) continue; // documentation entries in the example file
    if (env[k] === undefined) {
      env[k] = String(v);
      applied.push(k);
    }
  }
  return { file, applied, port: parsed.Host?.LocalHttpPort };
}
