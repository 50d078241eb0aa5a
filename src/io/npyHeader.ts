/**
 * The header dictionary of a .npy file, read as numpy reads it: a Python
 * literal (numpy uses ast.literal_eval) that must be a dict with exactly the
 * keys 'descr', 'fortran_order' and 'shape', where descr is a string,
 * fortran_order a bool and shape a tuple of non-negative ints. Anything else —
 * a missing or extra key, `(3)` for a shape, text after the closing brace — is
 * refused, where regular expressions would have read a different array.
 */
import { UserError, quoted } from '../errors.js';

/** Python literal values the header can hold (lists and None only so that errors can name them). */
type Literal =
  | { kind: 'str'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: bigint }
  | { kind: 'none' }
  | { kind: 'tuple' | 'list'; items: Literal[] }
  | { kind: 'dict'; entries: [Literal, Literal][] };

class Syntax extends Error {}

class LiteralReader {
  private at = 0;
  constructor(private readonly text: string, private readonly allowLongInts: boolean) {}

  parseWhole(): Literal {
    this.space();
    const v = this.value();
    this.space();
    if (this.at !== this.text.length) throw new Syntax(`unexpected text after the dictionary at character ${this.at}`);
    return v;
  }

  private space(): void {
    while (this.at < this.text.length && ' \t\n\r\f'.includes(this.text[this.at]!)) this.at++;
  }

  private peek(): string | undefined {
    return this.text[this.at];
  }

  private expect(ch: string): void {
    this.space();
    if (this.text[this.at] !== ch) throw new Syntax(`expected '${ch}' at character ${this.at}`);
    this.at++;
  }

  private value(): Literal {
    this.space();
    const c = this.peek();
    if (c === undefined) throw new Syntax('the header ends inside a value');
    if (c === "'" || c === '"') return { kind: 'str', value: this.string(c) };
    if (c === '{') return this.dict();
    if (c === '(') return this.sequence('(', ')', 'tuple');
    if (c === '[') return this.sequence('[', ']', 'list');
    if (c === '-' || c === '+' || (c >= '0' && c <= '9')) return this.int();
    for (const [word, lit] of [['True', { kind: 'bool', value: true }], ['False', { kind: 'bool', value: false }], ['None', { kind: 'none' }]] as const) {
      if (this.text.startsWith(word, this.at) && !/[\w]/.test(this.text[this.at + word.length] ?? '')) {
        this.at += word.length;
        return lit;
      }
    }
    throw new Syntax(`unexpected character at ${this.at}`);
  }

  private string(q: string): string {
    this.at++;
    let out = '';
    for (;;) {
      const c = this.text[this.at++];
      if (c === undefined || c === '\n') throw new Syntax('unterminated string');
      if (c === q) return out;
      if (c === '\\') {
        const e = this.text[this.at++];
        if (e === undefined) throw new Syntax('unterminated string');
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
        if (!(e in simple)) throw new Syntax(`unsupported escape \\${e} in a string`);
        out += simple[e];
      } else {
        out += c;
      }
    }
  }

  private int(): Literal {
    const m = /^[+-]?(0|[1-9][0-9]*)/.exec(this.text.slice(this.at, this.at + 40));
    if (!m) throw new Syntax(`malformed number at character ${this.at}`);
    this.at += m[0].length;
    // Python 2 wrote 10L; numpy strips that suffix from format 1.0 and 2.0 headers
    if (this.allowLongInts && this.peek() === 'L') this.at++;
    if (/[\w.]/.test(this.peek() ?? '')) throw new Syntax(`malformed number at character ${this.at}`);
    return { kind: 'int', value: BigInt(m[0]) };
  }

  private sequence(open: string, close: string, kind: 'tuple' | 'list'): Literal {
    this.expect(open);
    const items: Literal[] = [];
    let comma = false;
    for (;;) {
      this.space();
      if (this.peek() === close) {
        this.at++;
        break;
      }
      if (items.length > 0 && !comma) throw new Syntax(`expected ',' or '${close}' at character ${this.at}`);
      items.push(this.value());
      this.space();
      comma = this.peek() === ',';
      if (comma) this.at++;
    }
    // (3) is the number 3, not a tuple: only a comma makes a one-element tuple
    if (kind === 'tuple' && items.length === 1 && !comma) return items[0]!;
    return { kind, items };
  }

  private dict(): Literal {
    this.expect('{');
    const entries: [Literal, Literal][] = [];
    let comma = false;
    for (;;) {
      this.space();
      if (this.peek() === '}') {
        this.at++;
        return { kind: 'dict', entries };
      }
      if (entries.length > 0 && !comma) throw new Syntax(`expected ',' or '}' at character ${this.at}`);
      const key = this.value();
      this.expect(':');
      const value = this.value();
      entries.push([key, value]);
      this.space();
      comma = this.peek() === ',';
      if (comma) this.at++;
    }
  }
}

export interface NpyHeaderDict {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

const KEYS = ['descr', 'fortran_order', 'shape'];

function describe(v: Literal): string {
  switch (v.kind) {
    case 'str': return `the string ${quoted(v.value, 30)}`;
    case 'bool': return v.value ? 'True' : 'False';
    case 'int': return `the number ${v.value}`;
    case 'none': return 'None';
    default: return `a ${v.kind}`;
  }
}

/**
 * Parses the header text of a .npy file; `file` names it in errors.
 * `version` is the format's major version (1 and 2 accept Python 2's `10L`).
 */
export function parseNpyHeaderDict(header: string, file: string, version: number): NpyHeaderDict {
  const fail = (what: string): never => {
    throw new UserError(`${file}: expected a .npy header dictionary with 'descr', 'fortran_order' and 'shape' but ${what} (header ${quoted(header)})`);
  };
  let lit: Literal;
  try {
    lit = new LiteralReader(header, version <= 2).parseWhole();
  } catch (err) {
    if (err instanceof Syntax) return fail(`it is not a Python literal: ${err.message}`);
    throw err;
  }
  if (lit.kind !== 'dict') return fail(`the header is ${describe(lit)}`);
  const found = new Map<string, Literal>();
  for (const [k, v] of lit.entries) {
    if (k.kind !== 'str') return fail(`a key is ${describe(k)}`);
    found.set(k.value, v); // a repeated key: Python keeps the last, and so does this
  }
  const keys = [...found.keys()].sort();
  if (keys.length !== KEYS.length || keys.some((k, i) => k !== KEYS[i])) {
    return fail(`its keys are ${keys.length === 0 ? 'none' : keys.map((k) => quoted(k, 20)).join(', ')}`);
  }
  const descr = found.get('descr')!;
  const fortran = found.get('fortran_order')!;
  const shape = found.get('shape')!;
  if (descr.kind !== 'str') return fail(`'descr' is ${describe(descr)}, not a string`);
  if (fortran.kind !== 'bool') return fail(`'fortran_order' is ${describe(fortran)}, not True or False`);
  if (shape.kind !== 'tuple') return fail(`'shape' is ${describe(shape)}, not a tuple such as (3,) or (2, 3)`);
  const dims: number[] = [];
  for (const d of shape.items) {
    if (d.kind !== 'int') return fail(`a dimension of 'shape' is ${describe(d)}, not an integer`);
    if (d.value < 0n) return fail(`'shape' has the negative dimension ${d.value}`);
    if (d.value > BigInt(Number.MAX_SAFE_INTEGER)) return fail(`'shape' has the dimension ${d.value}, too large for any file`);
    dims.push(Number(d.value));
  }
  return { descr: descr.value, fortranOrder: fortran.value, shape: dims };
}
