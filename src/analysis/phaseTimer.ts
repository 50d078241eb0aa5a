/** Wall-clock seconds spent per phase of a run, accumulated across calls. */
export class PhaseTimer {
  readonly seconds: Record<string, number> = {};

  add(phase: string, seconds: number): void {
    this.seconds[phase] = (this.seconds[phase] ?? 0) + seconds;
  }

  async time<T>(phase: string, work: () => Promise<T> | T): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.add(phase, (performance.now() - t0) / 1000);
    }
  }

  /** Rounded copy for output (milliseconds are plenty). */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(this.seconds)) out[k] = Math.round(v * 1000) / 1000;
    return out;
  }
}
