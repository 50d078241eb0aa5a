/**
 * The worker thread that runs onnxruntime sessions. session.run blocks the
 * thread it runs on, so it runs here and the main thread stays free for
 * progress and Ctrl-C (which asks this worker to stop after its batch).
 *
 * Protocol: workerData = { images: Float32Array (N × input), inputShape }.
 * Message 'run' { model bytes, externalDataDir, outputs, batch, fixedBatch, threads, device,
 * allowFallback } → 'progress' { done } after each batch, 'warning' { message },
 * then 'done' { outputs: [{ name, shape, data }] } (buffers transferred) or
 * 'error' { message }. A tensor named in `spill` is never held whole: each
 * batch's rows are written into its file at offset start·d·4 (raw float32,
 * row-major) and it comes back as { name, shape, file }. One session at a
 * time; it is released before 'done'.
 * The images are float32; an image input of float16 (or float64) gets each
 * batch converted (float16: rounded to nearest even), and the inputs in
 * `filled` get constant zeros of their type with the batch's size. Outputs of
 * float16 (onnxruntime-node gives their bit patterns as a Uint16Array) and
 * float64 are converted to float32 as they arrive.
 * 'cancel' stops a run after its current batch ('cancelled'); 'close' lets the
 * thread end once idle. The main thread never terminates the worker while
 * onnxruntime works in it: tearing down its addon mid-call aborts the process.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { extractionSessionOptions } from './sessionOptions.js';
import { QUIET_SESSION, describeOrtError, quietOnnxruntime } from '../zoo/ortMessages.js';
import { withExternalData } from '../zoo/onnxModel.js';
import { zerosFor, type FilledInput, type ImageType } from '../zoo/modelInputs.js';
import { float16ToFloat32, float32ToFloat16 } from '../io/float16.js';

export interface RunRequest {
  type: 'run';
  bytes: Uint8Array;
  /** The model's folder when its weights are in external data files there (onnxruntime reads them), else null. */
  externalDataDir: string | null;
  inputName: string;
  /** The image input's element type: the float32 stimuli are converted to it. */
  imageType: ImageType;
  /** Other inputs, fed constant zeros (--fill-inputs zeros). */
  filled: FilledInput[];
  outputs: string[];
  /** Per-stimulus shapes of float32 outputs, when known: onnxruntime then writes straight into the N × D arrays. */
  shapes: Record<string, number[]>;
  /** Tensors written batch by batch to these files (tensor → path) instead of held in memory. */
  spill?: Record<string, string>;
  /** The previous instance's arrays, handed back for reuse (reuseBuffers): fresh memory costs page faults. */
  reuse: Record<string, Float32Array>;
  batch: number;
  fixedBatch: number | null;
  threads: number;
  device: 'cpu' | 'cuda';
  allowFallback: boolean;
}

export interface OutputArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** A tensor whose N × D float32 rows were written to `file` (RunRequest.spill). */
export interface OutputFile {
  name: string;
  shape: number[];
  file: string;
}

export type WorkerMessage =
  | { type: 'progress'; done: number; batches: number }
  | { type: 'warning'; message: string }
  | { type: 'done'; outputs: (OutputArray | OutputFile)[]; device: 'cpu' | 'cuda'; runSeconds: number }
  | { type: 'error'; message: string }
  | { type: 'cancelled' };

interface WorkerInit {
  images: Float32Array;
  inputShape: number[];
}

const { images, inputShape } = workerData as WorkerInit;
const perImage = inputShape.reduce((a, b) => a * b, 1);
const n = images.length / perImage;

function post(msg: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(msg, transfer);
}

