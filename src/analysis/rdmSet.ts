/**
 * The RDMs of one zoo as the analysis reads them: by (layer, instance,
 * variant), one layer at a time, so memory holds one layer's K RDMs and not
 * the zoo's K · L. The pipeline backs a set with the RDM store on disk;
 * MemoryRdmSet keeps them in memory (small inputs and tests).
 */

/** 'full': the layer's RDM; 'centroids': its class centroids' C × C RDM; 'centroid-removed': after subtracting them. */
export type RdmVariant = 'full' | 'centroids' | 'centroid-removed';

export interface RdmLayerInfo {
  name: string;
  /** stimuli */
  n: number;
  /** features per stimulus */
  d: number;
}

export interface RdmSet {
  readonly layers: readonly RdmLayerInfo[];
  readonly instances: readonly string[];
  /** stimuli */
  readonly n: number;
  /** true when the centroid variants exist (labelled stimuli of at least 2 classes) */
  readonly hasCentroids: boolean;
  /** a condensed RDM, float64 (a fresh array the caller may keep or drop) */
  read(layer: number, instance: number, variant: RdmVariant): Promise<Float64Array>;
  /** entries [start, end) of a condensed RDM into out (float64) from outOffset: a block, without reading the whole RDM */
  readRange(layer: number, instance: number, variant: RdmVariant, start: number, end: number, out: Float64Array, outOffset: number): Promise<void>;
  /** a name of the RDM's content (its cache key), where the set has one: what memoised statistics are keyed by */
  contentKey?(layer: number, instance: number, variant: RdmVariant): string;
}

/** The K RDMs of one layer in instance order. */
export async function readLayer(set: RdmSet, layer: number, variant: RdmVariant = 'full'): Promise<Float64Array[]> {
  const out: Float64Array[] = [];
  for (let i = 0; i < set.instances.length; i++) out.push(await set.read(layer, i, variant));
  return out;
}

/** The three RDMs of one (instance, layer); the centroid variants are absent for unlabelled stimuli. */
export interface InstanceLayerRdms {
  full: Float64Array;
  centroids?: Float64Array;
  removed?: Float64Array;
}

/** An RdmSet held in memory, filled instance by instance. */
export class MemoryRdmSet implements RdmSet {
  readonly instances: string[] = [];
  layers: RdmLayerInfo[] = [];
  hasCentroids = false;
  /** rdms[variant][layer][instance] */
  private readonly rdms = new Map<RdmVariant, Float64Array[][]>();

  constructor(readonly n: number) {}

  add(instance: string, layers: readonly RdmLayerInfo[], rdms: readonly InstanceLayerRdms[]): void {
    if (this.instances.length === 0) {
      this.layers = layers.map((l) => ({ ...l }));
      this.hasCentroids = rdms.length > 0 && rdms.every((r) => r.centroids !== undefined && r.removed !== undefined);
    }
    this.instances.push(instance);
    rdms.forEach((r, li) => {
      this.slot('full', li).push(r.full);
      if (this.hasCentroids) {
        this.slot('centroids', li).push(r.centroids!);
        this.slot('centroid-removed', li).push(r.removed!);
      }
    });
  }

  private slot(variant: RdmVariant, layer: number): Float64Array[] {
    let v = this.rdms.get(variant);
    if (!v) {
      v = [];
      this.rdms.set(variant, v);
    }
    while (v.length <= layer) v.push([]);
    return v[layer]!;
  }

  read(layer: number, instance: number, variant: RdmVariant): Promise<Float64Array> {
    const r = this.rdms.get(variant)?.[layer]?.[instance];
    if (!r) return Promise.reject(new Error(`no ${variant} RDM of layer ${layer}, instance ${instance}`));
    return Promise.resolve(r);
  }

  async readRange(layer: number, instance: number, variant: RdmVariant, start: number, end: number, out: Float64Array, outOffset: number): Promise<void> {
    out.set((await this.read(layer, instance, variant)).subarray(start, end), outOffset);
  }
}

/**
 * Several sets of the same layers and stimuli read as one, their instances
 * one after another: a mixed zoo, one set per architecture. A layer's
 * feature count differs between architectures; the joined set gives NaN.
 */
export class JoinedRdmSet implements RdmSet {
  readonly layers: readonly RdmLayerInfo[];
  readonly instances: readonly string[];
  readonly n: number;
  readonly hasCentroids: boolean;
  readonly contentKey?: (layer: number, instance: number, variant: RdmVariant) => string;
  /** instance → [set, its index there] */
  private readonly place: [RdmSet, number][];

  constructor(sets: readonly RdmSet[]) {
    const first = sets[0]!;
    for (const s of sets) {
      if (s.n !== first.n) throw new Error(`joined RDM sets differ in their stimuli (${s.n} vs ${first.n})`);
      if (s.layers.map((l) => l.name).join('\u0000') !== first.layers.map((l) => l.name).join('\u0000')) throw new Error('joined RDM sets differ in their layers');
    }
    this.n = first.n;
    this.layers = first.layers.map((l, li) => ({ ...l, d: sets.every((s) => s.layers[li]!.d === l.d) ? l.d : Number.NaN }));
    this.instances = sets.flatMap((s) => s.instances);
    this.hasCentroids = sets.every((s) => s.hasCentroids);
    this.place = sets.flatMap((s) => s.instances.map((_, i): [RdmSet, number] => [s, i]));
    if (sets.every((s) => s.contentKey)) {
      this.contentKey = (layer, instance, variant) => {
        const [s, i] = this.at(instance);
        return s.contentKey!(layer, i, variant);
      };
    }
  }

  private at(instance: number): [RdmSet, number] {
    const p = this.place[instance];
    if (!p) throw new Error(`no instance ${instance} in the joined RDM set`);
    return p;
  }

  read(layer: number, instance: number, variant: RdmVariant): Promise<Float64Array> {
    const [s, i] = this.at(instance);
    return s.read(layer, i, variant);
  }

  readRange(layer: number, instance: number, variant: RdmVariant, start: number, end: number, out: Float64Array, outOffset: number): Promise<void> {
    const [s, i] = this.at(instance);
    return s.readRange(layer, i, variant, start, end, out, outOffset);
  }
}
