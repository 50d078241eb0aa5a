/**
 * The onnxruntime session options of every extraction (and of the benchmarks
 * that compare with it, so that raw `session.run` is the same work).
 *
 * Intra-op threads do not spin while they wait for work: on a machine shared
 * with other processes a spinning thread burns the core another process (or
 * the other onnxruntime thread) needs. Measured on the default zoo, 2 cores,
 * load average 14: 1,500 images/s and 3,300 images per CPU-second without
 * spinning against 600 and 1,600 with it. Waking a thread costs tens of
 * microseconds per parallel section, a few per cent at most on an idle machine.
 */
import type { InferenceSession } from 'onnxruntime-node';

export function extractionSessionOptions(threads: number): InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    ...(threads > 0 ? { intraOpNumThreads: threads } : {}),
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}
