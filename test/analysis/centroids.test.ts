import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classCentroids, classIndex, subtractCentroidsInPlace } from '../../src/analysis/classStructure.js';
import { nativeEngines } from '../../src/analysis/nativeEngines.js';
import { TestRng } from '../helpers/random.js';

test('native class centroids and their removal equal the TypeScript ones bit for bit', async () => {
  const split = nativeEngines().rdm.splitCentroids!;
  const rng = new TestRng(5);
  // d spans several native feature blocks with a ragged end; class 4 absent, class 6 has one stimulus
  for (const [n, d, threads] of [[60, 1300, 2], [7, 3, 1], [200, 513, 0]] as const) {
    const labels = Int32Array.from({ length: n }, (_, i) => (i === 5 ? 6 : [0, 1, 2, 3, 5][i % 5]!));
    const idx = classIndex(labels);
    const a = Float32Array.from({ length: n * d }, () => rng.normal() * 3 + 1);
    const b = a.slice();
    const want = classCentroids(a, n, d, labels, idx);
    subtractCentroidsInPlace(a, n, d, labels, idx, want);
    const got = await split({ data: b, n, d, labels, idx, threads });
    assert.deepEqual(got, want, `centroids n=${n} d=${d}`);
    assert.deepEqual(b, a, `activations n=${n} d=${d}`);
  }
});
