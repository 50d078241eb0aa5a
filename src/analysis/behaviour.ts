/**
 * Behaviour of a zoo's instances on the stimuli: accuracy, agreement of the
 * predicted labels, error consistency (Cohen's κ of correct/incorrect,
 * Geirhos et al. 2020) and confusion matrices.
 */

/** Index of the largest logit of each of the N rows (first index on ties; NaN never wins). */
export function predictedLabels(logits: Float32Array | Float64Array, n: number, c: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestValue = -Infinity;
    for (let j = 0; j < c; j++) {
      const v = logits[i * c + j]!;
      if (v > bestValue) {
        best = j;
        bestValue = v;
      }
    }
    out[i] = best;
  }
  return out;
}

export function accuracy(predicted: Int32Array, labels: Int32Array): number {
  let hit = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) hit++;
  return labels.length === 0 ? NaN : hit / labels.length;
}

/** Fraction of stimuli on which two instances predict the same label. */
export function labelAgreement(a: Int32Array, b: Int32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return a.length === 0 ? NaN : same / a.length;
}

/**
 * Error consistency: κ = (c_obs − c_exp) / (1 − c_exp), where c_obs is the
 * fraction of stimuli both get right or both get wrong and
 * c_exp = p_a·p_b + (1 − p_a)(1 − p_b) what independent errors at the same
 * accuracies would give. 1 when c_exp = 1 and the two agree everywhere
 * (both perfect); NaN is never returned for equal decisions.
 */
export function errorConsistency(predA: Int32Array, predB: Int32Array, labels: Int32Array): number {
  const n = labels.length;
  if (n === 0) return NaN;
  let both = 0;
  let ca = 0;
  let cb = 0;
  for (let i = 0; i < n; i++) {
    const a = predA[i] === labels[i];
    const b = predB[i] === labels[i];
    if (a) ca++;
    if (b) cb++;
    if (a === b) both++;
  }
  const pa = ca / n;
  const pb = cb / n;
  const cObs = both / n;
  const cExp = pa * pb + (1 - pa) * (1 - pb);
  if (cExp >= 1) return cObs >= 1 ? 1 : NaN;
  return (cObs - cExp) / (1 - cExp);
}

/** C × C row-major counts: row = true class, column = predicted class. */
export function confusionMatrix(predicted: Int32Array, labels: Int32Array, c: number): number[][] {
  const m = Array.from({ length: c }, () => new Array<number>(c).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i]!;
    const p = predicted[i]!;
    if (t >= 0 && t < c && p >= 0 && p < c) m[t]![p]! += 1;
  }
  return m;
}

export interface BehaviourResult {
  accuracy: number[];
  /** K × K fraction of stimuli with the same predicted label */
  agreement: number[][];
  /** K × K Cohen's κ of correct/incorrect */
  error_consistency: number[][];
  /** per instance, C × C counts (row = true class) */
  confusion: number[][][];
  /** mean κ over instance pairs */
  mean_error_consistency: number;
  mean_agreement: number;
}

export function analyseBehaviour(predictions: readonly Int32Array[], labels: Int32Array, classes: number): BehaviourResult {
  const k = predictions.length;
  const agreement: number[][] = [];
  const kappa: number[][] = [];
  let sumK = 0;
  let sumA = 0;
  let pairs = 0;
  for (let a = 0; a < k; a++) {
    agreement.push([]);
    kappa.push([]);
    for (let b = 0; b < k; b++) {
      const ag = labelAgreement(predictions[a]!, predictions[b]!);
      const ka = errorConsistency(predictions[a]!, predictions[b]!, labels);
      agreement[a]!.push(ag);
      kappa[a]!.push(ka);
      if (a < b) {
        sumK += ka;
        sumA += ag;
        pairs++;
      }
    }
  }
  return {
    accuracy: predictions.map((p) => accuracy(p, labels)),
    agreement,
    error_consistency: kappa,
    confusion: predictions.map((p) => confusionMatrix(p, labels, classes)),
    mean_error_consistency: pairs > 0 ? sumK / pairs : NaN,
    mean_agreement: pairs > 0 ? sumA / pairs : NaN,
  };
}
