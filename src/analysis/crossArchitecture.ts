/**
 * Consistency between architectures of a mixed zoo: per layer, the A × A
 * matrix whose entry (a, b) is the mean of the pair matrix's entries over
 * every pair of an instance of a and a different instance of b (on the
 * diagonal, the pairs within one architecture; null where it has one
 * instance). See docs/definitions.md, "Mixed architectures".
 */
import type { CrossArchitectureResult, LayerResult } from './types.js';

export function crossArchitecture(layers: readonly LayerResult[], architectureOf: readonly string[]): CrossArchitectureResult {
  const names = [...new Set(architectureOf)];
  const group = architectureOf.map((a) => names.indexOf(a));
  const count = names.length;
  return {
    architectures: names,
    instances: names.map((_, a) => group.filter((g) => g === a).length),
    layers: layers.map((layer) => {
      const sums = new Float64Array(count * count);
      const pairs = new Float64Array(count * count);
      const m = layer.consistency.matrix_r2;
      for (let i = 0; i < m.length; i++) {
        for (let j = 0; j < m.length; j++) {
          const v = m[i]![j]!;
          if (i === j || v === null || !Number.isFinite(v)) continue;
          const at = group[i]! * count + group[j]!;
          sums[at] = sums[at]! + v;
          pairs[at] = pairs[at]! + 1;
        }
      }
      const mean = (a: number, b: number): number | null => (pairs[a * count + b]! > 0 ? sums[a * count + b]! / pairs[a * count + b]! : null);
      return { name: layer.name, mean_r2: names.map((_, a) => names.map((__, b) => mean(a, b))) };
    }),
  };
}
