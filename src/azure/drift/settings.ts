/**
 * Constants of the drift scan's queues and metrics. Its settings (DRIFT_*) are
 * read with every other setting by src/settings.ts (section `drift`).
 */
export { DRIFT_CHECK_POISON_QUEUE, DRIFT_CHECK_QUEUE, DRIFT_RUN_QUEUE } from '../../app/ports/drift';
/** NCRONTAB of the `topologyDrift` timer when DRIFT_SCHEDULE is unset: 06:00 UTC daily. */
export const DEFAULT_DRIFT_SCHEDULE = '0 0 6 * * *';
