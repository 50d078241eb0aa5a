/**
 * The machine's speed, measured in the same run as the figures it
 * normalises: the fp32 FMA peak (compute-bound kernels), the streaming triad
 * bandwidth (kernels that stream long vectors) and the permuted-gather rate
 * (permutation and bootstrap engines). Each probe runs before and after the
 * work it accompanies and the larger reading is kept, so a moment of
 * contention on a shared runner does not understate the machine.
 */
import { memoryProbe } from '../src/native/memoryProbe.js';
import { peakFlops } from '../src/native/rdm.js';

export interface MachineSpeed {
  /** fp32 FMA peak, GFLOP/s, all threads */
  peak_gflops: number;
  /** a[i] = b[i] + s·c[i] over arrays beyond the caches: GB/s moved, all threads */
  triad_gb_per_s: number;
  /** Σ a[i][t]·m[π(i)][π(t)], 1000 × 1000 float32: 1e9 elements gathered per second, all threads */
  gather_g_per_s: number;
}

/** What a figure's time is limited by, and so which probe normalises it. */
export type Bound = 'compute' | 'stream' | 'gather';

export interface Probe {
  /** suffix of normalised figure names: rdm.seconds_min@peak */
  suffix: 'peak' | 'triad' | 'gather';
  key: keyof MachineSpeed;
  /** the probe's rate as a unit, e.g. peak-GFLOP/s */
  rateUnit: string;
  /** seconds × that rate: the work the machine's limit would do in the figure's time */
  workUnit: string;
}

export const PROBES: Readonly<Record<Bound, Probe>> = {
  compute: { suffix: 'peak', key: 'peak_gflops', rateUnit: 'peak-GFLOP/s', workUnit: 'peak-GFLOP' },
  stream: { suffix: 'triad', key: 'triad_gb_per_s', rateUnit: 'triad-GB/s', workUnit: 'triad-GB' },
  gather: { suffix: 'gather', key: 'gather_g_per_s', rateUnit: 'gather-G/s', workUnit: 'gather-G' },
};

export async function measureMachineSpeed(o: { seconds: number; threads: number }): Promise<MachineSpeed> {
  const peak = await peakFlops(o.seconds / 2, o.threads);
  const mem = await memoryProbe(o.seconds / 2, { threads: o.threads });
  return { peak_gflops: peak.gflops, triad_gb_per_s: mem.triadGbPerSecond, gather_g_per_s: mem.gatherGPerSecond };
}

/** The better of two readings of each probe. */
export function fasterOf(a: MachineSpeed, b: MachineSpeed): MachineSpeed {
  return {
    peak_gflops: Math.max(a.peak_gflops, b.peak_gflops),
    triad_gb_per_s: Math.max(a.triad_gb_per_s, b.triad_gb_per_s),
    gather_g_per_s: Math.max(a.gather_g_per_s, b.gather_g_per_s),
  };
}
