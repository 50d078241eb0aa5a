/**
 * The analysis's inputs and results. Results are plain data (numbers, arrays,
 * strings) so they serialise to results.json as they are; the RDMs kept for
 * figures travel beside them, never inside.
 */
import type { BehaviourResult } from './behaviour.js';
import type { CompareMethod, Metric } from './engines.js';
import type { PhaseTimer } from './phases.js';

/**
 * One layer's N × D float32 activations (row-major): in memory, or spilled to
 * a raw file (N·D·4 bytes, no header) when the layer is larger than the
 * memory plan allows; its RDMs are then computed out of core.
 */
export type LayerActivationsInput = { name: string; n: number; d: number } & ({ data: Float32Array } | { file: string });

/** One instance's activations, as the analysis takes them (the pipeline adapts extraction's ExtractedInstance). */
export interface InstanceActivations {
  instance: string;
  index: number;
  layers: LayerActivationsInput[];
  /** N × C logits, when the model has a classifier output */
  logits?: Float32Array;
  /** C, the number of logits per stimulus */
  logitsWidth?: number;
}

export interface StimulusLabels {
  n: number;
  /** class id per stimulus, or undefined when the stimuli are unlabelled */
  labels?: Int32Array;
  classes?: string[];
}

export interface AnalysisOptions {
  metric: Metric;
  compare: CompareMethod;
  permutations: number;
  bootstrap: number;
  seed: number;
  threads: number;
  /** bytes of RDMs the analysis may hold at once (second-order tiles); default 4 GiB */
  memory?: number;
  /** called between steps that dropped large arrays, so their memory returns before the next step's (the pipeline collects garbage) */
  release?: () => void;
  /** the run's one timer, which also carries progress events to the caller; a private one when absent */
  timer?: PhaseTimer;
  /** checked between steps; throws to stop */
  checkCancelled?: () => void;
  /** memoised statistics (the cache's results), used where the RdmSet names its RDMs by content */
  memo?: StatsMemo;
}

/**
 * Statistics memoised by what they depend on (src/store/resultMemo.ts): `get`
 * gives the value stored for these inputs or null.
 */
export interface StatsMemo {
  /** `parse` checks the stored value and returns null to refuse it (then it is recomputed) */
  get<T>(inputs: object, parse: (value: unknown) => T | null): T | null;
  /** values are written as JSON writes them (NaN as null, typed arrays as arrays) */
  put(inputs: object, value: unknown): void;
}

export interface PairResult {
  a: string;
  b: string;
  r: number;
  r2: number;
  p: number | null;
  p_corrected: number | null;
}

/** Mean consistency over instance pairs (a < b) of one kind of RDM entries. */
export interface ConsistencySummary {
  mean_r: number;
  mean_r2: number;
  /** entries compared per pair */
  entries: number;
  /** K × K r² */
  matrix_r2: number[][];
}

export interface LayerResult {
  name: string;
  n: number;
  d: number;
  consistency: ConsistencySummary & {
    method: string;
    /** K × K values of the chosen comparison's correlation (r) */
    matrix_r: number[][];
    /** 95 % two-factor bootstrap interval of the mean r² (of the chosen statistic when it is not r-based) */
    ci95: [number, number] | null;
    ci_method: string | null;
    pairs: PairResult[];
  };
  centroid: ConsistencySummary | null;
  within_category: ConsistencySummary | null;
  between_category: ConsistencySummary | null;
  centroid_removed: ConsistencySummary | null;
}

export interface SecondOrderResult {
  method: string;
  /** order of rows/columns of the matrix: instance-major */
  items: { instance: string; layer: string }[];
  /** (K·L) × (K·L) correlation of every two (instance, layer) RDMs */
  matrix: number[][];
  mds: { instance: string; layer: string; x: number; y: number }[];
}

/** A mixed zoo's consistency between its architectures (crossArchitecture.ts). */
export interface CrossArchitectureResult {
  /** in order of first appearance */
  architectures: string[];
  /** instances of each */
  instances: number[];
  /** per layer, A × A mean r² between instances of two architectures (within one on the diagonal) */
  layers: { name: string; mean_r2: (number | null)[][] }[];
}

export interface ZooAnalysis {
  name: string;
  instances: string[];
  /** each instance's architecture; only for a zoo of several */
  architectures?: string[];
  cross_architecture?: CrossArchitectureResult;
  layers: LayerResult[];
  behaviour: BehaviourResult | null;
  second_order: SecondOrderResult | null;
  mantel: { permutations: number; exact: boolean; correction: string } | null;
  skipped: string[];
}

/** A few RDMs kept for figures: rdms[layer][instance], condensed. */
export interface ZooRdms {
  layers: string[];
  instances: string[];
  n: number;
  rdms: Float64Array[][];
}

export interface ZooDifferenceLayer {
  name: string;
  mean_r2_a: number;
  mean_r2_b: number;
  difference: number;
  p: number;
  p_corrected: number;
}
