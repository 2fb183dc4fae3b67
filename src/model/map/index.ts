/** The replication map: a pure SVG renderer and converters from the planner's answers. */
export type { MapCost, MapFailover, MapWorkload, RegionState, ReplicationMapInput } from './types';
export { FAILOVER_STYLE, HEX_RADIUS, STATE_STYLES, esc, regionStates, renderReplicationMap, renderReplicationMapWith } from './render';
export { loadWorldFrame, MAP_HEIGHT, MAP_WIDTH, type WorldFrame } from './world';
export {
  mapInputFromEstimate,
  mapInputFromEstimateRequest,
  mapInputFromRecommendation,
  toMapWorkloads,
  toTopology,
  type EstimateLike,
  type RecommendationLike,
  type TopologyLike,
  type WorkloadCostLike,
} from './convert';
export { estimateFailoverInput, resolveFailLocation, shownTopology, siteOfMapWorkload, withFailover } from './failover';
