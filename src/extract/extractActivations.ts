/**
 * Activation extraction. Public API:
 *   extractActivations(zoo, stimuli, { layers, batch, memoryMB, threads, device, onProgress, signal })
 * is an async generator that yields ONE INSTANCE AT A TIME:
 *   { instance, index, layers: [{ name, tensor, n, d, shape, data }], logits }
 * where each layer's data is a float32 N × D matrix (D = flattened C·H·W;
 * float16 and float64 tensors are converted to float32 as they arrive) and
 * logits is N × C (or null when the zoo names no logits tensor). The caller
 * turns them into RDMs and drops them before the next instance is run.
 *
 * Each instance gets its own onnxruntime session (inner tensors exposed as
 * outputs in memory), run in a worker thread so progress and Ctrl-C stay
 * responsive. Ctrl-C (the signal) asks the worker to stop after its current
 * batch and close; it is never terminated while onnxruntime runs in it,
 * which would abort the process.
 */
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CancelledError, UserError } from '../errors.js';
import type { StimulusSet } from '../stimuli/loadStimuli.js';
import { exposeTensors } from '../zoo/exposeOutputs.js';
import { externalDataDir } from '../zoo/onnxModel.js';
import { layerCatalog } from '../zoo/layerCatalog.js';
import { resolveLayers, type ResolvedLayer } from '../zoo/resolveLayers.js';
import type { Zoo, ZooInstance } from '../zoo/zoo.js';
import { resolveDevice, type Device, type DeviceChoice } from './device.js';
import type { OutputArray, OutputFile, RunRequest, WorkerMessage } from './sessionWorker.js';

interface LayerInfo {
  name: string;
  tensor: string;
  n: number;
  d: number;
  /** Per-stimulus shape (its product is d). */
  shape: number[];
}

/** A layer's activations in memory. */
export interface InMemoryLayer extends LayerInfo {
  /** N × D, row-major. */
  data: Float32Array;
}

/** A layer's activations spilled to a file (ExtractOptions.spill): N × D float32, row-major, raw. */
export interface SpilledLayer extends LayerInfo {
  file: string;
}

export type LayerActivations = InMemoryLayer | SpilledLayer;

export interface ExtractedInstance<L extends LayerActivations = InMemoryLayer> {
  instance: ZooInstance;
  index: number;
  layers: L[];
  logits: Float32Array | null;
  /** Classes in the logits (columns), when logits are present. */
  logitsShape: number[] | null;
  device: Device;
  /** Seconds spent running batches in onnxruntime (session creation excluded). */
  runSeconds: number;
}

export interface ExtractProgress {
  instance: string;
  index: number;
  instances: number;
  /** Images done in this instance, of `total`. */
  done: number;
  total: number;
  batches: number;
  imagesPerSecond: number;
}

export interface ExtractOptions {
  /** Layer specs (names, patterns, op:Type) or already resolved layers; default: resolveLayers(zoo, []). */
  layers?: readonly string[] | readonly ResolvedLayer[];
  /** Images per batch; default from memoryMB (ignored when the graph fixes the batch size). */
  batch?: number;
  /** Budget for one batch's tensors, in MiB (default 512); batches stay within FAST_BATCH_MB whatever it allows. */
  memoryMB?: number;
  /** onnxruntime intra-op threads; 0 or absent: all cores. */
  threads?: number;
  device?: DeviceChoice;
  onProgress?: (p: ExtractProgress) => void;
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
  /**
   * Reuse an instance's arrays for the next instance: once the caller asks for
   * the next instance, the previous one's data arrays are overwritten. Saves
   * the page faults of fresh memory (N × D floats per layer); only for callers
   * that are done with an instance before asking for the next.
   */
  reuseBuffers?: boolean;
  /**
   * Tensors whose activations are written to a file each, batch by batch,
   * instead of held (layers larger than the memory plan allows): the files go
   * into `dir` (named by instance and tensor position), overwritten by each
   * instance; the caller removes them.
   */
  spill?: { dir: string; tensors: readonly string[] };
}

const DEFAULT_MEMORY_MB = 512;
const MAX_BATCH = 1024;
/**
 * The most MiB of model tensors per batch that keeps onnxruntime at full
 * speed, whatever memory allows: a batch's tensors that outgrow the CPU's
 * caches make every layer stream them from memory. Measured on the default
 * zoo (0.5 MiB of tensors per image, 2 cores): 25–100 images per batch ran
 * at 7,400 images/s, 200 at 5,300, 400 at 4,300 and 1,000 (what 512 MiB
 * gave) at 2,900.
 */
