/**
 * What a run does differently for a mixed zoo (one Zoo per architecture,
 * analysed as one): grouping the prepared parts, joining their predicted
 * labels, naming each instance's architecture and the consistency between
 * architectures, and saying when plain files were taken as one.
 */
import type { ZooPredictions } from '../analysis/analyseZoo.js';
import { crossArchitecture } from '../analysis/crossArchitecture.js';
import type { ZooAnalysis } from '../analysis/types.js';
import type { ResolvedLayer } from '../zoo/resolveLayers.js';
import type { Zoo } from '../zoo/zoo.js';

/**
 * The prepared zoos grouped as they are analysed: a zoo of one architecture
 * alone, a mixed zoo's parts together (those present: an array task's share
 * may hold only some of them).
 */
export function analysedZoos<T extends { zoo: Zoo }>(prepared: readonly T[]): T[][] {
  const groups: T[][] = [];
  for (const p of prepared) {
    const group = groups[groups.length - 1];
    const prev = group?.[group.length - 1]?.zoo;
    const continues = p.zoo.part !== null && prev?.part != null && prev.name === p.zoo.name && prev.dir === p.zoo.dir && prev.part.index < p.zoo.part.index;
    if (continues) group!.push(p);
    else groups.push([p]);
  }
  return groups;
}

/**
 * One predicted-label set of a mixed zoo's instances: null when any part has
 * none, or when the parts' logits differ in width (other sets of classes,
 * whose predictions cannot be compared), with the reason.
 */
export function joinedPredictions(parts: readonly { zoo: Zoo }[], predictions: readonly (ZooPredictions | null)[]): { joined: ZooPredictions | null; why?: string } {
  const missing = parts.filter((_, i) => predictions[i] === null).map((p) => p.zoo.architecture);
  if (missing.length > 0) {
    return { joined: null, why: `no logits from architecture ${missing.join(', ')} (zoo.json's output; for plain files, their only output when it is 2-D): behaviour skipped for the whole zoo` };
  }
  const widths = predictions.map((p) => p!.width);
  if (widths.some((w) => w !== widths[0])) {
    return { joined: null, why: `the architectures' logits differ in width (${parts.map((p, i) => `${p.zoo.architecture}: ${widths[i]}`).join(', ')}): behaviour skipped` };
  }
  return { joined: { predictions: predictions.flatMap((p) => p!.predictions), width: widths[0]! } };
}

/** A mixed zoo's analysis gets each instance's architecture and the consistency between architectures; `why` replaces the generic no-logits reason. */
export function addArchitectures(result: ZooAnalysis, parts: readonly { zoo: Zoo }[], why?: string): void {
  if (why) result.skipped = result.skipped.map((s) => (s.startsWith('no logits') ? why : s));
  const architectureOf = parts.flatMap((p) => p.zoo.instances.map(() => p.zoo.architecture ?? p.zoo.name));
  result.architectures = architectureOf;
  result.cross_architecture = crossArchitecture(result.layers, architectureOf);
}

/** Plain files of several graphs are compared, not refused: the line that says so (null otherwise). */
export function plainFilesNote(parts: readonly { zoo: Zoo; layers: readonly ResolvedLayer[] }[]): string | null {
  if (parts.length < 2 || parts[0]!.zoo.dir !== null) return null;
  return `--model files of ${parts.length} graphs are compared as one zoo of ${parts.length} architectures (${parts.map((p) => `${p.zoo.architecture}: ${p.zoo.instances.length}`).join(', ')}) at layers ${parts[0]!.layers.map((l) => l.name).join(', ')}`;
}
