/**
 * `seedscope extract` output: OUT/<instance>/<layer>.npy (float32 N × D),
 * OUT/<instance>/logits.npy, OUT/labels.npy (int32) and OUT/manifest.json,
 * which maps every file to its instance, layer and tensor, and says what the
 * models were fed and which layers were cast from float16 (or float64). Everything is
 * written into a temporary folder beside OUT and renamed when complete, so an
 * interrupted run leaves nothing that looks whole.
 */
import { writeFileAtomic } from '../io/atomicWrite.js';
import { StagedDir } from '../io/stagedDir.js';
import { writeNpy } from '../io/npy.js';
import type { StimulusSet } from '../stimuli/loadStimuli.js';
import type { ResolvedLayer } from '../zoo/resolveLayers.js';
import type { Zoo } from '../zoo/zoo.js';
import { describeFeeds } from '../zoo/modelInputs.js';
import type { ExtractedInstance } from './extractActivations.js';
import { uniqueFileNames } from '../io/fileNames.js';

export const EXTRACT_FORMAT = 'seedscope-extract/1';

export interface ExtractManifest {
  format: typeof EXTRACT_FORMAT;
  zoo: { name: string; dir: string | null; architecture: string | null };
  stimuli: { spec: string; n: number; checksum: string; per_class: number | null; indices: number[] | null; classes: string[] | null };
  labels: string | null;
  input: Zoo['input'];
  /** the image input, its type, and the inputs fed constant zeros (--fill-inputs zeros) */
  feeds: ReturnType<typeof describeFeeds>;
  /** dtype: the tensor's type in the model; cast_from: present when it is not float32 (the .npy holds it cast to float32) */
  layers: { name: string; tensor: string; file: string; op: string; shape: number[]; d: number; dtype: string; cast_from?: string }[];
  instances: { name: string; dir: string; model: string; sha256: string; external_data?: { file: string; sha256: string }[]; seed: number | null; logits: string | null; files: Record<string, string>; device: string; run_seconds: number }[];
  batch: number;
  seconds: number;
}

export async function writeExtraction(out: string, zoo: Zoo, stimuli: StimulusSet, layers: readonly ResolvedLayer[],
  results: AsyncIterable<ExtractedInstance>, batch: number, warn?: (message: string) => void): Promise<ExtractManifest> {
  const started = performance.now();
  const staged = new StagedDir(out, 'extract', { warn });
  try {
    const layerFiles = uniqueFileNames(layers.map((l) => l.name), ['labels', 'manifest']).map((f) => `${f}.npy`);
    const instanceDirs = uniqueFileNames(zoo.instances.map((i) => i.name), ['labels.npy', 'manifest.json']);
    const logitsLayer = layers.findIndex((l) => l.tensor === zoo.output);
    const logitsFile = logitsLayer >= 0 ? layerFiles[logitsLayer]! : uniqueFileNames(['logits'], layerFiles.map((f) => f.replace(/\.npy$/, '')))[0]! + '.npy';
    const manifest: ExtractManifest = {
      format: EXTRACT_FORMAT,
      zoo: { name: zoo.name, dir: zoo.dir, architecture: zoo.manifest?.architecture ?? null },
      stimuli: { spec: stimuli.spec, n: stimuli.n, checksum: stimuli.checksum, per_class: stimuli.perClass, indices: stimuli.indices, classes: stimuli.classes },
      labels: stimuli.labels ? 'labels.npy' : null,
      input: zoo.input,
      feeds: describeFeeds(zoo.feeds),
      layers: layers.map((l, k) => ({ name: l.name, tensor: l.tensor, file: layerFiles[k]!, op: l.op, shape: l.shape, d: l.size, dtype: l.dtype ?? 'float32',
        ...(l.dtype && l.dtype !== 'float32' ? { cast_from: l.dtype } : {}) })),
      instances: [],
      batch,
      seconds: 0,
    };
    if (stimuli.labels) writeNpy(staged.file('labels.npy'), stimuli.labels, [stimuli.n]);
    for await (const r of results) {
      const dir = instanceDirs[r.index]!;
      const files: Record<string, string> = {};
      r.layers.forEach((l, k) => {
        writeNpy(staged.file(dir, layerFiles[k]!), l.data, [l.n, l.d]);
        files[l.name] = `${dir}/${layerFiles[k]!}`;
      });
      let logits: string | null = null;
      if (r.logits && r.logitsShape) {
        if (logitsLayer < 0) writeNpy(staged.file(dir, logitsFile), r.logits, [r.logitsShape[0]!, r.logits.length / r.logitsShape[0]!]);
        logits = `${dir}/${logitsFile}`;
      }
      manifest.instances.push({ name: r.instance.name, dir, model: r.instance.file, sha256: r.instance.sha256,
        ...(r.instance.data.length > 0 ? { external_data: r.instance.data.map((d) => ({ file: d.file, sha256: d.sha256 })) } : {}),
        seed: r.instance.seed, logits, files, device: r.device, run_seconds: r.runSeconds });
    }
    manifest.seconds = (performance.now() - started) / 1000;
    writeFileAtomic(staged.file('manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    // a previous extraction is replaced only now that the new one is complete
    staged.commit();
    return manifest;
  } catch (err) {
    throw staged.fail(err);
  }
}
