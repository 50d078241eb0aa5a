/**
 * Plain TypeScript engines: slow, obvious implementations of the RDM,
 * comparison and statistics interfaces, used by the tests of the analysis
 * as known-answer references on tiny inputs. The product uses nativeEngines()
 * (src/analysis/nativeEngines.ts).
 */
import type {
  AnalysisEngines, BootstrapRequest, BootstrapResult, CompareEngine, LayerRdms, MantelFamilyRequest, MantelFamilyResult,
  RdmEngine, StatsEngine, ZooDifferenceRequest, ZooDifferenceResult,
} from '../../src/analysis/engines.js';
import { averageRanks, dropNaN, pearson } from './compareReference.js';
import { condensed, referenceRdm } from './rdmReference.js';

export function referenceCompare(a: Float64Array, b: Float64Array, method: string): number {
  const [x, y] = dropNaN(a, b);
  switch (method) {
    case 'pearson': return pearson(x, y);
    case 'r2': return pearson(x, y) ** 2;
    case 'spearman': return pearson(averageRanks(x), averageRanks(y));
    case 'cosine': {
      let d = 0, nx = 0, ny = 0;
      for (let i = 0; i < x.length; i++) { d += x[i]! * y[i]!; nx += x[i]! ** 2; ny += y[i]! ** 2; }
      return d / Math.sqrt(nx * ny);
    }
    case 'rho-a': {
      const n = x.length, rx = averageRanks(x), ry = averageRanks(y), m = (n + 1) / 2;
      let s = 0;
      for (let i = 0; i < n; i++) s += (rx[i]! - m) * (ry[i]! - m);
      return (12 * s) / (n ** 3 - n);
    }
    case 'tau-a': {
      const n = x.length;
      let s = 0;
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(x[i]! - x[j]!) * Math.sign(y[i]! - y[j]!);
      return s / ((n * (n - 1)) / 2);
    }
    default: throw new Error(`reference compare: unknown method ${method}`);
  }
}

/** Deterministic uniform draws from (seed, stream, index) (a keyed SplitMix). */
function draw(seed: number, stream: number, index: number): number {
  let z = (seed * 0x9e3779b1 + stream * 0x85ebca6b + index * 0xc2b2ae35) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b) >>> 0;
  z = (z ^ (z >>> 16)) >>> 0;
  return z / 4294967296;
}

