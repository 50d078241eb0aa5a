/**
 * Child process for the per-ISA tests of the split RDMs (the instruction set
 * is fixed per process by SEEDSCOPE_ISA). Prints one JSON line: the kernel
 * used and, per case and part, the larger of the errors against the float64
 * reference and against the direct computation, relative to the RDM
 * tolerance (≤ 1 passes).
 */
import { RDM_METRICS } from '../../src/native/rdm.js';
import { computeRdmSplit } from '../../src/native/rdmSplit.js';
import { maxAbsDiff, tolerance } from './rdmReference.js';
import { classActs, directSplit, referenceSplit } from './rdmSplitReference.js';

const cases = [
  { n: 2, d: 3, classes: 2 }, { n: 7, d: 17, classes: 3 }, { n: 50, d: 257, classes: 5 },
  { n: 53, d: 1100, classes: 4 }, { n: 100, d: 33, classes: 10 },
];

const results: { case: string; ratio: number }[] = [];
let kernel = '';
for (const { n, d, classes } of cases) {
  const labels = Int32Array.from({ length: n }, (_, i) => 2 * (i % classes));
  for (const f32 of [true, false]) {
    for (const centroidScale of [1, 20]) {
      const x = classActs(n, d, labels, { f32, seed: n * 1000 + d, centroidScale });
      for (const metric of RDM_METRICS) {
        const r = await computeRdmSplit(x, n, d, labels, { metric, threads: 2 });
        kernel = r.kernel;
        const direct = await directSplit(x, n, d, labels, metric);
        const ref = referenceSplit(x, n, d, labels, metric);
        // the direct Euclidean RDMs are themselves less accurate when centroids dominate (see rdmSplit.test.ts)
        const vsDirect = centroidScale === 1 || metric === 'correlation' || metric === 'cosine';
        for (const part of ['full', 'centroids', 'removed'] as const) {
          const tol = tolerance(metric, true, false, ref[part]);
          const err = Math.max(maxAbsDiff(r[part].rdm, ref[part]), vsDirect ? maxAbsDiff(r[part].rdm, direct[part].rdm) : 0);
          results.push({ case: `${metric} ${part} n=${n} d=${d} ${f32 ? 'f32' : 'f64'} centroids ×${centroidScale}`, ratio: err / tol });
        }
      }
    }
  }
}
process.stdout.write(JSON.stringify({ kernel, results }) + '\n');
