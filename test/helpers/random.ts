/** Seeded random numbers for tests: tests never flake. */
import { SeededRandom } from '../../bench/benchRandom.js';

export class TestRng extends SeededRandom {
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  normals(n: number): Float64Array {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = this.normal();
    return a;
  }
}