function permutation(n: number, seed: number, stream: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(draw(seed, stream, i) * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

function permuteCondensed(v: Float64Array, n: number, perm: Int32Array): Float64Array {
  const at = (i: number, j: number): number => {
    if (i === j) return 0;
    const [a, b] = i < j ? [i, j] : [j, i];
    return v[a * n - (a * (a + 1)) / 2 + (b - a - 1)]!;
  };
  const out = new Float64Array(v.length);
  let k = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[k++] = at(perm[i]!, perm[j]!);
  return out;
}

const compareEngine: CompareEngine = {
  compareAll(vectors, method) {
    const k = vectors.length;
    const m = new Float64Array(k * k);
    for (let a = 0; a < k; a++) {
      for (let b = a; b < k; b++) {
        const v = referenceCompare(vectors[a]!, vectors[b]!, method);
        m[a * k + b] = v;
        m[b * k + a] = v;
      }
    }
    return Promise.resolve(m);
  },
};

function meanPairwise(rdms: readonly Float64Array[], method: string, instances?: number[]): number {
  const ids = instances ?? rdms.map((_, i) => i);
  let s = 0, c = 0;
  for (let a = 0; a < ids.length; a++) {
    for (let b = a + 1; b < ids.length; b++) {
      if (ids[a] === ids[b]) continue;
      s += referenceCompare(rdms[ids[a]!]!, rdms[ids[b]!]!, method);
      c++;
    }
  }
  return c > 0 ? s / c : NaN;
}

/** Every layer's RDMs at once: the reference keeps it simple. */
async function loadAll(src: LayerRdms): Promise<Float64Array[][]> {
  const out: Float64Array[][] = [];
  for (let l = 0; l < src.count; l++) out.push(await src.load(l));
  return out;
}

const statsEngine: StatsEngine = {
  async mantelFamily(req: MantelFamilyRequest): Promise<MantelFamilyResult> {
    const layers = await loadAll(req.layers);
    const k = layers[0]?.length ?? 0;
    const observed = layers.map((rdms) => {
      const m = new Float64Array(k * k);
      for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) m[a * k + b] = referenceCompare(rdms[a]!, rdms[b]!, req.method);
      return m;
    });
    const exceed = layers.map(() => new Float64Array(k * k));
    const exceedMax = layers.map(() => new Float64Array(k * k));
    for (let p = 0; p < req.permutations; p++) {
      let max = -Infinity;
      const stats = layers.map((rdms) => {
        const m = new Float64Array(k * k);
        const permuted = rdms.map((v, i) => permuteCondensed(v, req.n, permutation(req.n, req.seed, p * 1000 + i)));
        for (let a = 0; a < k; a++) {
          for (let b = a + 1; b < k; b++) {
            m[a * k + b] = referenceCompare(rdms[a]!, permuted[b]!, req.method);
            max = Math.max(max, m[a * k + b]!);
          }
        }
        return m;
      });
      stats.forEach((m, li) => {
        for (let a = 0; a < k; a++) {
          for (let b = a + 1; b < k; b++) {
            if (m[a * k + b]! >= observed[li]![a * k + b]!) exceed[li]![a * k + b]! += 1;
            if (max >= observed[li]![a * k + b]!) exceedMax[li]![a * k + b]! += 1;
          }
        }
      });
      req.onProgress?.(p + 1, req.permutations);
    }
    const toP = (e: Float64Array): Float64Array => {
      const out = e.map((v) => (v + 1) / (req.permutations + 1));
      for (let a = 0; a < k; a++) for (let b = 0; b <= a; b++) { out[a * k + b] = a === b ? NaN : out[b * k + a]!; }
      return out;
    };
    return Promise.resolve({ statistic: observed, p: exceed.map(toP), pCorrected: exceedMax.map(toP), permutations: req.permutations, exact: false });
  },

  bootstrapMean(req: BootstrapRequest): Promise<BootstrapResult> {
    const k = req.rdms.length;
    const mean = meanPairwise(req.rdms, req.method);
    const values: number[] = [];
    for (let s = 0; s < req.samples; s++) {
      const inst = Array.from({ length: k }, (_, i) => Math.floor(draw(req.seed, 1, s * k + i) * k));
      const stim = Array.from({ length: req.n }, (_, i) => Math.floor(draw(req.seed, 2, s * req.n + i) * req.n));
      // resampled RDM entries: pairs of distinct draws that are distinct stimuli
      const rs = req.rdms.map((v) => {
        const out: number[] = [];
        for (let i = 0; i < req.n; i++) {
          for (let j = i + 1; j < req.n; j++) {
            const a = Math.min(stim[i]!, stim[j]!), b = Math.max(stim[i]!, stim[j]!);
            if (a !== b) out.push(v[a * req.n - (a * (a + 1)) / 2 + (b - a - 1)]!);
          }
        }
        return Float64Array.from(out);
      });
      const m = meanPairwise(rs, req.method, inst);
      if (!Number.isNaN(m)) values.push(m);
    }
    values.sort((a, b) => a - b);
    const q = (p: number): number => values[Math.min(values.length - 1, Math.max(0, Math.floor(p * values.length)))] ?? NaN;
    return Promise.resolve({ mean, lo: q(0.025), hi: q(0.975), interval: 'percentile', over: 'both' });
  },

  async zooDifference(req: ZooDifferenceRequest): Promise<ZooDifferenceResult> {
    const a = await loadAll(req.a);
    const b = await loadAll(req.b);
    const ka = a[0]?.length ?? 0;
    const layers = a.length;
    const all = a.map((rdms, l) => [...rdms, ...b[l]!]);
    const diffOf = (ids: number[]): number[] =>
      all.map((rdms) => meanPairwise(rdms, req.method, ids.slice(0, ka)) - meanPairwise(rdms, req.method, ids.slice(ka)));
    const ids = Array.from({ length: all[0]!.length }, (_, i) => i);
    const observed = diffOf(ids);
    const exceed = new Array<number>(layers).fill(0);
    const exceedMax = new Array<number>(layers).fill(0);
    for (let p = 0; p < req.permutations; p++) {
      const perm = permutation(ids.length, req.seed, 7000 + p);
      const d = diffOf(Array.from(perm));
      const max = Math.max(...d.map(Math.abs));
      for (let l = 0; l < layers; l++) {
        if (Math.abs(d[l]!) >= Math.abs(observed[l]!)) exceed[l]! += 1;
        if (max >= Math.abs(observed[l]!)) exceedMax[l]! += 1;
      }
    }
    const P = req.permutations + 1;
    return Promise.resolve({ difference: observed, p: exceed.map((e) => (e + 1) / P), pCorrected: exceedMax.map((e) => (e + 1) / P), permutations: req.permutations });
  },
};

const rdmEngine: RdmEngine = { rdm: (req) => Promise.resolve(condensed(referenceRdm(req.data, req.n, req.d, req.metric, req.perFeature), req.n)) };

export function referenceEngines(): AnalysisEngines {
  return { rdm: rdmEngine, compare: compareEngine, stats: statsEngine, describe: () => ({ engines: 'TypeScript reference' }) };
}
