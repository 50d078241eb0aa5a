/**
 * The three RDMs of a labelled layer (full, class centroids, centroids
 * removed): computeRdmSplit (one Gram product) against the direct way (rdm of
 * X, class centroids subtracted in place, rdm of the centroids, rdm of X − μ),
 * timed alternately on the same random activations. Run it with
 * `node dist/bench/rdmSplit.js`: one JSON line per size, N = 1000 with
 * D = 12544 (an early layer of the default zoo, 16×28×28) and D = 1152.
 */
import { pathToFileURL } from 'node:url';
import { loadAddon } from '../src/native/addon.js';
import { nativeClassCentroids } from '../src/native/centroids.js';
import { computeRdm, type RdmMetric } from '../src/native/rdm.js';
import { computeRdmSplit } from '../src/native/rdmSplit.js';
import { randomActivations } from './rdm.js';

export interface BenchRdmSplitResult {
  op: 'rdm-split';
  n: number;
  d: number;
  classes: number;
  metric: RdmMetric;
  threads: number;
  isa: string;
  repeat: number;
  split_seconds_min: number;
  split_seconds_median: number;
  direct_seconds_min: number;
  direct_seconds_median: number;
  /** direct_seconds_min / split_seconds_min */
  speedup: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function benchRdmSplit(o: { n: number; d: number; classes: number; metric: RdmMetric; repeat: number; threads: number }): Promise<BenchRdmSplitResult> {
  const acts = randomActivations(o.n, o.d, 'float32') as Float32Array;
  const labels = Int32Array.from({ length: o.n }, (_, i) => i % o.classes);
  const rowOf = labels;  // labels are 0 … classes − 1, all present
  const invCount = Float64Array.from({ length: o.classes }, (_, c) => 1 / labels.filter((l) => l === c).length);
  const opts = { metric: o.metric, condensed: true, outDtype: 'float64' as const, threads: o.threads };
  const split = () => computeRdmSplit(acts, o.n, o.d, labels, { metric: o.metric, threads: o.threads });
  const direct = async (copy: Float32Array) => {
    await computeRdm(copy, o.n, o.d, opts);
    const centroids = await nativeClassCentroids(copy, o.n, o.d, rowOf, invCount, { subtract: true, threads: o.threads });
    await computeRdm(centroids, o.classes, o.d, opts);
    await computeRdm(copy, o.n, o.d, opts);
  };
  await split();
  await direct(acts.slice());
  const ts: number[] = [], td: number[] = [];
  for (let r = 0; r < o.repeat; r++) {
    let t0 = performance.now();
    await split();
    ts.push((performance.now() - t0) / 1000);
    const copy = acts.slice();  // the direct way subtracts in place: a fresh copy each time, made outside the timing
    t0 = performance.now();
    await direct(copy);
    td.push((performance.now() - t0) / 1000);
  }
  const info = loadAddon().buildInfo();
  return {
    op: 'rdm-split', n: o.n, d: o.d, classes: o.classes, metric: o.metric,
    threads: o.threads > 0 ? o.threads : info.threads, isa: info.isa, repeat: o.repeat,
    split_seconds_min: Math.min(...ts), split_seconds_median: median(ts),
    direct_seconds_min: Math.min(...td), direct_seconds_median: median(td),
    speedup: Math.min(...td) / Math.min(...ts),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const d of [12544, 1152]) {
    process.stdout.write(JSON.stringify(await benchRdmSplit({ n: 1000, d, classes: 10, metric: 'correlation', repeat: 7, threads: 0 })) + '\n');
  }
}
