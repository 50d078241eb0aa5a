/**
 * Progress of a run on stderr: one bar per (phase, scope), labelled here,
 * from the pipeline's phase events. The pipeline knows no terminal; this is
 * the only place that names phases for people.
 */
import type { PhaseEvent, PhaseId, PhaseListener } from '../analysis/phases.js';
import { ProgressBar } from './progressBar.js';

const LABELS: Record<PhaseId, string> = {
  load: 'load',
  extraction: 'extract + RDMs',
  rdms: 'RDMs',
  consistency: 'consistency',
  bootstrap: 'bootstrap',
  mantel: 'Mantel tests',
  second_order: 'second-order MDS',
  behaviour: 'behaviour',
  zoo_difference: 'zoo comparison',
  figures: 'figures',
  write: 'write',
};

/** A listener that draws bars (or nothing when disabled: --json, --quiet). */
export function phaseBars(enabled: boolean): PhaseListener {
  const bars = new Map<string, ProgressBar>();
  return (e: PhaseEvent) => {
    if (!enabled) return;
    const key = `${e.scope ?? ''}\u0000${e.phase}`;
    let bar = bars.get(key);
    if (!bar) {
      bar = new ProgressBar(e.scope ? `${e.scope}: ${LABELS[e.phase]}` : LABELS[e.phase], true);
      bars.set(key, bar);
    }
    if (e.kind === 'done') {
      bar.done();
      bars.delete(key);
    } else {
      bar.update(e.done, e.total, e.detail);
    }
  };
}