async function createSession(req: RunRequest): Promise<{ session: InferenceSession; device: 'cpu' | 'cuda' }> {
  quietOnnxruntime();
  const options = withExternalData<InferenceSession.SessionOptions>({ ...extractionSessionOptions(req.threads), ...QUIET_SESSION }, req.externalDataDir);
  if (req.device === 'cuda') {
    try {
      return { session: await InferenceSession.create(req.bytes, { ...options, executionProviders: ['cuda', 'cpu'] }), device: 'cuda' };
    } catch (err) {
      if (!req.allowFallback) throw err;
      post({ type: 'warning', message: `--device auto: the CUDA execution provider failed (${String((err as Error).message).split('\n')[0]}); running on the CPU` });
    }
  }
  return { session: await InferenceSession.create(req.bytes, { ...options, executionProviders: ['cpu'] }), device: 'cpu' };
}

let cancelled = false;

async function run(req: RunRequest): Promise<void> {
  cancelled = false;
  let created;
  try {
    created = await createSession(req);
  } catch (err) {
    throw new Error(`onnxruntime cannot load the model: ${describeOrtError(err)}`);
  }
  const { session, device } = created;
  let result: { outputs: (OutputArray | OutputFile)[]; runSeconds: number } | null = null;
  const spilled = new Map<string, { fd: number; shape: number[] | null }>();
  try {
    for (const [name, path] of Object.entries(req.spill ?? {})) spilled.set(name, { fd: openSync(path, 'w'), shape: null });
    const batch = req.fixedBatch ?? req.batch;
    const batches = Math.ceil(n / batch);
    const arrays = new Map<string, OutputArray>();
    for (const [name, shape] of Object.entries(req.shapes)) {
      if (spilled.has(name)) continue;
      const size = n * shape.reduce((a, c) => a * c, 1);
      const old = req.reuse[name];
      arrays.set(name, { name, shape, data: old && old.length === size ? old : new Float32Array(size) });
    }
    const started = performance.now();
    for (let b = 0; b < batches; b++) {
      const start = b * batch;
      const rows = Math.min(batch, n - start);
      let input = images.subarray(start * perImage, (start + rows) * perImage);
      const padded = req.fixedBatch !== null && rows < batch;
      if (padded) {
        // a graph with a fixed batch size gets a zero-padded last batch; padding rows are dropped
        const full = new Float32Array(batch * perImage);
        full.set(input);
        input = full;
      }
      const batchRows = input.length / perImage;
      const feeds = imageFeeds(req, input, [batchRows, ...inputShape]);
      // pre-allocated outputs are views of the N × D arrays: no copy on our side
      const fetches: Record<string, Tensor | null> = {};
      for (const name of req.outputs) {
        const arr = padded ? undefined : arrays.get(name);
        const d = arr ? arr.data.length / n : 0;
        fetches[name] = arr ? new Tensor('float32', arr.data.subarray(start * d, (start + rows) * d), [rows, ...arr.shape]) : null;
      }
      let out;
      try {
        out = await session.run(feeds, fetches);
      } catch (err) {
        throw new Error(describeOrtError(err, [batchRows, ...inputShape]));
      }
      for (const name of req.outputs) {
        if (fetches[name]) continue;
        const t = out[name];
        if (!t) throw new Error(`onnxruntime returned no tensor '${name}'`);
        const dims = t.dims.map(Number);
        const d = dims.slice(1).reduce((a, c) => a * c, 1);
        if (dims[0] !== batchRows) {
          throw new Error(`tensor '${name}' has shape [${dims.join(', ')}]; expected the batch (${batchRows}) first`);
        }
        const spill = spilled.get(name);
        if (spill) {
          writeRows(spill, name, t, dims, rows, start, b);
          t.dispose();
          continue;
        }
        let arr = arrays.get(name);
        if (!arr) {
          arr = { name, shape: dims.slice(1), data: new Float32Array(n * d) };
          arrays.set(name, arr);
        }
        if (arr.data.length !== n * d) throw new Error(`tensor '${name}' has ${d} features per stimulus in batch ${b} but ${arr.data.length / n} before`);
        copyAsFloat32(t, name, rows * d, arr.data, start * d);
        t.dispose();
      }
      post({ type: 'progress', done: start + rows, batches: b + 1 });
      if (cancelled) break;
    }
    if (!cancelled) {
      result = {
        outputs: req.outputs.map((name) => {
          const spill = spilled.get(name);
          return spill ? { name, shape: spill.shape ?? [], file: req.spill![name]! } : arrays.get(name)!;
        }),
        runSeconds: (performance.now() - started) / 1000,
      };
    }
  } finally {
    for (const { fd } of spilled.values()) closeSync(fd);
    await session.release();
  }
  if (!result) {
    post({ type: 'cancelled' });
    return;
  }
  const buffers = result.outputs.flatMap((o) => ('data' in o ? [o.data.buffer as ArrayBuffer] : []));
  post({ type: 'done', outputs: result.outputs, device, runSeconds: result.runSeconds }, buffers);
}

