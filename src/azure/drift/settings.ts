/**
 * The drift scan's queue names (defined with the port, src/app/ports/drift.ts). Its settings
 * (DRIFT_*, and the default schedule) are in src/settings.ts (section `drift`).
 */
export { DRIFT_CHECK_POISON_QUEUE, DRIFT_CHECK_QUEUE, DRIFT_RUN_QUEUE } from '../../app/ports/drift';
