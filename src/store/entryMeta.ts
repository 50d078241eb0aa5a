/**
 * The on-disk format of one stored RDM ("entry"): a folder holding
 *   rdm.npy    1-D float32 .npy, the condensed RDM (upper triangle, row-major,
 *              i < j, length N(N−1)/2), loadable with np.load as it is;
 *   meta.json  what the payload is and its checksum (RdmEntryMeta).
 * meta.json's modification time doubles as the entry's last-use stamp.
 */
export { condensedLength } from '../io/rdmFile.js';

/** Bumped whenever the entry layout or the meaning of a stored value changes; part of every cache key. */
export const RDM_FORMAT = 'seedscope-rdm/1';

export const PAYLOAD_FILE = 'rdm.npy';
export const META_FILE = 'meta.json';

/** Which RDM of a layer: over all stimuli, over class centroids, or after removing class centroids. */
export type RdmVariant = 'full' | 'centroids' | 'centroid-removed';
export const RDM_VARIANTS: readonly RdmVariant[] = ['full', 'centroids', 'centroid-removed'];

/** Free description for people (ls); never used for lookups. */
export interface RdmDescribe {
  model?: string;
  tensor?: string;
  instance?: string;
  layer?: string;
  [field: string]: unknown;
}

/** What the writer is told besides the values. */
export interface RdmEntryInfo {
  metric: string;
  variant: RdmVariant;
  describe?: RdmDescribe;
}

export interface RdmEntryMeta {
  format: typeof RDM_FORMAT;
  /** the cache key, or null for an entry written outside a cache */
  key: string | null;
  /** number of stimuli */
  n: number;
  metric: string;
  dtype: 'float32';
  variant: RdmVariant;
  /** sha256 (hex) of the whole rdm.npy file, header included: `sha256sum rdm.npy` prints it */
  sha256: string;
  /** size of rdm.npy in bytes */
  bytes: number;
  /** ISO 8601 */
  created: string;
  describe: RdmDescribe;
}

const HEX64 = /^[0-9a-f]{64}$/;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks a parsed meta.json. Returns the meta, or a reason (one phrase) why it
 * is not one of ours: the caller reports the entry as corrupt.
 */
export function checkMeta(value: unknown): RdmEntryMeta | string {
  if (!isPlainObject(value)) return 'meta.json is not a JSON object';
  const m = value;
  if (m.format !== RDM_FORMAT) return `meta.json format is ${JSON.stringify(m.format)}, expected "${RDM_FORMAT}"`;
  if (!(m.key === null || (typeof m.key === 'string' && HEX64.test(m.key)))) return 'meta.json key is not 64 hex characters';
  if (!Number.isSafeInteger(m.n) || (m.n as number) < 2) return `meta.json n is ${JSON.stringify(m.n)}, expected an integer ≥ 2`;
  if (typeof m.metric !== 'string' || m.metric === '') return 'meta.json metric is missing';
  if (m.dtype !== 'float32') return `meta.json dtype is ${JSON.stringify(m.dtype)}, expected "float32"`;
  if (!RDM_VARIANTS.includes(m.variant as RdmVariant)) return `meta.json variant is ${JSON.stringify(m.variant)}, expected one of ${RDM_VARIANTS.join('|')}`;
  if (typeof m.sha256 !== 'string' || !HEX64.test(m.sha256)) return 'meta.json sha256 is not 64 hex characters';
  if (!Number.isSafeInteger(m.bytes) || (m.bytes as number) < 0) return 'meta.json bytes is not a byte count';
  if (typeof m.created !== 'string') return 'meta.json created is missing';
  if (!isPlainObject(m.describe)) return 'meta.json describe is not an object';
  return m as unknown as RdmEntryMeta;
}

/** Index in the condensed vector of the first entry of row i, i.e. of pair (i, i + 1). */
export function condensedRowStart(i: number, n: number): number {
  return (i * (2 * n - i - 1)) / 2;
}