export const FAST_BATCH_MB = 32;

/** Images per batch from a memory budget: every float tensor of the graph held once per image (an upper bound). */
export function batchFromMemory(bytesPerImage: number, memoryMB: number, n: number): number {
  const fit = Math.floor((memoryMB * 1024 * 1024) / Math.max(1, bytesPerImage));
  return Math.max(1, Math.min(fit, MAX_BATCH, n));
}

export async function planBatch(zoo: Zoo, n: number, opts: Pick<ExtractOptions, 'batch' | 'memoryMB'>): Promise<number> {
  if (zoo.fixedBatch !== null) return zoo.fixedBatch;
  if (opts.batch !== undefined) return Math.max(1, Math.min(opts.batch, n));
  const catalog = await layerCatalog(zoo);
  const inputSize = zoo.input.shape.reduce((a, b) => a * b, 1);
  const bytes = 4 * (inputSize + catalog.reduce((a, l) => a + l.size, 0));
  // memory bounds the batch from above; speed wants it no larger than FAST_BATCH_MB
  return batchFromMemory(bytes, Math.min(opts.memoryMB ?? DEFAULT_MEMORY_MB, FAST_BATCH_MB), n);
}

const GIB = 1024 ** 3;

/** One instance's activations (all layers, N × D floats each) are held at once: say so before running out of memory. */
function checkActivationMemory(bytes: number, warn: (m: string) => void): void {
  const total = totalmem();
  const text = `one instance's activations need ${(bytes / GIB).toFixed(1)} GiB (all chosen layers × all stimuli) of ${(total / GIB).toFixed(1)} GiB of memory`;
  if (bytes > 0.8 * total) throw new UserError(`${text}; choose fewer layers (--layers) or stimuli (--per-class)`);
  if (bytes > 0.4 * total) warn(text);
}

function isResolved(layers: readonly string[] | readonly ResolvedLayer[]): layers is readonly ResolvedLayer[] {
  return layers.length > 0 && typeof layers[0] !== 'string';
}

export function extractActivations(zoo: Zoo, stimuli: StimulusSet, opts?: ExtractOptions & { spill?: undefined }): AsyncGenerator<ExtractedInstance>;
export function extractActivations(zoo: Zoo, stimuli: StimulusSet, opts: ExtractOptions): AsyncGenerator<ExtractedInstance<LayerActivations>>;
export async function* extractActivations(zoo: Zoo, stimuli: StimulusSet, opts: ExtractOptions = {}): AsyncGenerator<ExtractedInstance<LayerActivations>> {
  const warn = opts.onWarning ?? ((m: string) => process.stderr.write(`seedscope: warning: ${m}\n`));
  const layers = opts.layers && isResolved(opts.layers) ? [...opts.layers] : await resolveLayers(zoo, (opts.layers ?? []) as string[]);
  if (layers.length === 0) throw new UserError('no layers selected');
  const expected = [stimuli.n, ...zoo.input.shape].join(',');
  if (stimuli.shape.join(',') !== expected) {
    throw new UserError(`stimuli ${stimuli.spec}: shape (${stimuli.shape.join(', ')}) does not match the model's input (${expected})`);
  }
  const device = resolveDevice(opts.device ?? 'cpu', warn);
  const batch = await planBatch(zoo, stimuli.n, opts);
  const outputs = [...new Set([...layers.map((l) => l.tensor), ...(zoo.output ? [zoo.output] : [])])];
  const catalog = new Map((await layerCatalog(zoo)).map((l) => [l.tensor, l]));
  const spillSet = new Set((opts.spill?.tensors ?? []).filter((t) => t !== zoo.output));
  checkActivationMemory(outputs.filter((t) => !spillSet.has(t)).reduce((a, t) => a + (catalog.get(t)?.size ?? 0), 0) * stimuli.n * 4, warn);
  const shapes: Record<string, number[]> = {};
  for (const t of outputs) {
    const info = catalog.get(t);
    if (info && info.dtype === 'float32') shapes[t] = info.shape;
  }

  const worker = new Worker(new URL('./sessionWorker.js', import.meta.url), {
    workerData: { images: stimuli.images, inputShape: zoo.input.shape },
  });
  workerExited.set(worker, false);
  worker.once('exit', () => workerExited.set(worker, true));
  let abortHandler: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    abortHandler = () => {
      // the worker stops after its current batch; `finally` below waits for it to end
      worker.postMessage({ type: 'cancel' });
      reject(new CancelledError());
    };
    if (opts.signal?.aborted) abortHandler();
    else opts.signal?.addEventListener('abort', abortHandler, { once: true });
  });
  aborted.catch(() => undefined);
  let reuse: Record<string, Float32Array> = {};
  try {
    for (let index = 0; index < zoo.instances.length; index++) {
      const instance = zoo.instances[index]!;
      const reuseNow = reuse;
      reuse = {};
      const result = await Promise.race([runInstance(worker, zoo, instance, index, {
        type: 'run',
        bytes: exposeTensors({ ...zoo.reference, bytes: readFileSync(instance.file) }, outputs),
        externalDataDir: externalDataDir(instance.file, instance.data.length > 0),
        inputName: zoo.feeds.image.name,
        imageType: zoo.feeds.imageType,
        filled: zoo.feeds.filled,
        outputs,
        shapes,
        reuse: reuseNow,
        spill: opts.spill ? Object.fromEntries(outputs.filter((t) => spillSet.has(t)).map((t, k) => [t, join(opts.spill!.dir, `activations-${index}-${k}.f32`)])) : undefined,
        batch,
        fixedBatch: zoo.fixedBatch,
        threads: opts.threads ?? 0,
        device,
        allowFallback: (opts.device ?? 'cpu') === 'auto',
      }, stimuli.n, opts, warn), aborted]);
      const byName = new Map(result.outputs.map((o) => [o.name, o]));
      if (opts.reuseBuffers) for (const o of result.outputs) if (shapes[o.name] && 'data' in o) reuse[o.name] = o.data;
      const out = zoo.output ? byName.get(zoo.output) ?? null : null;
      const logits = out && 'data' in out ? out : null;
      yield {
        instance,
        index,
        layers: layers.map((l) => {
          const o = byName.get(l.tensor)!;
          if ('file' in o) return { name: l.name, tensor: l.tensor, n: stimuli.n, d: o.shape.reduce((a, c) => a * c, 1), shape: o.shape, file: o.file };
          return { name: l.name, tensor: l.tensor, n: stimuli.n, d: o.data.length / stimuli.n, shape: o.shape, data: o.data };
        }),
        logits: logits?.data ?? null,
        logitsShape: logits ? [stimuli.n, ...logits.shape] : null,
        device: result.device,
        runSeconds: result.runSeconds,
      };
    }
  } finally {
    if (abortHandler) opts.signal?.removeEventListener('abort', abortHandler);
    await closeWorker(worker);
  }
}

