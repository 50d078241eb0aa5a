/**
 * The conformance suite's models (test/fixtures/make_exporters.py), made once
 * into a cache folder under the system's temporary folder keyed by the
 * script's sha256, so the suite's test files (each its own process) and later
 * runs share them; a folder of another version of the script is removed.
 * Generation writes into a temporary sibling that is renamed into place, so
 * a killed run never leaves a half-made cache behind.
 *
 * Where /usr/bin/python3 (or SEEDSCOPE_PYTHON) cannot import torch,
 * torchvision and onnx, the suite is skipped with a notice, unless
 * SEEDSCOPE_REQUIRE_CONFORMANCE=1 (as .ci/run sets), which makes that a failure.
 */
import { spawnSync } from 'node:child_process';
import { after, before } from 'node:test';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/native/addon.js';
import { readNpy } from '../../src/io/npy.js';
import { tempDir } from './tmp.js';

export interface ConformanceCase {
  name: string;
  opset: number;
  exporter: string;
  input: { name: string; layout: 'NCHW' | 'NHWC'; shape: number[]; dtype: string; batch: 'dynamic' | number; inputs: number };
  /** command-line flags the case needs (--input-size, --input, --fill-inputs) */
  flags: string[];
  stimuli: { images: string; labels: string; n: number };
  tensors: { module: string; tensor: string }[];
  instances: { seed: number; file: string; external_data: string[]; torch: string[] }[];
  tolerance: { relative: number; measure: string; reason: string };
}

export interface ConformanceManifest {
  format: string;
  torch: string;
  torchvision: string;
  seconds: number;
  cases: ConformanceCase[];
}

export interface Exporters {
  /** why the suite cannot run here; undefined when it can */
  skip?: string;
  root: string;
  manifest: ConformanceManifest;
  /** absolute path of a file the manifest names */
  path: (rel: string) => string;
  /** seconds generation took in this process (0 when the cache had them) */
  generatedSeconds: number;
}

const python = process.env.SEEDSCOPE_PYTHON ?? '/usr/bin/python3';
const script = join(packageRoot, 'test', 'fixtures', 'make_exporters.py');
const PREFIX = 'seedscope-conformance-';

let made: Exporters | undefined;

function missingPython(): string | undefined {
  if (!existsSync(python)) return `${python} not found`;
  const probe = spawnSync(python, ['-c', 'import torch, torchvision, onnx'], { encoding: 'utf8' });
  if (probe.status === 0) return undefined;
  const why = (probe.stderr || probe.error?.message || '').trim().split('\n').pop();
  return `${python} cannot import torch, torchvision and onnx (${why}): apt-get install python3-torch python3-torchvision python3-onnx`;
}

/** The models, made on first use in this process (or found in the cache). */
export function exporters(): Exporters {
  if (made) return made;
  const empty = { root: '', manifest: { format: '', torch: '', torchvision: '', seconds: 0, cases: [] }, path: (r: string) => r, generatedSeconds: 0 };
  const skip = missingPython();
  if (skip) {
    if (process.env.SEEDSCOPE_REQUIRE_CONFORMANCE === '1') throw new Error(`conformance suite required (SEEDSCOPE_REQUIRE_CONFORMANCE=1) but ${skip}`);
    process.stderr.write(`# conformance suite skipped: ${skip}\n`);
    made = { skip, ...empty };
    return made;
  }
  const hash = createHash('sha256').update(readFileSync(script)).update(python).digest('hex').slice(0, 16);
  const root = join(tmpdir(), PREFIX + hash);
  let generatedSeconds = 0;
  if (!existsSync(join(root, 'manifest.json'))) {
    // models of other versions of the script go; this version's staging folders may be another process's, at work
    for (const old of readdirSync(tmpdir())) {
      if (old.startsWith(PREFIX) && !old.startsWith(PREFIX + hash)) rmSync(join(tmpdir(), old), { recursive: true, force: true });
    }
    const staging = `${root}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    const started = performance.now();
    const r = spawnSync(python, [script, staging], { encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0) {
      rmSync(staging, { recursive: true, force: true });
      throw new Error(`make_exporters.py failed (${r.status ?? r.signal}): ${r.stderr.slice(-2000)}`);
    }
    generatedSeconds = (performance.now() - started) / 1000;
    try {
      renameSync(staging, root);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process made it meanwhile
    }
  }
  const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as ConformanceManifest;
  made = { root, manifest, path: (rel) => join(root, rel), generatedSeconds };
  return made;
}

/** The cases each command's conformance test covers (make_exporters.py makes every one). */
export const CONFORMANCE_CASES = ['resnet18', 'vit', 'nhwc', 'opset11', 'opset13', 'opset17', 'fp16', 'two_inputs', 'dynamic_hw'] as const;

/**
 * One conformance test file's setting: the models (made before its tests run,
 * so a failure to make them fails a test rather than the file's loading) and
 * a scratch folder removed after its tests.
 */
export function conformanceFixture(prefix: string): { readonly ex: Exporters; readonly dir: string } {
  const fixture = { ex: undefined as unknown as Exporters, dir: '' };
  let cleanup = (): void => undefined;
  before(() => {
    fixture.ex = exporters();
    ({ dir: fixture.dir, cleanup } = tempDir(prefix));
  });
  after(() => cleanup());
  return fixture;
}

export function conformanceCase(ex: Exporters, name: string): ConformanceCase {
  const c = ex.manifest.cases.find((k) => k.name === name);
  if (!c) throw new Error(`make_exporters.py made no case '${name}'`);
  return c;
}

/** The CLI arguments that name a case's models, stimuli and flags. */
export function caseArgs(ex: Exporters, c: ConformanceCase): string[] {
  return [
    ...c.instances.flatMap((i) => ['--model', ex.path(i.file)]),
    '--stimuli', `npy:${ex.path(c.stimuli.images)},${ex.path(c.stimuli.labels)}`,
    ...c.flags,
  ];
}

/** PyTorch's activations of a case's tensor k for one instance: N × D float32. */
export function torchActivations(ex: Exporters, c: ConformanceCase, instance: number, k: number): { data: Float32Array; shape: number[] } {
  const a = readNpy(ex.path(c.instances[instance]!.torch[k]!));
  return { data: a.data as Float32Array, shape: a.shape };
}

/** max |a − b| / max |b| (max |a| when b is all zeros). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale > 0 ? diff / scale : diff;
}
