/** Caption sentences about the data are computed from it, and absent when they cannot be. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LayerResult, ZooAnalysis } from '../../src/analysis/types.js';
import { behaviourFinding, centroidExemplarFinding, consistencyFinding, pairOutlierFinding } from '../../src/report/findings.js';

const summary = (r2: number) => ({ mean_r: Math.sqrt(r2), mean_r2: r2, entries: 10, matrix_r2: [[1]] });

function layer(name: string, r2: number, centroid: number | null, within: number | null, matrix: number[][] = [[1]]): LayerResult {
  return {
    name, n: 5, d: 3,
    consistency: { ...summary(r2), matrix_r2: matrix, method: 'r2', matrix_r: matrix, ci95: null, ci_method: null, pairs: [] },
    centroid: centroid === null ? null : summary(centroid),
    within_category: within === null ? null : summary(within),
    between_category: null,
    centroid_removed: null,
  };
}

function zoo(layers: LayerResult[], instances = ['a', 'b', 'c']): ZooAnalysis {
  return { name: 'z', instances, layers, behaviour: null, second_order: null, mantel: null, skipped: [] };
}

test('consistency: highest and lowest layer named with their values; nothing for one layer', () => {
  assert.equal(consistencyFinding(zoo([layer('c1', 0.9, null, null), layer('c2', 0.5, null, null)]), false), 'Highest at c1 (0.900), lowest at c2 (0.500).');
  assert.equal(consistencyFinding(zoo([layer('c1', 0.9, null, null)]), false), null);
});

test('centroid vs within: the relation follows the numbers, either way', () => {
  assert.match(centroidExemplarFinding(zoo([layer('c1', 0.9, 0.95, 0.4)]))!, /centroid consistency \(0\.950\) is higher than within-category/);
  assert.match(centroidExemplarFinding(zoo([layer('c1', 0.9, 0.3, 0.6)]))!, /is lower than within-category/);
  assert.equal(centroidExemplarFinding(zoo([layer('c1', 0.9, null, null)])), null);
});

test('outlier: the instance with the lowest mean r² is named; none with two instances', () => {
  const m = [[1, 0.9, 0.2], [0.9, 1, 0.3], [0.2, 0.3, 1]];
  assert.match(pairOutlierFinding(zoo([layer('c1', 0.5, null, null, m)]))!, /: c \(0\.250; mean over instances/);
  assert.equal(pairOutlierFinding(zoo([layer('c1', 0.5, null, null, [[1, 0.9], [0.9, 1]])], ['a', 'b'])), null);
});

test('behaviour: the accuracy range and mean κ as measured', () => {
  const b = { accuracy: [0.9, 0.8], agreement: [], error_consistency: [], confusion: [], mean_error_consistency: 0.25, mean_agreement: 0.9 };
  assert.equal(behaviourFinding(b), 'Accuracy 0.800–0.900; mean error consistency κ = 0.250.');
  assert.equal(behaviourFinding({ ...b, accuracy: [Number.NaN] }), null);
});
