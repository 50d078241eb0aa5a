/**
 * vega-lite specifications of the report's charts. Each builder takes plain
 * rows and returns a spec; colours come from our own perceptually uniform
 * maps, and lines also differ by dash so they survive grey printing.
 */
import { colourSteps } from './colormap.js';
import type { VegaLiteSpec } from './render.js';

const DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4]];

function nominalScale(domain: string[], lo = 0.05, hi = 0.8): Record<string, unknown> {
  return { domain, range: colourSteps(domain.length, 'viridis', lo, domain.length > 1 ? hi : lo) };
}

const dashScale = (domain: string[]): Record<string, unknown> => ({ domain, range: domain.map((_, i) => DASHES[i % DASHES.length]) });

const r2Scale = { domain: [0, 1], range: colourSteps(10) };

export interface LayerPoint {
  series: string;
  layer: string;
  order: number;
  value: number | null;
  lo?: number | null;
  hi?: number | null;
}

/** Lines over layers (one per series), with an interval band where lo/hi are given. */
export function layerLines(rows: LayerPoint[], layers: string[], opts: { title: string; yTitle: string; seriesTitle: string }): VegaLiteSpec {
  const series = [...new Set(rows.map((r) => r.series))];
  const x = { field: 'layer', type: 'ordinal', sort: layers, title: 'layer', axis: { labelAngle: -40 } };
  const colour = { field: 'series', type: 'nominal', title: opts.seriesTitle, scale: nominalScale(series) };
  const hasBand = rows.some((r) => r.lo !== undefined && r.lo !== null);
  const layersSpec: Record<string, unknown>[] = [];
  if (hasBand) {
    layersSpec.push({
      mark: { type: 'area', opacity: 0.22 },
      encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: colour },
    });
  }
  layersSpec.push({
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x,
      y: { field: 'value', type: 'quantitative', title: opts.yTitle, scale: { domain: [0, 1] } },
      color: colour,
      strokeDash: { field: 'series', type: 'nominal', scale: dashScale(series), legend: null },
      tooltip: [{ field: 'series' }, { field: 'layer' }, { field: 'value', format: '.3f' }],
    },
  });
  return { title: opts.title, width: Math.max(320, 46 * layers.length), height: 260, data: { values: rows }, layer: layersSpec };
}

export interface MatrixCell {
  panel: string;
  a: string;
  b: string;
  value: number | null;
}

/** K × K matrices (one panel per layer), colour = value on [0, 1]. */
export function matrixPanels(cells: MatrixCell[], panels: string[], instances: string[], opts: { title: string; legend: string; columns?: number; domain?: [number, number] }): VegaLiteSpec {
  const side = Math.max(110, Math.min(220, 18 * instances.length));
  return {
    title: opts.title,
    data: { values: cells },
    facet: { field: 'panel', type: 'ordinal', sort: panels, title: null },
    columns: opts.columns ?? Math.min(5, panels.length),
    spec: {
      width: side,
      height: side,
      mark: 'rect',
      encoding: {
        x: { field: 'a', type: 'ordinal', sort: instances, title: null, axis: { labelAngle: -60, labelFontSize: 8, grid: false } },
        y: { field: 'b', type: 'ordinal', sort: instances, title: null, axis: { labelFontSize: 8, grid: false } },
        color: { field: 'value', type: 'quantitative', title: opts.legend, scale: opts.domain ? { domain: opts.domain, range: colourSteps(10) } : r2Scale },
        tooltip: [{ field: 'a' }, { field: 'b' }, { field: 'value', format: '.3f' }],
      },
    },
  };
}

/** Okabe and Ito's colour-blind-safe categorical palette (architectures' lines; the points use viridis). */
const CATEGORY_COLOURS = ['#E69F00', '#56B4E9', '#009E73', '#D55E00', '#0072B2', '#CC79A7', '#F0E442', '#000000'];

export interface TrajectoryPoint {
  instance: string;
  layer: string;
  order: number;
  x: number;
  y: number;
  /** the instance's architecture (mixed zoos): its line is coloured by it */
  group?: string;
}

/** One path per instance through its layers, points coloured by depth; with `groups`, each path coloured by its group. */
export function trajectories(points: TrajectoryPoint[], layers: string[], opts: { title: string; groups?: string[]; groupTitle?: string }): VegaLiteSpec {
  const groups = opts.groups;
  const lineColour = groups
    ? { stroke: { field: 'group', type: 'nominal', sort: groups, title: opts.groupTitle ?? 'group', scale: { domain: groups, range: groups.map((_, i) => CATEGORY_COLOURS[i % CATEGORY_COLOURS.length]!) } } }
    : {};
  return {
    title: opts.title,
    width: 420,
    height: 360,
    data: { values: points },
    ...(groups ? { resolve: { scale: { color: 'independent', stroke: 'independent' } } } : {}),
    layer: [
      {
        mark: { type: 'line', color: '#9a9a9a', strokeWidth: groups ? 1.6 : 1 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: 'MDS 1' },
          y: { field: 'y', type: 'quantitative', title: 'MDS 2' },
          detail: { field: 'instance' },
          order: { field: 'order', type: 'quantitative' },
          ...lineColour,
        },
      },
      {
        mark: { type: 'point', filled: true, size: 50, stroke: '#333', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'y', type: 'quantitative' },
          color: { field: 'layer', type: 'ordinal', sort: layers, title: 'layer', scale: { domain: layers, range: colourSteps(layers.length, 'viridis', 0, 0.95) } },
          tooltip: [{ field: 'instance' }, { field: 'layer' }],
        },
      },
    ],
  };
}

/** Accuracy per instance beside the K × K error consistency (κ). */
export function behaviourChart(accuracy: { instance: string; accuracy: number }[], kappa: MatrixCell[], instances: string[], title: string): VegaLiteSpec {
  const side = Math.max(160, Math.min(260, 20 * instances.length));
  const lo = Math.min(...accuracy.map((a) => a.accuracy));
  const hi = Math.max(...accuracy.map((a) => a.accuracy));
  const pad = Math.max(0.01, (hi - lo) * 0.5);
  return {
    title,
    hconcat: [
      {
        width: side,
        height: side,
        data: { values: accuracy },
        mark: { type: 'point', filled: true, size: 60, color: colourSteps(1)[0] },
        encoding: {
          x: { field: 'instance', type: 'ordinal', sort: instances, axis: { labelAngle: -60 } },
          y: { field: 'accuracy', type: 'quantitative', title: 'accuracy on the stimuli', scale: { domain: [Math.max(0, lo - pad), Math.min(1, hi + pad)] } },
          tooltip: [{ field: 'instance' }, { field: 'accuracy', format: '.4f' }],
        },
      },
      {
        width: side,
        height: side,
        data: { values: kappa },
        mark: 'rect',
        encoding: {
          x: { field: 'a', type: 'ordinal', sort: instances, title: null, axis: { labelAngle: -60, grid: false } },
          y: { field: 'b', type: 'ordinal', sort: instances, title: null, axis: { grid: false } },
          color: { field: 'value', type: 'quantitative', title: 'κ', scale: { domain: [0, 1], range: colourSteps(10) } },
          tooltip: [{ field: 'a' }, { field: 'b' }, { field: 'value', format: '.3f' }],
        },
      },
    ],
  };
}
