/**
 * Deterministic mutations of a file's bytes: the same (seed, case) always
 * gives the same bytes, so any failure is reproduced from its case number.
 * Mutations favour the first `headerBytes` (where formats keep their sizes
 * and types) and, for text headers, splice whole fields.
 */

/** mulberry32: small, fast, and the same on every platform. */
export class FuzzRng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
}

/** The seed of case `index` of a campaign seeded with `seed`. */
export function caseSeed(seed: number, index: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ index, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export type MutationKind = 'flip' | 'insert' | 'delete' | 'truncate' | 'splice';
export const MUTATIONS: readonly MutationKind[] = ['flip', 'insert', 'delete', 'truncate', 'splice'];

/** Values that break size and type fields: zero, one, all ones, the largest signed ints, 10^9 and 10^12. */
const INTERESTING_BYTES: readonly number[][] = [
  [0], [1], [0xff], [0x7f], [0x80], [0, 0], [0xff, 0xff], [0, 0, 0, 0], [0xff, 0xff, 0xff, 0xff], [0x7f, 0xff, 0xff, 0xff],
  [0x3b, 0x9a, 0xca, 0x00], [0x00, 0xca, 0x9a, 0x3b], [0xe8, 0xd4, 0xa5, 0x10, 0x00], [0x00, 0x10, 0xa5, 0xd4, 0xe8],
];

/** Text tokens that break the fields of a Python-literal or JSON header. */
const INTERESTING_TOKENS: readonly string[] = [
  '0', '-1', '1', '1e12', '1000000000000', '1000000000', '3.5', 'NaN', 'Infinity', 'null', 'None', 'True', 'False', 'true',
  '()', '(0,)', '(1000000, 1000000)', '(2)', '[]', '{}', '""', "''", '"../../x.onnx"', '"/etc/passwd"', "'<f2'", "'>f8'",
  "'|O'", '"NHWC"', '"\\u0000"', '\n', '\x00', ',', ':', '"', "'", '}', ')', '(', '[', '{',
];

/** Positions of tokens in header text (numbers, quoted strings, words, brackets) for field splices. */
function tokenSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  const re = /'[^'\n]*'|"(?:[^"\\\n]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?L?|[A-Za-z_]+|[()[\]{},:]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

export interface Mutation {
  kind: MutationKind;
  /** what was done, for the failure record */
  detail: string;
  bytes: Uint8Array;
}

/**
 * Mutates `input` once (sometimes twice). `headerBytes`: how much of the
 * start is header; `textHeader`: the header is text (a .npy dict, JSON), so
 * splices replace tokens rather than bytes.
 */
export function mutate(input: Uint8Array, rng: FuzzRng, headerBytes: number, textHeader: boolean): Mutation {
  let bytes = Buffer.from(input);
  const rounds = rng.next() < 0.2 ? 2 : 1;
  const details: string[] = [];
  let kind: MutationKind = 'flip';
  for (let r = 0; r < rounds; r++) {
    kind = rng.pick(MUTATIONS);
    const head = Math.max(1, Math.min(headerBytes, bytes.length));
    const pos = (): number => (rng.next() < 0.75 ? rng.int(head) : rng.int(Math.max(1, bytes.length)));
    switch (kind) {
      case 'flip': {
        const flips = 1 + rng.int(4);
        for (let i = 0; i < flips && bytes.length > 0; i++) {
          const p = pos();
          const bit = rng.int(8);
          bytes[p] = bytes[p]! ^ (1 << bit);
          details.push(`flip byte ${p} bit ${bit}`);
        }
        break;
      }
      case 'insert': {
        const p = pos();
        const add = rng.next() < 0.5
          ? Buffer.from(rng.pick(INTERESTING_TOKENS), 'latin1')
          : Buffer.from(Array.from({ length: 1 + rng.int(16) }, () => rng.int(256)));
        bytes = Buffer.concat([bytes.subarray(0, p), add, bytes.subarray(p)]);
        details.push(`insert ${add.length} bytes at ${p}`);
        break;
      }
      case 'delete': {
        const p = pos();
        const n = 1 + rng.int(16);
        bytes = Buffer.concat([bytes.subarray(0, p), bytes.subarray(p + n)]);
        details.push(`delete ${n} bytes at ${p}`);
        break;
      }
      case 'truncate': {
        const p = rng.next() < 0.5 ? rng.int(head + 1) : rng.int(bytes.length + 1);
        bytes = bytes.subarray(0, p);
        details.push(`truncate to ${p} bytes`);
        break;
      }
      case 'splice': {
        const text = bytes.subarray(0, head).toString('latin1');
        const spans = textHeader ? tokenSpans(text) : [];
        if (spans.length > 0) {
          const [a, b] = rng.pick(spans);
          const token = rng.pick(INTERESTING_TOKENS);
          bytes = Buffer.concat([bytes.subarray(0, a), Buffer.from(token, 'latin1'), bytes.subarray(b)]);
          details.push(`splice field at ${a}..${b} with ${JSON.stringify(token)}`);
        } else {
          const v = rng.pick(INTERESTING_BYTES);
          const p = pos();
          for (let i = 0; i < v.length && p + i < bytes.length; i++) bytes[p + i] = v[i]!;
          details.push(`splice ${v.length} bytes at ${p}`);
        }
        break;
      }
    }
  }
  return { kind, detail: details.join('; '), bytes };
}
