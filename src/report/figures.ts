/**
 * Every figure of a run, as SVG and PNG, with a title and a caption. A
 * caption says what is drawn; any sentence about what the data show is
 * computed from the results (findings.ts) and left out when it does not hold.
 * The report draws only what the analysis computed.
 */
import type { ZooAnalysisOutput } from '../analysis/analyseZoo.js';
import type { StimulusLabels, ZooAnalysis } from '../analysis/types.js';
import type { ZooDifference } from '../analysis/zooDifference.js';
import { sanitizeFileName } from '../io/fileNames.js';
import { behaviourChart, layerLines, matrixPanels, trajectories, type LayerPoint, type MatrixCell } from './charts.js';
import { colourSteps } from './colormap.js';
import { placeMap, scatterPng, scatterSvg, type MapPoint } from './scatterFigure.js';
import { behaviourFinding, centroidExemplarFinding, consistencyFinding, pairOutlierFinding, secondOrderFinding } from './findings.js';
import { rdmGrid } from './rdmHeatmap.js';
import { svgToPng } from './render.js';

export interface Figure {
  id: string;
  title: string;
  caption: string;
  svg: string;
  png: Buffer;
  /** how report.html embeds it: inline SVG, or PNG where the SVG would be heavy */
  embed: 'svg' | 'png';
}

export interface FigureInput {
  zoos: ZooAnalysisOutput[];
  stimuli: StimulusLabels;
  difference: ZooDifference | null;
}

const finite = (v: number | undefined | null): number | null => (v === undefined || v === null || !Number.isFinite(v) ? null : v);

/** Joins a caption's description with its computed finding, if any. */
const withFinding = (text: string, finding: string | null): string => (finding ? `${text} ${finding}` : text);

/**
 * A figure whose PNG is rasterised in the background (sharp works on libuv's
 * threads), so it overlaps the JavaScript that builds the next figure's SVG.
 * The SVG may itself still be in the making (the RDM heatmaps' native work).
 */
function figure(id: string, title: string, caption: string, svgDone: string | Promise<string>, embed: 'svg' | 'png' = 'svg', pngDone?: Promise<Buffer>): Promise<Figure> {
  pngDone?.catch(() => undefined); // its failure surfaces through `done` (or svgDone's first)
  const done = Promise.resolve(svgDone).then(async (svg) => ({ id, title, caption, svg, png: await (pngDone ?? svgToPng(svg)), embed }));
  done.catch(() => undefined); // awaited with the others at the end; not an unhandled rejection meanwhile
  return done;
}

/** File-name suffix and title suffix of a zoo's figures (none when the run has one zoo). */
function naming(z: ZooAnalysisOutput, multi: boolean): { sfx: string; of: string } {
  return { sfx: multi ? `_${sanitizeFileName(z.result.name)}` : '', of: multi ? ` (${z.result.name})` : '' };
}

/** RDMs of two instances at the first, middle and last layer (Figure 1 of the paper); SVG and PNG are built in the background. */
function heatmapFigure(z: ZooAnalysisOutput, stimuli: StimulusLabels, { sfx, of }: { sfx: string; of: string }): Promise<Figure> {
  const shown = z.shown;
  const panels = shown.instances.flatMap((name, ii) => shown.layers.map((layer, li) => ({
    title: `${name} · ${layer}`,
    condensed: shown.rdms[li]![ii]!,
  })));
  const grid = rdmGrid(panels, shown.layers.length, shown.n, stimuli.labels, stimuli.classes, `RDMs (percentile of dissimilarity), stimuli sorted by class${of}`);
  return figure(`rdm_heatmaps${sfx}`, `RDMs of two instances${of}`,
    'Each RDM of two instances at the first, middle and last layer, as percentiles of its dissimilarities, stimuli sorted by class (one row per instance).',
    grid.then((g) => g.svg), 'svg', grid.then((g) => g.png));
}

/**
 * 2-D MDS of the stimuli (Figure 2 of the paper), computed by the analysis:
 * 6,000 dots, so drawn directly (scatterFigure.ts) rather than rasterised from
 * SVG by librsvg: the PNG as pixels, in the background.
 */