/** The feeds of one batch: the images in the image input's type, and zeros for the filled inputs. */
function imageFeeds(req: RunRequest, images: Float32Array, dims: number[]): Record<string, Tensor> {
  const image = req.imageType === 'float16' ? new Tensor('float16', float32ToFloat16(images), dims)
    : req.imageType === 'float64' ? new Tensor('float64', Float64Array.from(images), dims)
      : new Tensor('float32', images, dims);
  const feeds: Record<string, Tensor> = { [req.inputName]: image };
  for (const f of req.filled) {
    const z = zerosFor(f, dims[0]!);
    feeds[f.name] = new Tensor(z.dtype, z.data, z.dims);
  }
  return feeds;
}

/** The first `count` values of a float tensor, as float32 into `out` at `offset` (float16 and float64 converted). */
function copyAsFloat32(t: Tensor, name: string, count: number, out: Float32Array, offset: number): Float32Array {
  const src = t.data;
  if (t.type === 'float32' && src instanceof Float32Array) {
    out.set(src.subarray(0, count), offset);
  } else if (t.type === 'float16' && src instanceof Uint16Array) {
    float16ToFloat32(src.subarray(0, count), out, offset);
  } else if ((t.type === 'float16' || t.type === 'float64') && ArrayBuffer.isView(src) && 'length' in src) {
    // float64, or float16 where the runtime has a Float16Array (onnxruntime then gives values, not bits)
    const values = src as unknown as ArrayLike<number>;
    for (let k = 0; k < count; k++) out[offset + k] = values[k]!;
  } else {
    throw new Error(`tensor '${name}' is ${t.type}; expected a float tensor`);
  }
  return out;
}

/** One batch's rows of a spilled tensor, written at their place in its file (no N × D array). */
function writeRows(spill: { fd: number; shape: number[] | null }, name: string, t: Tensor, dims: number[], rows: number, start: number, b: number): void {
  const shape = dims.slice(1);
  const d = shape.reduce((a, c) => a * c, 1);
  if (spill.shape && spill.shape.join(',') !== shape.join(',')) throw new Error(`tensor '${name}' has shape [${shape.join(', ')}] per stimulus in batch ${b} but [${spill.shape.join(', ')}] before`);
  spill.shape = shape;
  const rowsData = t.data instanceof Float32Array ? t.data.subarray(0, rows * d) : copyAsFloat32(t, name, rows * d, new Float32Array(rows * d), 0);
  const bytes = new Uint8Array(rowsData.buffer, rowsData.byteOffset, rowsData.byteLength);
  let written = 0;
  while (written < bytes.length) written += writeSync(spill.fd, bytes, written, bytes.length - written, (start * d * 4) + written);
}

parentPort!.on('message', (req: RunRequest | { type: 'cancel' } | { type: 'close' }) => {
  if (req.type === 'cancel') {
    cancelled = true;
  } else if (req.type === 'close') {
    parentPort!.close(); // the thread ends when nothing is left to do
  } else {
    run(req).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
  }
});
