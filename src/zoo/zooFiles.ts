/**
 * What loading a zoo folder and loading plain files share: streamed file
 * checksums, reading models while noting their external data, and the batch
 * size a graph fixes.
 */
import { sha256File as streamedSha256 } from '../store/fileHash.js';
import type { ModelFeeds } from './modelInputs.js';
import { readOnnxModel, type ExternalDataFile, type OnnxModel } from './onnxModel.js';
import type { InstanceDataFile } from './zoo.js';

/** sha256 (hex) of a file, streamed in blocks: external data files can be many GB. */
export function sha256File(file: string): string {
  return streamedSha256(file);
}

/**
 * How a loader gets a file's sha256: by reading it (sha256File), or from a
 * memo of earlier hashes keyed by the file's size and modification time
 * (the RDM cache's hashes.json), so that a zoo of many large models is not
 * read whole on every run.
 */
export type FileHasher = (file: string) => string;

/**
 * Reads models like readOnnxModel and remembers each one's external data
 * files (readSameGraphModels keeps only the reference model).
 */
export function readRecordingData(): { read: (file: string) => OnnxModel; data: Map<string, ExternalDataFile[]> } {
  const data = new Map<string, ExternalDataFile[]>();
  return {
    data,
    read: (file: string): OnnxModel => {
      const model = readOnnxModel(file);
      data.set(file, model.externalData);
      return model;
    },
  };
}

export function hashData(files: readonly ExternalDataFile[], hash: FileHasher = sha256File): InstanceDataFile[] {
  return files.map((d) => ({ location: d.location, file: d.file, sha256: hash(d.file) }));
}

export function fixedBatchOf(feeds: ModelFeeds): number | null {
  const d = feeds.image.dims?.[0];
  return typeof d === 'number' ? d : null;
}
