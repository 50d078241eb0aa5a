/** Seeded random numbers (mulberry32 + Box–Muller): the one generator of the benchmarks (models, RDMs) and of the tests (test/helpers/random.ts). */
export class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(): number {
    const u = Math.max(this.next(), 1e-300);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

/** He-normal weights: N(0, 2 / fanIn). */
export function heWeights(rng: SeededRandom, count: number, fanIn: number): Float32Array {
  const s = Math.sqrt(2 / fanIn);
  const w = new Float32Array(count);
  for (let i = 0; i < count; i++) w[i] = rng.normal() * s;
  return w;
}
