/**
 * Child process for the per-ISA RDM tests: the instruction set is fixed per
 * process (SEEDSCOPE_ISA), so the parent runs this script once per ISA. It
 * prints one JSON line: the kernel used and, per case, the error against the
 * float64 reference relative to the case's tolerance (≤ 1 passes).
 */
import { computeRdm, RDM_METRICS } from '../../src/native/rdm.js';
import { condensed, maxAbsDiff, randomActs, referenceRdm, tolerance } from './rdmReference.js';

const cases: { n: number; d: number }[] = [
  { n: 2, d: 1 }, { n: 3, d: 5 }, { n: 9, d: 17 }, { n: 50, d: 257 }, { n: 53, d: 4200 }, { n: 100, d: 33 },
];

const results: { case: string; ratio: number }[] = [];
let kernel = '';
for (const { n, d } of cases) {
  for (const f32 of [true, false]) {
    const x = randomActs(n, d, n * 1000 + d, f32);
    for (const metric of RDM_METRICS) {
      const ref = referenceRdm(x, n, d, metric);
      for (const cond of [false, true]) {
        const r = await computeRdm(x, n, d, { metric, condensed: cond, threads: 2 });
        kernel = r.kernel;
        const want = cond ? condensed(ref, n) : ref;
        const err = maxAbsDiff(r.rdm, want);
        results.push({ case: `${metric} n=${n} d=${d} ${f32 ? 'f32' : 'f64'}${cond ? ' condensed' : ''}`, ratio: err / tolerance(metric, f32, false, ref) });
      }
    }
  }
}
process.stdout.write(JSON.stringify({ kernel, results }) + '\n');