/** Lets the worker finish its current batch, release its session and end. */
const workerExited = new WeakMap<Worker, boolean>();

async function closeWorker(worker: Worker): Promise<void> {
  if (workerExited.get(worker)) return;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.postMessage({ type: 'cancel' });
  worker.postMessage({ type: 'close' });
  await exited;
}

interface RunResult {
  outputs: (OutputArray | OutputFile)[];
  device: Device;
  runSeconds: number;
}

function runInstance(worker: Worker, zoo: Zoo, instance: ZooInstance, index: number, req: RunRequest, n: number,
  opts: ExtractOptions, warn: (m: string) => void): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    const onMessage = (msg: WorkerMessage): void => {
      switch (msg.type) {
        case 'progress': {
          const secs = (performance.now() - started) / 1000;
          opts.onProgress?.({ instance: instance.name, index, instances: zoo.instances.length, done: msg.done, total: n, batches: msg.batches, imagesPerSecond: secs > 0 ? msg.done / secs : 0 });
          break;
        }
        case 'warning':
          warn(msg.message);
          break;
        case 'done':
          cleanup();
          resolve({ outputs: msg.outputs, device: msg.device, runSeconds: msg.runSeconds });
          break;
        case 'cancelled':
          cleanup();
          reject(new CancelledError());
          break;
        case 'error':
          cleanup();
          reject(new UserError(`${instance.file}: ${msg.message.startsWith('onnxruntime') ? '' : 'onnxruntime failed: '}${msg.message.split('\n')[0]}`));
          break;
      }
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(new UserError(`${instance.file}: the extraction worker failed: ${err.message}`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    opts.onProgress?.({ instance: instance.name, index, instances: zoo.instances.length, done: 0, total: n, batches: 0, imagesPerSecond: 0 });
    // transfer the model bytes only when they own their whole buffer (small Buffers share a pool)
    const own = req.bytes.byteOffset === 0 && req.bytes.byteLength === req.bytes.buffer.byteLength;
    const transfer = [...new Set([...(own ? [req.bytes.buffer] : []), ...Object.values(req.reuse).map((a) => a.buffer)])] as ArrayBuffer[];
    worker.postMessage(req, transfer);
  });
}
