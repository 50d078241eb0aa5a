/** The RDM store: entries on disk, the content-addressed cache and its upkeep. */
export {
  RDM_FORMAT, RDM_VARIANTS, PAYLOAD_FILE, META_FILE, checkMeta, condensedLength, condensedRowStart,
  type RdmVariant, type RdmDescribe, type RdmEntryInfo, type RdmEntryMeta,
} from './entryMeta.js';
export { writeRdmEntry, removeRdmEntry, type WriteEntryResult } from './writeEntry.js';
export { openRdmEntry, RdmEntry, type OpenEntryResult, type OpenEntryOptions } from './rdmEntry.js';
export { cacheKey, cacheKeyDocument, canonicalJson, isCacheKey, type CacheKeyInput } from './cacheKey.js';
export { sha256File, hashFilesCached, HASHES_FILE } from './fileHash.js';
export { RdmCache, resolveCacheDir, entryDirFor, RDMS_DIR, type CacheGetResult } from './rdmCache.js';
export {
  listEntries, cacheUsage, pruneCache,
  type CacheEntryInfo, type CacheUsage, type PruneOptions, type PruneResult, type Tally,
} from './cacheAdmin.js';
