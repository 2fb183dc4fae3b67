import { registryKey } from '../../model/registry-id';

/**
 * The registry's key in the drift report table: its case-insensitive key
 * (src/model/registry-id.ts) without slashes, since Table keys may not contain '/'.
 */
export function registryRowKey(registryId: string): string {
  return registryKey(registryId).replace(/^\/+/, '').replace(/\/+$/, '').replace(/\//g, '|');
}
