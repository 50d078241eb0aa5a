/**
 * results.json and the CSV tables of a run. The top-level `layers`,
 * `behaviour` and `second_order` describe the first zoo (the one other tools
 * read); with several zoos, `zoos[]` holds the same fields for each and
 * `zoo_difference` the per-layer test. The schema is documented in
 * docs/formats.md ("results.json", "CSV tables").
 */
import type { ZooAnalysis } from '../analysis/types.js';
import type { ZooDifference } from '../analysis/zooDifference.js';
import { toCsv } from '../io/csv.js';

export const RESULTS_FORMAT = 'seedscope-results/1';

export interface InstanceInfo {
  name: string;
  file?: string;
  sha256?: string;
  /** the model's external data files (absent when its weights are inside the file) */
  external_data?: { file: string; sha256: string }[];
  seed?: number | null;
  test_accuracy?: number | null;
  /** its architecture, in a zoo of several */
  architecture?: string;
}

export interface ZooFeedsInfo {
  image: string;
  dtype: string;
  filled: { name: string; dtype: string; shape: (number | 'batch')[]; value: number }[];
}

export interface ZooInfo {
  name: string;
  dir?: string;
  architecture?: string;
  /** a zoo of several architectures: their names, in the order their instances come */
  architectures?: string[];
  dataset?: string;
  instances: InstanceInfo[];
  /**
   * a mixed zoo's layer has a tensor per architecture (`tensors`) instead of one;
   * cast_from: the tensor's type in the model when it is not float32 (its activations were cast to float32 for
   * the RDMs); in a mixed zoo, by architecture (only those whose tensor is not float32)
   */
  layers: { name: string; tensor?: string; tensors?: Record<string, string>; cast_from?: string | Record<string, string> }[];
  /** what the models were fed: the image input, its type, and inputs fed constant zeros (--fill-inputs) */
  feeds?: ZooFeedsInfo;
  /** a mixed zoo: what each architecture's models were fed */
  feeds_by_architecture?: Record<string, ZooFeedsInfo>;
  /**
   * checksum of the stimuli as this zoo's models saw them (after its own
   * preprocessing; in the RDM cache keys); a mixed zoo has one per architecture
   */
  stimuli_checksum?: string;
  stimuli_checksum_by_architecture?: Record<string, string>;
  /** real paths of instance files outside the zoo folder, accepted by --allow-outside-zoo (absent when none) */
  files_outside_zoo?: string[];
}

export interface StimulusInfo {
  spec: string;
  n: number;
  labelled: boolean;
  classes?: string[];
  checksum?: string;
  per_class?: number | null;
  /** `dir:` stimuli: how class folders became labels (by name against the zoo's classes, or by sorted order) */
  label_rule?: string;
}

export interface RunMeta {
  command: string;
  options: Record<string, unknown>;
  seed: number;
  versions: Record<string, string>;
  created: string;
  stimuli: StimulusInfo;
  zoos: ZooInfo[];
  /** the RDM cache: its folder (null for --no-cache) and the RDMs computed and reused in this run */
  rdm_cache: { dir: string | null; in_memory?: boolean; computed: number; reused: number };
  /** memoised statistics (bootstrap intervals, Mantel families) read from the cache or computed; null without a cache */
  statistics_cache: { computed: number; reused: number } | null;
}

export interface ZooSection {
  zoo: ZooInfo;
  instances: string[];
  /** a mixed zoo: each instance's architecture, and the consistency between architectures per layer */
  architectures?: string[];
  cross_architecture?: ZooAnalysis['cross_architecture'];
  layers: ZooAnalysis['layers'];
  behaviour: ZooAnalysis['behaviour'];
  second_order: ZooAnalysis['second_order'];
  mantel: ZooAnalysis['mantel'];
  skipped: string[];
}

export interface ResultsDocument extends ZooSection {
  format: string;
  command: string;
  options: Record<string, unknown>;
  seed: number;
  versions: Record<string, string>;
  created: string;
  inputs: { stimuli: { spec: string; checksum?: string }; zoos: { name: string; dir?: string; files: { file?: string; sha256?: string }[] }[] };
  stimuli: StimulusInfo;
  rdm_cache: RunMeta['rdm_cache'];
  statistics_cache: RunMeta['statistics_cache'];
  zoos?: ZooSection[];
  zoo_difference?: ZooDifference | null;
  /** wall time per phase; peak resident memory of the process so far (MiB, as the OS counts it) */
  timing: { total_seconds: number; phases: Record<string, number>; phases_cpu: Record<string, number>; peak_rss_mib: number };
}

