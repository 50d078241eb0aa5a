/**
 * The layers of a mixed zoo: each architecture resolves the same --layers
 * specs against its own graph and short names, and the names they all give
 * are the layers compared. Without specs, the short names that every
 * architecture's zoo.json lists; when they share none (plain files of
 * different graphs), four relative depths.
 */
import { UserError } from '../errors.js';
import { resolveLayers, type ResolvedLayer } from './resolveLayers.js';
import type { Zoo } from './zoo.js';

/** What a mixed zoo compares when --layers is not given and its architectures share no short name. */
export const DEFAULT_DEPTHS = ['depth:0.25,0.5,0.75,1'];

function architectureOf(part: Zoo): string {
  return part.architecture ?? part.instances[0]!.name;
}

/** Short names listed by every part, in the first part's order. */
function sharedShortNames(parts: readonly Zoo[]): string[] {
  return parts[0]!.layers.map((l) => l.name).filter((name) => parts.every((p) => p.layers.some((l) => l.name === name)));
}

/** Each part's layers (one list per part, the same names in the same order). */
export async function resolveSharedLayers(parts: readonly Zoo[], specs: readonly string[] = []): Promise<ResolvedLayer[][]> {
  if (parts.length === 1) return [await resolveLayers(parts[0]!, specs)];
  const given = specs.some((s) => s.trim().length > 0);
  const shared = sharedShortNames(parts);
  const used = given ? specs : shared.length > 0 ? shared : DEFAULT_DEPTHS;
  const perPart: ResolvedLayer[][] = [];
  for (const part of parts) {
    try {
      perPart.push(await resolveLayers(part, used));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      const hint = shared.length > 0 ? `names every architecture has: ${shared.join(', ')}` : 'the architectures share no short name';
      throw new UserError(`architecture ${architectureOf(part)}: ${err.message} (in a mixed zoo each layer must exist in every architecture; ${hint}; or choose by depth: --layers depth:0.25,0.5,1)`);
    }
  }
  const names = perPart[0]!.map((l) => l.name);
  for (const [pi, layers] of perPart.entries()) {
    const own = new Set(layers.map((l) => l.name));
    const missing = names.find((n) => !own.has(n));
    const extra = layers.find((l) => !names.includes(l.name));
    if (missing !== undefined || extra !== undefined) {
      const [name, has, lacks] = missing !== undefined ? [missing, parts[0]!, parts[pi]!] : [extra!.name, parts[pi]!, parts[0]!];
      throw new UserError(`--layers: '${name}' is a layer of architecture ${architectureOf(has)} but not of ${architectureOf(lacks)}; a mixed zoo compares the layers every architecture has (choose by name, or by depth: --layers depth:0.25,0.5,1)`);
    }
  }
  // every part in the first part's order
  return perPart.map((layers) => names.map((n) => layers.find((l) => l.name === n)!));
}
