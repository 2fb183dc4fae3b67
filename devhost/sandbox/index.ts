/** Public surface of the ARM sandbox. */
export { startArmSandbox, ACR_API_VERSION, METRICS_API_VERSION } from './server';
export type { ArmSandbox, ArmSandboxOptions } from './server';
export { FaultController } from './faults';
export type { FaultRule, FaultRuleStatus, ThrottleFault, ServerErrorFault, FailLroFault } from './faults';
export { defaultSeed, syntheticRegistries, seedWithSynthetic, registryResourceId, SANDBOX_SUBSCRIPTION_ID, SANDBOX_RESOURCE_GROUP } from './seed';
export type { SyntheticOptions } from './seed';
export { SandboxState } from './state';
export type { SandboxStateSnapshot } from './state';
export { REGISTRY_METRICS } from './metrics';
export type * from './types';