function stimulusMdsFigure(z: ZooAnalysisOutput, stimuli: StimulusLabels, { sfx, of }: { sfx: string; of: string }): Promise<Figure> {
  const maps = z.stimulusMaps;
  const points: MapPoint[] = [];
  maps.layers.forEach((layer, li) => maps.instances.forEach((name, ii) => {
    const coords = maps.maps[li]![ii]!;
    for (let i = 0; i < z.shown.n; i++) {
      const cls = stimuli.labels?.[i];
      points.push({ row: name, column: layer, x: coords[2 * i]!, y: coords[2 * i + 1]!, group: cls === undefined ? 'unlabelled' : stimuli.classes?.[cls] ?? String(cls) });
    }
  }));
  const groups = stimuli.labels ? [...new Set(Array.from(stimuli.labels).sort((a, b) => a - b))].map((c) => stimuli.classes?.[c] ?? String(c)) : ['unlabelled'];
  const placed = placeMap(points, { title: `MDS of the stimuli${of}`, groupTitle: 'class', rows: maps.instances, columns: maps.layers, groups, colours: colourSteps(groups.length, 'viridis', 0, 0.95) });
  return figure(`stimulus_mds${sfx}`, `Stimuli in 2-D (MDS)${of}`,
    'Each dot is a stimulus placed by classical MDS of one instance\'s RDM (the second instance rotated onto the first), coloured by class.',
    scatterSvg(placed), 'png', scatterPng(placed));
}

