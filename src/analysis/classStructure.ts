/**
 * What the centroid/exemplar analysis needs from the stimulus labels: class
 * centroids of a layer's activations, the activations with their class
 * centroid removed, and which condensed RDM entries pair two stimuli of one
 * class (within) or of two classes (between).
 */

export interface ClassIndex {
  /** the classes present among the stimuli, ascending */
  present: number[];
  /** row of each present class in a centroid matrix, by class id (−1 if absent) */
  rowOf: Int32Array;
  counts: Int32Array;
}

export function classIndex(labels: Int32Array): ClassIndex {
  let max = -1;
  for (const l of labels) if (l > max) max = l;
  const counts = new Int32Array(max + 1);
  for (const l of labels) if (l >= 0) counts[l]! += 1;
  const present: number[] = [];
  const rowOf = new Int32Array(max + 1).fill(-1);
  for (let c = 0; c <= max; c++) {
    if (counts[c]! > 0) {
      rowOf[c] = present.length;
      present.push(c);
    }
  }
  return { present, rowOf, counts };
}

/** Class-mean activations of the present classes: (#present) × D, float32, accumulated in float64. */
export function classCentroids(data: Float32Array, n: number, d: number, labels: Int32Array, idx: ClassIndex): Float32Array {
  const c = idx.present.length;
  const acc = new Float64Array(c * d);
  // row views keep the inner loops free of offset arithmetic (the order of sums is unchanged)
  for (let i = 0; i < n; i++) {
    const row = idx.rowOf[labels[i]!]!;
    addInto(acc.subarray(row * d, (row + 1) * d), data.subarray(i * d, (i + 1) * d));
  }
  const out = new Float32Array(c * d);
  for (let r = 0; r < c; r++) {
    const inv = 1 / idx.counts[idx.present[r]!]!;
    for (let j = 0; j < d; j++) out[r * d + j] = acc[r * d + j]! * inv;
  }
  return out;
}

/**
 * Subtracts each stimulus's class centroid, in place: what remains is the
 * arrangement of exemplars around their centroid (analysis (d)).
 */
export function subtractCentroidsInPlace(data: Float32Array, n: number, d: number, labels: Int32Array, idx: ClassIndex, centroids: Float32Array): void {
  for (let i = 0; i < n; i++) {
    const src = idx.rowOf[labels[i]!]! * d;
    subtractFrom(data.subarray(i * d, (i + 1) * d), centroids.subarray(src, src + d));
  }
}

function addInto(acc: Float64Array, x: Float32Array): void {
  for (let j = 0; j < acc.length; j++) acc[j]! += x[j]!;
}

function subtractFrom(x: Float32Array, c: Float32Array): void {
  for (let j = 0; j < x.length; j++) x[j]! -= c[j]!;
}

/** Positions in the condensed vector (i < j, row-major) of within-class and between-class pairs. */
export function withinBetweenIndices(labels: Int32Array): { within: Uint32Array; between: Uint32Array } {
  const n = labels.length;
  let nWithin = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (labels[i] === labels[j]) nWithin++;
  const total = (n * (n - 1)) / 2;
  const within = new Uint32Array(nWithin);
  const between = new Uint32Array(total - nWithin);
  let k = 0;
  let w = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (labels[i] === labels[j]) within[w++] = k;
      else between[b++] = k;
      k++;
    }
  }
  return { within, between };
}

export function gather(values: ArrayLike<number>, indices: Uint32Array): Float64Array {
  const out = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]!]!;
  return out;
}
