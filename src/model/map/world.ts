/**
 * The world under the hexagons: Natural Earth 1:110m countries (world-atlas
 * TopoJSON, imported JSON: no network, no file reads) in the Equal Earth
 * projection fitted to the map area. d3-geo is ESM-only, so it is loaded with
 * a dynamic import() once per process; everything that depends only on the
 * projection (land, borders, graticule) is computed once and cached as path
 * strings, so a render only projects the regions and workloads.
 */
import { feature, merge, mesh } from 'topojson-client';
import type { GeometryCollection, Topology as TopoJson } from 'topojson-specification';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import countriesJson from 'world-atlas/countries-110m.json';

export const MAP_WIDTH = 1280;
export const MAP_HEIGHT = 720;
/** The map area below the header band: [[left, top], [right, bottom]]. */
export const MAP_EXTENT: [[number, number], [number, number]] = [
  [8, 70],
  [MAP_WIDTH - 8, MAP_HEIGHT - 6],
];
/** ISO 3166-1 numeric code of Antarctica: not drawn (no Azure region; it would take a fifth of the height). */
const ANTARCTICA = '010';

export interface WorldFrame {
  width: number;
  height: number;
  /** Projects [longitude, latitude] to SVG pixels; null for points the projection cannot show. */
  project(longitude: number, latitude: number): [number, number] | null;
  /** Filled land (every country but Antarctica), one path. */
  landPath: string;
  /** Borders between countries, one path. */
  bordersPath: string;
}

type CountriesTopology = TopoJson<{ countries: GeometryCollection; land: GeometryCollection }>;

async function buildFrame(): Promise<WorldFrame> {
  const d3 = await import('d3-geo');
  const topo = countriesJson as unknown as CountriesTopology;
  const all = feature(topo, topo.objects.countries) as FeatureCollection<Geometry>;
  const countries: FeatureCollection<Geometry> = {
    type: 'FeatureCollection',
    features: all.features.filter((f: Feature) => String(f.id) !== ANTARCTICA),
  };
  // Land as one merged outline (no shared country edges drawn twice), borders as one mesh.
  const land = merge(topo, topo.objects.countries.geometries.filter((g) => String(g.id) !== ANTARCTICA) as Parameters<typeof merge>[1]);
  const borders = mesh(topo, topo.objects.countries, (a, b) => a !== b && String(a.id) !== ANTARCTICA && String(b.id) !== ANTARCTICA);
  const projection = d3.geoEqualEarth().fitExtent(MAP_EXTENT, countries);
  const path = d3.geoPath(projection).digits(1);
  return {
    width: MAP_WIDTH,
    height: MAP_HEIGHT,
    project: (longitude, latitude) => {
      const p = projection([longitude, latitude]);
      return p && Number.isFinite(p[0]) && Number.isFinite(p[1]) ? [p[0], p[1]] : null;
    },
    landPath: path(land) ?? '',
    bordersPath: path(borders) ?? '',
  };
}

let frame: Promise<WorldFrame> | undefined;

/** The world frame, built on first use and shared by every render of the process. */
export function loadWorldFrame(): Promise<WorldFrame> {
  frame ??= buildFrame().catch((e: unknown) => {
    frame = undefined;
    throw e;
  });
  return frame;
}
