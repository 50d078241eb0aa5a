/**
 * Cache keys: an RDM is addressed by the sha256 of everything it depends on
 * (model bytes, tensor, stimuli, preprocessing, metric, variant, entry format),
 * written as canonical JSON: object keys sorted, no whitespace, so the same
 * inputs give the same key whatever order a caller built them in.
 */
import { createHash } from 'node:crypto';
import { RDM_FORMAT, RDM_VARIANTS, type RdmVariant } from './entryMeta.js';

export interface CacheKeyInput {
  /** sha256 (hex) of the model file, then of each external data file it uses, in the order the model names them */
  models: readonly string[];
  /** the tensor (layer output) the activations come from */
  tensor: string;
  /** checksum of the stimuli exactly as the models saw them (computed by the stimuli loader) */
  stimuli: string;
  /** everything that turns stimuli into model input: layout, size, scale, mean, std, resize, per_class, … (plain JSON) */
  preprocessing: Readonly<Record<string, unknown>>;
  metric: string;
  perFeature: boolean;
  variant: RdmVariant;
}

const HEX64 = /^[0-9a-f]{64}$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export function isCacheKey(value: string): boolean {
  return HEX64.test(value);
}

/**
 * JSON with object keys sorted (by UTF-16 code units) at every depth and
 * properties whose value is undefined left out. Only plain JSON values are
 * accepted: NaN, ±Infinity, typed arrays, dates, … would serialise ambiguously,
 * so they throw (a programming error, `where` names the field).
 */
export function canonicalJson(value: unknown, where = 'value'): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${where} is ${value}, which JSON cannot hold`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((v, i) => {
      if (v === undefined) throw new TypeError(`canonicalJson: ${where}[${i}] is undefined`);
      return canonicalJson(v, `${where}[${i}]`);
    }).join(',')}]`;
  }
  if (isPlainObject(value)) {
    const obj = value;
    const parts = Object.keys(obj).sort()
      .filter((k) => obj[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k], `${where}.${k}`)}`);
    return `{${parts.join(',')}}`;
  }
  const kind = typeof value === 'object' ? (value as object).constructor?.name ?? 'object' : typeof value;
  throw new TypeError(`canonicalJson: ${where} is a ${kind}; give plain JSON values (numbers, strings, booleans, null, arrays, objects)`);
}

function nonEmpty(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`cacheKey: ${field} must be a non-empty string`);
  return value;
}

/** The canonical JSON that is hashed into the key (exported for debugging and tests). */
export function cacheKeyDocument(input: CacheKeyInput): string {
  if (!Array.isArray(input.models) || input.models.length === 0) throw new TypeError('cacheKey: models must list at least the model file\'s sha256');
  const models = input.models.map((m, i) => {
    const hex = nonEmpty(m, `models[${i}]`).toLowerCase();
    if (!HEX64.test(hex)) throw new TypeError(`cacheKey: models[${i}] must be a sha256 (64 hex characters) but is '${m}'`);
    return hex;
  });
  if (!isPlainObject(input.preprocessing)) throw new TypeError('cacheKey: preprocessing must be a plain object');
  if (typeof input.perFeature !== 'boolean') throw new TypeError('cacheKey: perFeature must be a boolean');
  if (!RDM_VARIANTS.includes(input.variant)) throw new TypeError(`cacheKey: variant must be one of ${RDM_VARIANTS.join('|')} but is '${String(input.variant)}'`);
  return canonicalJson({
    format: RDM_FORMAT,
    models,
    tensor: nonEmpty(input.tensor, 'tensor'),
    stimuli: nonEmpty(input.stimuli, 'stimuli'),
    preprocessing: input.preprocessing,
    metric: nonEmpty(input.metric, 'metric'),
    per_feature: input.perFeature,
    variant: input.variant,
  });
}

/** The cache key (sha256 hex, 64 characters) of an RDM. */
export function cacheKey(input: CacheKeyInput): string {
  return createHash('sha256').update(cacheKeyDocument(input), 'utf8').digest('hex');
}