export async function makeFigures(input: FigureInput, onProgress?: (done: number, total: number) => void): Promise<Figure[]> {
  const figs: Promise<Figure>[] = [];
  const { zoos, stimuli } = input;
  const multi = zoos.length > 1;
  const perZoo = 6; // (a mixed zoo's cross-architecture figure shares the consistency matrix's tick)
  const total = 1 + perZoo * zoos.length;
  let done = 0;
  const tick = (): void => onProgress?.(++done, total);

  // the figures with the most background work start first, so that work (the heatmaps' native ranking,
  // the stimulus maps' rasterising: thousands of points) overlaps the charts built after them
  const early: { heatmaps: Promise<Figure>; mds: Promise<Figure> }[] = [];
  for (const z of zoos) {
    const heatmaps = heatmapFigure(z, stimuli, naming(z, multi));
    early.push({ heatmaps, mds: stimulusMdsFigure(z, stimuli, naming(z, multi)) });
  }

  // consistency by layer, one line per zoo
  const allLayers = [...new Set(zoos.flatMap((z) => z.result.layers.map((l) => l.name)))];
  const rows: LayerPoint[] = zoos.flatMap((z) => z.result.layers.map((l, i) => ({
    series: z.result.name, layer: l.name, order: i, value: finite(l.consistency.mean_r2),
    lo: finite(l.consistency.ci95?.[0]), hi: finite(l.consistency.ci95?.[1]),
  })));
  if (zoos.some((z) => z.result.instances.length >= 2)) {
    let caption = 'Mean representational consistency (shared variance r² of RDMs) of all instance pairs per layer, with 95 % two-factor bootstrap bands where computed.';
    for (const z of zoos) caption = withFinding(caption, consistencyFinding(z.result, multi));
    if (input.difference) {
      const sig = input.difference.layers.filter((l) => l.p_corrected < 0.05).map((l) => l.name);
      caption += ` Zoo difference significant (corrected p < 0.05) at: ${sig.length ? sig.join(', ') : 'no layer'}.`;
    }
    figs.push(figure('consistency_by_layer', 'Representational consistency by layer',
      caption, layerLines(rows, allLayers, { title: 'Representational consistency by layer', yTitle: 'mean r² between instances', seriesTitle: 'zoo' })));
  }
  tick();

  for (const [zi, z] of zoos.entries()) {
    const { sfx, of } = naming(z, multi);
    const inst = z.result.instances;
    const layers = z.result.layers.map((l) => l.name);

    if (inst.length >= 2) {
      const cells: MatrixCell[] = z.result.layers.flatMap((l) => l.consistency.matrix_r2.flatMap((row, a) => row.map((v, b) => ({ panel: l.name, a: inst[a]!, b: inst[b]!, value: finite(v) }))));
      const mixedNote = z.result.architectures ? ' Instances of different architectures are compared at the layers they share; instances come grouped by architecture.' : '';
      figs.push(figure(`consistency_matrix${sfx}`, `Consistency of every instance pair${of}`,
        withFinding(`r² of every pair of instances per layer.${mixedNote}`, pairOutlierFinding(z.result)),
        matrixPanels(cells, layers, inst, { title: `Pairwise consistency (r²) per layer${of}`, legend: 'r²' })));
    }
    const cross = z.result.cross_architecture;
    if (cross) {
      const names = cross.architectures;
      const cellsX: MatrixCell[] = cross.layers.flatMap((l) => l.mean_r2.flatMap((row, a) => row.map((v, b) => ({ panel: l.name, a: names[a]!, b: names[b]!, value: finite(v) }))));
      figs.push(figure(`cross_architecture${sfx}`, `Consistency between architectures${of}`,
        `Mean r² between instances of two architectures per layer (${names.map((n, i) => `${n}: ${cross.instances[i]}`).join(', ')} instances); the diagonal is the mean within one architecture (blank where it has one instance).`,
        matrixPanels(cellsX, layers, names, { title: `Consistency between architectures (mean r²) per layer${of}`, legend: 'mean r²' })));
    }
    tick();

    figs.push(early[zi]!.heatmaps);
    tick();
    figs.push(early[zi]!.mds);
    tick();

    if (z.result.second_order) {
      const order = new Map(layers.map((l, i) => [l, i]));
      const archOf = new Map((z.result.architectures ?? []).map((a, i) => [inst[i]!, a]));
      const pts = z.result.second_order.mds.map((p) => ({ ...p, order: order.get(p.layer) ?? 0, ...(archOf.size ? { group: archOf.get(p.instance) } : {}) }));
      const byArch = cross ? ' Each line is coloured by its architecture.' : '';
      figs.push(figure(`second_order_mds${sfx}`, `Instances as trajectories through their layers${of}`,
        withFinding(`Second-order MDS of all (instance, layer) RDMs (dissimilarity 1 − r): each instance is a line through its layers.${byArch}`, secondOrderFinding(z.result)),
        trajectories(pts, layers, { title: `Second-order MDS${of}`, ...(cross ? { groups: cross.architectures, groupTitle: 'architecture' } : {}) })));
    }
    tick();

    if (z.result.layers.some((l) => l.centroid || l.within_category)) {
      const kinds: [string, (l: ZooAnalysis['layers'][number]) => number | undefined][] = [
        ['all entries', (l) => l.consistency.mean_r2],
        ['(a) centroids', (l) => l.centroid?.mean_r2],
        ['(b) within category', (l) => l.within_category?.mean_r2],
        ['(c) between categories', (l) => l.between_category?.mean_r2],
        ['(d) centroids removed', (l) => l.centroid_removed?.mean_r2],
      ];
      const rowsCe: LayerPoint[] = kinds.flatMap(([kind, get]) => z.result.layers.map((l, i) => ({ series: kind, layer: l.name, order: i, value: finite(get(l)) })));
      figs.push(figure(`centroid_exemplar${sfx}`, `Centroid vs exemplar consistency${of}`,
        withFinding('Mean r² between instances per layer for all RDM entries and for the analyses (a)–(d): class-centroid RDMs, within-category entries, between-category entries, and RDMs with class centroids removed.', centroidExemplarFinding(z.result)),
        layerLines(rowsCe, layers, { title: `Centroid and exemplar consistency (mean r²)${of}`, yTitle: 'mean r² between instances', seriesTitle: 'RDM entries' })));
    }
    tick();

    const b = z.result.behaviour;
    if (b) {
      const acc = inst.map((name, i) => ({ instance: name, accuracy: b.accuracy[i]! }));
      const kappa: MatrixCell[] = b.error_consistency.flatMap((row, a) => row.map((v, c) => ({ panel: '', a: inst[a]!, b: inst[c]!, value: a === c ? null : finite(v) })));
      figs.push(figure(`behaviour${sfx}`, `Behaviour${of}`,
        withFinding('Accuracy of each instance on these stimuli, and the error consistency (Cohen\'s κ of correct/incorrect) of every pair.', behaviourFinding(b)),
        behaviourChart(acc, kappa, inst, `Accuracy and error consistency${of}`)));
    }
    tick();
  }
  return Promise.all(figs);
}
