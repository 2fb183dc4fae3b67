/** The plan engine: pure diff, hashing, state machine, executor and exports. */
export * from './types';
export * from './actor';
export * from './errors';
export * from './fingerprint';
export * from './diff';
export * from './state';
export * from './execute';
export * from './export';
