/** Seeded random numbers for generated benchmark models and for tests: the one generator lives in src/stats/seededRandom.ts. */
import { SeededRandom } from '../src/stats/seededRandom.js';

export { SeededRandom };

/** He-normal weights: N(0, 2 / fanIn). */
export function heWeights(rng: SeededRandom, count: number, fanIn: number): Float32Array {
  const s = Math.sqrt(2 / fanIn);
  const w = new Float32Array(count);
  for (let i = 0; i < count; i++) w[i] = rng.normal() * s;
  return w;
}
