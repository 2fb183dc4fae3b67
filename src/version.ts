/** The package version, shown by /api/health and /api/openapi.json. */
import pkg from '../package.json';

export const version: string = pkg.version;
