/**
 * The phases of a run, one timer for all of them, and progress as events.
 * The pipeline owns one PhaseTimer per run and hands it to every step, so
 * the run's timing is accumulated in one place and progress reaches the
 * caller as (phase, scope, done, total) events, never as display labels.
 */

/** Every phase a run reports, in the order they first happen. */
export const PHASES = [
  'load', 'extraction', 'rdms', 'consistency', 'bootstrap', 'mantel', 'second_order', 'behaviour', 'zoo_difference', 'figures', 'write',
] as const;
export type PhaseId = (typeof PHASES)[number];

export interface PhaseEvent {
  phase: PhaseId;
  /** what the phase works on, e.g. the zoo's name; absent for the run as a whole */
  scope?: string;
  kind: 'progress' | 'done';
  done: number;
  total: number;
  /** a short note for people, e.g. the instance and its images per second */
  detail?: string;
}

export type PhaseListener = (event: PhaseEvent) => void;

/**
 * Wall-clock seconds per phase, accumulated across calls, and progress events;
 * beside them the process's CPU seconds per phase (every thread: the main
 * thread, the extraction worker, onnxruntime's and the native core's), which a
 * machine shared with other work slows far less than wall time.
 */
export class PhaseTimer {
  private readonly seconds: Partial<Record<PhaseId, number>> = {};
  private readonly cpu: Partial<Record<PhaseId, number>> = {};

  constructor(private readonly listener?: PhaseListener) {}

  add(phase: PhaseId, seconds: number, cpuSeconds = 0): void {
    this.seconds[phase] = (this.seconds[phase] ?? 0) + seconds;
    this.cpu[phase] = (this.cpu[phase] ?? 0) + cpuSeconds;
  }

  async time<T>(phase: PhaseId, work: () => Promise<T> | T): Promise<T> {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    try {
      return await work();
    } finally {
      const c = process.cpuUsage(c0);
      this.add(phase, (performance.now() - t0) / 1000, (c.user + c.system) / 1e6);
    }
  }

  progress(phase: PhaseId, scope: string | undefined, done: number, total: number, detail?: string): void {
    this.listener?.({ phase, scope, kind: 'progress', done, total, detail });
  }

  finish(phase: PhaseId, scope?: string): void {
    this.listener?.({ phase, scope, kind: 'done', done: 1, total: 1 });
  }

  /** A (done, total) callback that reports as `phase`, for engines that take one. */
  reporter(phase: PhaseId, scope?: string): (done: number, total: number) => void {
    return (done, total) => this.progress(phase, scope, done, total);
  }

  /** Seconds per phase in PHASES order, rounded to milliseconds. */
  snapshot(): Partial<Record<PhaseId, number>> {
    return rounded(this.seconds);
  }

  /** CPU seconds of the whole process per phase, in PHASES order, rounded to milliseconds. */
  cpuSnapshot(): Partial<Record<PhaseId, number>> {
    return rounded(this.cpu);
  }
}

function rounded(seconds: Partial<Record<PhaseId, number>>): Partial<Record<PhaseId, number>> {
  const out: Partial<Record<PhaseId, number>> = {};
  for (const p of PHASES) {
    const v = seconds[p];
    if (v !== undefined) out[p] = Math.round(v * 1000) / 1000;
  }
  return out;
}