/** Each zoo's part of the document: its description beside its analysis. */
export function zooSections(meta: RunMeta, analyses: readonly ZooAnalysis[]): ZooSection[] {
  return analyses.map((a, i) => ({
    zoo: meta.zoos[i]!, instances: a.instances,
    ...(a.cross_architecture ? { architectures: a.architectures, cross_architecture: a.cross_architecture } : {}),
    layers: a.layers, behaviour: a.behaviour, second_order: a.second_order, mantel: a.mantel, skipped: a.skipped,
  }));
}

export function buildResults(meta: RunMeta, sections: readonly ZooSection[], difference: ZooDifference | null, timing: ResultsDocument['timing']): ResultsDocument {
  const first = sections[0]!;
  return {
    format: RESULTS_FORMAT,
    command: meta.command,
    options: meta.options,
    seed: meta.seed,
    versions: meta.versions,
    created: meta.created,
    inputs: {
      stimuli: { spec: meta.stimuli.spec, checksum: meta.stimuli.checksum },
      // files: [model, its data…] per instance, in instance order
      zoos: meta.zoos.map((z) => ({ name: z.name, dir: z.dir, files: z.instances.flatMap((i) => [{ file: i.file, sha256: i.sha256 }, ...(i.external_data ?? [])]) })),
    },
    stimuli: meta.stimuli,
    rdm_cache: meta.rdm_cache,
    statistics_cache: meta.statistics_cache,
    ...first,
    ...(sections.length > 1 ? { zoos: [...sections], zoo_difference: difference } : {}),
    timing,
  };
}

/** The CSV tables, by file name. */
export function resultTables(sections: readonly ZooSection[], difference: ZooDifference | null): Record<string, string> {
  const tables: Record<string, string> = {};
  tables['consistency_by_layer.csv'] = toCsv(
    ['zoo', 'layer', 'features', 'instances', 'mean_r', 'mean_r2', 'ci95_low', 'ci95_high', 'min_pair_r2', 'max_pair_r2'],
    sections.flatMap((s) => s.layers.map((l) => {
      const r2 = l.consistency.pairs.map((p) => p.r2);
      return [s.zoo.name, l.name, l.d, s.instances.length, l.consistency.mean_r, l.consistency.mean_r2, l.consistency.ci95?.[0], l.consistency.ci95?.[1],
        r2.length ? Math.min(...r2) : null, r2.length ? Math.max(...r2) : null];
    })));
  tables['pairs.csv'] = toCsv(
    ['zoo', 'layer', 'a', 'b', 'r', 'r2', 'p', 'p_corrected'],
    sections.flatMap((s) => s.layers.flatMap((l) => l.consistency.pairs.map((p) => [s.zoo.name, l.name, p.a, p.b, p.r, p.r2, p.p, p.p_corrected]))));
  tables['centroid_exemplar.csv'] = toCsv(
    ['zoo', 'layer', 'all_r2', 'centroid_r2', 'within_category_r2', 'between_category_r2', 'centroid_removed_r2'],
    sections.flatMap((s) => s.layers.map((l) => [s.zoo.name, l.name, l.consistency.mean_r2, l.centroid?.mean_r2, l.within_category?.mean_r2, l.between_category?.mean_r2, l.centroid_removed?.mean_r2])));
  tables['behaviour.csv'] = toCsv(
    ['zoo', 'a', 'b', 'accuracy_a', 'accuracy_b', 'agreement', 'error_consistency'],
    sections.flatMap((s) => {
      const b = s.behaviour;
      if (!b) return [];
      return s.instances.flatMap((a, i) => s.instances.map((c, j) => [s.zoo.name, a, c, b.accuracy[i], b.accuracy[j], b.agreement[i]![j], b.error_consistency[i]![j]]));
    }));
  if (sections.some((s) => s.cross_architecture)) {
    tables['cross_architecture.csv'] = toCsv(
      ['zoo', 'layer', 'architecture_a', 'architecture_b', 'mean_r2'],
      sections.flatMap((s) => {
        const x = s.cross_architecture;
        if (!x) return [];
        return x.layers.flatMap((l) => x.architectures.flatMap((a, i) => x.architectures.map((b, j) => [s.zoo.name, l.name, a, b, l.mean_r2[i]![j]])));
      }));
  }
  if (difference) {
    const d = difference;
    tables['zoo_difference.csv'] = toCsv(
      ['layer', `mean_r2_${d.zoos[0]}`, `mean_r2_${d.zoos[1]}`, 'difference', 'p', 'p_corrected'],
      d.layers.map((l) => [l.name, l.mean_r2_a, l.mean_r2_b, l.difference, l.p, l.p_corrected]));
  }
  return tables;
}
