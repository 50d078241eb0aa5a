/**
 * `seedscope bench scale`: the runs that show how seedscope scales, each in
 * its own process, with wall time, phases, peak resident memory and the
 * cache's size on disk, and each phase's cost per unit of its work so that
 * other sizes can be estimated:
 *   n10k:   N = 10,000 (Fashion-MNIST's test set), the default zoo, every layer
 *   k100:   N = 1,000, a synthetic zoo of 100 instances (4,950 pairs per layer)
 *   warm:   the default run cold (empty cache), then again from the warm cache
 *           (RDMs and memoised statistics, as a user's rerun gets them); n10k and
 *           k100 compute their statistics even when the cache holds them
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../src/errors.js';
import { defaultZooDir } from '../src/pipeline/loadZoos.js';
import type { RunOptions } from '../src/pipeline/runPipeline.js';
import { synthZoo } from '../src/zoo/synthZoo.js';

export const SCALE_CASES = ['n10k', 'k100', 'warm'] as const;
export type ScaleCase = (typeof SCALE_CASES)[number];

const FMNIST = '/usr/share/datasets/fashion-mnist';

export interface BenchScaleOptions {
  cases: ScaleCase[];
  permutations: number;
  bootstrap: number;
  /** GiB for each run (default: the run's own default) */
  memory?: number;
  threads: number;
  /** where the caches and outputs go (default: a temporary folder, removed afterwards) */
  workDir?: string;
}

interface CaseFigures {
  n: number;
  instances: number;
  layers: number;
  seconds: number;
  phases_seconds: Record<string, number>;
  peak_rss_mib: number;
  planned_peak_mib: number;
  rdm_cache: { computed: number; reused: number };
}

function duBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? duBytes(p) : statSync(p).size;
  }
  return total;
}

function runCase(opts: Partial<RunOptions>, log: (line: string) => void): CaseFigures {
  const script = fileURLToPath(new URL('./scaleCase.js', import.meta.url));
  log(`bench scale: ${opts.zoo?.join(',') ?? 'default zoo'} on ${opts.stimuli} …`);
  const r = spawnSync(process.execPath, [script, JSON.stringify(opts)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new UserError(`bench scale: the run failed (exit ${r.status ?? r.signal}); its error is above`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as CaseFigures;
}

/** Each phase's seconds per unit of its work. */
function perUnit(f: CaseFigures, o: BenchScaleOptions): Record<string, number | null> {
  const pairs = (f.instances * (f.instances - 1)) / 2;
  const entries = (f.n * (f.n - 1)) / 2;
  const p = f.phases_seconds;
  const per = (seconds: number | undefined, units: number): number | null => (seconds === undefined || units <= 0 ? null : seconds / units);
  return {
    rdms_seconds_per_instance_layer: per(p.rdms, f.rdm_cache.computed > 0 ? f.instances * f.layers : 0),
    consistency_seconds_per_layer: per(p.consistency, f.layers),
    bootstrap_seconds_per_sample_per_layer: per(p.bootstrap, o.bootstrap * f.layers),
    mantel_seconds_per_permutation_per_pair: per(p.mantel, o.permutations * pairs * f.layers),
    mantel_entries_per_second: p.mantel ? (o.permutations * pairs * f.layers * entries) / p.mantel : null,
    second_order_seconds_per_rdm_pair: per(p.second_order, ((f.instances * f.layers) * (f.instances * f.layers + 1)) / 2),
  };
}

export async function benchScale(o: BenchScaleOptions, log: (line: string) => void): Promise<Record<string, unknown>> {
  const work = o.workDir ?? mkdtempSync(join(tmpdir(), 'seedscope-bench-scale-'));
  const base: Partial<RunOptions> = {
    resize: true, device: 'cpu', metric: 'correlation', compare: 'r2', permutations: o.permutations, bootstrap: o.bootstrap,
    seed: 0, threads: o.threads, saveRdms: false, ...(o.memory !== undefined ? { memory: o.memory } : {}),
  };
  const results: Record<string, unknown> = {};
  try {
    for (const c of o.cases) {
      const cache = join(work, `cache-${c}`);
      if (c === 'n10k') {
        if (!existsSync(join(FMNIST, 't10k-images-idx3-ubyte.gz'))) throw new UserError(`bench scale n10k: Fashion-MNIST's test set is needed at ${FMNIST} (Debian: dataset-fashion-mnist)`);
        // the statistics are timed: computed even when an earlier case left them in the cache
        const f = runCase({ ...base, stimuli: `idx:${FMNIST}/t10k-images-idx3-ubyte.gz,${FMNIST}/t10k-labels-idx1-ubyte.gz`, cache, output: join(work, 'out-n10k'), memoStatistics: false }, log);
        results[c] = { ...f, disk_bytes: duBytes(cache), per_unit: perUnit(f, o) };
      } else if (c === 'k100') {
        const zoo = join(work, 'synth-k100');
        if (!existsSync(join(zoo, 'zoo.json'))) await synthZoo({ from: join(defaultZooDir(), 'seed0.onnx'), instances: 100, noise: 0.05, seed: 0, output: zoo });
        const f = runCase({ ...base, zoo: [zoo], stimuli: 'builtin:fmnist-1000', cache, output: join(work, 'out-k100'), memoStatistics: false }, log);
        results[c] = { ...f, disk_bytes: duBytes(cache), per_unit: perUnit(f, o) };
      } else {
        const cold = runCase({ ...base, stimuli: 'builtin:fmnist-1000', cache, output: join(work, 'out-cold') }, log);
        const warm = runCase({ ...base, stimuli: 'builtin:fmnist-1000', cache, output: join(work, 'out-warm') }, log);
        results[c] = { cold, warm, warm_fraction_of_cold: warm.seconds / cold.seconds, disk_bytes: duBytes(cache) };
      }
    }
  } finally {
    if (!o.workDir) rmSync(work, { recursive: true, force: true });
  }
  return { op: 'scale', permutations: o.permutations, bootstrap: o.bootstrap, threads: o.threads, cases: results };
}
