/**
 * Seeded random numbers in TypeScript: mulberry32 (32-bit state) for uniforms
 * and Box–Muller (the cosine half) for standard normals. The one generator of
 * the TypeScript side: synthetic zoos (src/zoo/synthZoo.ts), generated
 * benchmark models (bench/) and tests use it. Every draw is plain IEEE
 * double arithmetic and V8's own Math.log/Math.cos, so a seed gives the same
 * numbers on every machine. Statistics (permutations, bootstrap) draw from the
 * native counter-based RNG instead (native/core/rng.h).
 */
export class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A uniform number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** A standard normal number (two uniforms per draw). */
  normal(): number {
    const u = Math.max(this.next(), 1e-300);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}
