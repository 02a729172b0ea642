/**
 * Python values as the SageMaker training toolkit sees them after `json.loads`, and the three ways
 * the toolkit turns them back into text: `str()` (command-line arguments), `repr()` (inside
 * containers) and `json.dumps` (environment variables).
 *
 * JavaScript's own JSON and number formatting differ from Python's in ways a script notices:
 * `3.0` stays a float (`"3.0"`, not `"3"`), `5e-05` is printed the Python way (JavaScript writes
 * `0.00005`), big integers keep every digit, dict keys keep their insertion order, `True`/`None` are
 * capitalised. So values are modelled explicitly instead of as plain JS values.
 */

export type PyValue =
  | { readonly type: 'none' }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'int'; readonly value: bigint }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'str'; readonly value: string }
  | { readonly type: 'list'; readonly items: readonly PyValue[] }
  | { readonly type: 'dict'; readonly entries: ReadonlyArray<readonly [string, PyValue]> };

export type PyDict = Extract<PyValue, { type: 'dict' }>;

export const pyNone: PyValue = { type: 'none' };
export const pyBool = (value: boolean): PyValue => ({ type: 'bool', value });
export const pyInt = (value: number | bigint): PyValue => ({ type: 'int', value: BigInt(value) });
export const pyFloat = (value: number): PyValue => ({ type: 'float', value });
export const pyStr = (value: string): PyValue => ({ type: 'str', value });
export const pyList = (items: readonly PyValue[]): PyValue => ({ type: 'list', items });
export const pyDict = (entries: ReadonlyArray<readonly [string, PyValue]>): PyDict => ({ type: 'dict', entries });

/** Raised where Python's `json.loads` raises `JSONDecodeError` (a `ValueError`). */
export class PythonJsonError extends Error {
  readonly code = 'PythonJsonDecodeError';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message}: char ${position}`);
    this.name = 'PythonJsonError';
  }
}

/** Python 3.11+ refuses to convert integers longer than this (`sys.get_int_max_str_digits()`). */
const INT_MAX_STR_DIGITS = 4300;

/**
 * `json.loads(text)` with Python's rules: NaN/Infinity accepted, numbers with a fraction or an
 * exponent are floats and the rest arbitrary-precision ints, control characters inside strings
 * rejected (strict mode), duplicate keys keep the first position and the last value, trailing data
 * is an error.
 */
export function parsePythonJson(text: string): PyValue {
  if (text.startsWith('\ufeff')) throw new PythonJsonError('Unexpected UTF-8 BOM (decode using utf-8-sig)', 0);
  const parser = new PythonJsonParser(text);
  parser.skipWhitespace();
  const value = parser.parseValue();
  parser.skipWhitespace();
  if (!parser.atEnd()) throw new PythonJsonError('Extra data', parser.position);
  return value;
}

class PythonJsonParser {
  position = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  skipWhitespace(): void {
    while (this.position < this.text.length && ' \t\n\r'.includes(this.text[this.position]!)) this.position++;
  }

  parseValue(): PyValue {
    const c = this.text[this.position];
    switch (c) {
      case '"':
        return pyStr(this.parseString());
      case '{':
        return this.parseObject();
      case '[':
        return this.parseArray();
    }
    if (this.text.startsWith('null', this.position)) return this.take(4, pyNone);
    if (this.text.startsWith('true', this.position)) return this.take(4, pyBool(true));
    if (this.text.startsWith('false', this.position)) return this.take(5, pyBool(false));
    const number = /^(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?/.exec(this.text.slice(this.position));
    if (number) {
      this.position += number[0].length;
      if (number[2] !== undefined || number[3] !== undefined) return pyFloat(Number(number[0]));
      if (number[1]!.replace('-', '').length > INT_MAX_STR_DIGITS) {
        throw new PythonJsonError('Exceeds the limit for integer string conversion', this.position);
      }
      return pyInt(BigInt(number[1]!));
    }
    if (this.text.startsWith('NaN', this.position)) return this.take(3, pyFloat(NaN));
    if (this.text.startsWith('Infinity', this.position)) return this.take(8, pyFloat(Infinity));
    if (this.text.startsWith('-Infinity', this.position)) return this.take(9, pyFloat(-Infinity));
    throw new PythonJsonError('Expecting value', this.position);
  }

  private take(length: number, value: PyValue): PyValue {
    this.position += length;
    return value;
  }

  private parseString(): string {
    const start = this.position;
    this.position++; // opening quote
    let out = '';
    for (;;) {
      if (this.atEnd()) throw new PythonJsonError('Unterminated string starting at', start);
      const c = this.text[this.position]!;
      if (c === '"') {
        this.position++;
        return out;
      }
      if (c.charCodeAt(0) < 0x20) throw new PythonJsonError('Invalid control character at', this.position);
      if (c !== '\\') {
        out += c;
        this.position++;
        continue;
      }
      const escape = this.text[this.position + 1];
      // A text cut right after a backslash: Python calls the string unterminated, not the escape invalid.
      if (escape === undefined) throw new PythonJsonError('Unterminated string starting at', start);
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (escape in simple) {
        out += simple[escape];
        this.position += 2;
        continue;
      }
      if (escape !== 'u') throw new PythonJsonError('Invalid \\escape', this.position);
      const unit = this.readHex4(this.position + 2);
      this.position += 6;
      // Python joins a high surrogate with an escaped low surrogate right after it; a JavaScript string
      // is UTF-16, so the two units written one after the other already are that character.
      out += String.fromCharCode(unit);
    }
  }

  private readHex4(at: number): number {
    const hex = this.text.slice(at, at + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new PythonJsonError('Invalid \\uXXXX escape', at - 1);
    return parseInt(hex, 16);
  }

  private parseObject(): PyValue {
    this.position++; // {
    const entries: Array<[string, PyValue]> = [];
    const index = new Map<string, number>();
    this.skipWhitespace();
    if (this.text[this.position] === '}') {
      this.position++;
      return pyDict(entries);
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.position] !== '"') {
        throw new PythonJsonError('Expecting property name enclosed in double quotes', this.position);
      }
      const key = this.parseString();
      this.skipWhitespace();
      if (this.text[this.position] !== ':') throw new PythonJsonError("Expecting ':' delimiter", this.position);
      this.position++;
      this.skipWhitespace();
      const value = this.parseValue();
      const existing = index.get(key);
      if (existing === undefined) {
        index.set(key, entries.length);
        entries.push([key, value]);
      } else {
        entries[existing] = [key, value];
      }
      this.skipWhitespace();
      const next = this.text[this.position];
      this.position++;
      if (next === '}') return pyDict(entries);
      if (next !== ',') throw new PythonJsonError("Expecting ',' delimiter", this.position - 1);
    }
  }

  private parseArray(): PyValue {
    this.position++; // [
    const items: PyValue[] = [];
    this.skipWhitespace();
    if (this.text[this.position] === ']') {
      this.position++;
      return pyList(items);
    }
    for (;;) {
      this.skipWhitespace();
      items.push(this.parseValue());
      this.skipWhitespace();
      const next = this.text[this.position];
      this.position++;
      if (next === ']') return pyList(items);
      if (next !== ',') throw new PythonJsonError("Expecting ',' delimiter", this.position - 1);
    }
  }
}

/** `repr(float)`: the shortest digits that round-trip, fixed notation for 1e-4 <= |x| < 1e16. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest round-tripping digits, as Python does.
  const [mantissa, exponent] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const decimalPoint = parseInt(exponent, 10) + 1; // value = 0.<digits> * 10^decimalPoint
  if (decimalPoint > -4 && decimalPoint <= 16) {
    if (decimalPoint <= 0) return `${sign}0.${'0'.repeat(-decimalPoint)}${digits}`;
    if (decimalPoint >= digits.length) return `${sign}${digits}${'0'.repeat(decimalPoint - digits.length)}.0`;
    return `${sign}${digits.slice(0, decimalPoint)}.${digits.slice(decimalPoint)}`;
  }
  const shown = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = decimalPoint - 1;
  return `${sign}${shown}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

const NOT_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

/** `repr(str)`: single quotes unless the text has a single quote and no double quote. */
export function pythonStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x7f) out += ch;
    // DEL (0x7f) is a control character (Cc): written `\x7f` here, as Python writes it.
    else if (NOT_PRINTABLE.test(ch)) {
      out += cp <= 0xff ? `\\x${hex(cp, 2)}` : cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
    } else out += ch;
  }
  return out + quote;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** `repr(value)`. */
export function pythonRepr(value: PyValue): string {
  switch (value.type) {
    case 'none':
      return 'None';
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'int':
      return value.value.toString();
    case 'float':
      return pythonFloatRepr(value.value);
    case 'str':
      return pythonStringRepr(value.value);
    case 'list':
      return `[${value.items.map(pythonRepr).join(', ')}]`;
    case 'dict':
      return `{${value.entries.map(([k, v]) => `${pythonStringRepr(k)}: ${pythonRepr(v)}`).join(', ')}}`;
  }
}

/** `str(value)`: like repr except that a string is itself. */
export function pythonStr(value: PyValue): string {
  return value.type === 'str' ? value.value : pythonRepr(value);
}

/** Python's `bool(value)`. */
export function pythonTruthy(value: PyValue | undefined): boolean {
  if (value === undefined) return false;
  switch (value.type) {
    case 'none':
      return false;
    case 'bool':
      return value.value;
    case 'int':
      return value.value !== 0n;
    case 'float':
      return value.value !== 0;
    case 'str':
      return value.value.length > 0;
    case 'list':
      return value.items.length > 0;
    case 'dict':
      return value.entries.length > 0;
  }
}

/** Python orders strings by code point; JavaScript's `<` compares UTF-16 units (differs above U+FFFF). */
export function comparePythonStrings(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

export interface PythonJsonDumpOptions {
  sortKeys?: boolean;
  /** `separators=(",", ":")`; otherwise Python's default `(", ", ": ")`. */
  compact?: boolean;
  /** Defaults to true, as in Python. */
  ensureAscii?: boolean;
}

/** `json.dumps(value, ...)` without indentation. */
export function pythonJsonDumps(value: PyValue, options: PythonJsonDumpOptions = {}): string {
  const itemSeparator = options.compact ? ',' : ', ';
  const keySeparator = options.compact ? ':' : ': ';
  const ensureAscii = options.ensureAscii ?? true;
  const encode = (v: PyValue): string => {
    switch (v.type) {
      case 'none':
        return 'null';
      case 'bool':
        return v.value ? 'true' : 'false';
      case 'int':
        return v.value.toString();
      case 'float':
        if (Number.isNaN(v.value)) return 'NaN';
        if (v.value === Infinity) return 'Infinity';
        if (v.value === -Infinity) return '-Infinity';
        return pythonFloatRepr(v.value);
      case 'str':
        return pythonJsonString(v.value, ensureAscii);
      case 'list':
        return `[${v.items.map(encode).join(itemSeparator)}]`;
      case 'dict': {
        const entries = options.sortKeys ? [...v.entries].sort(([a], [b]) => comparePythonStrings(a, b)) : v.entries;
        return `{${entries.map(([k, x]) => `${pythonJsonString(k, ensureAscii)}${keySeparator}${encode(x)}`).join(itemSeparator)}}`;
      }
    }
  };
  return encode(value);
}

function pythonJsonString(s: string, ensureAscii: boolean): string {
  const named: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };
  let out = '"';
  // Iterate UTF-16 units: ensure_ascii writes astral characters as surrogate pairs, like this.
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const unit = s.charCodeAt(i);
    if (named[ch] !== undefined) out += named[ch];
    else if (unit < 0x20 || (ensureAscii && unit > 0x7e)) out += `\\u${hex(unit, 4)}`;
    else out += ch;
  }
  return out + '"';
}

/**
 * A JavaScript value (as YAML or JSON gives it) seen as the Python value the SDK user would have
 * written. An integral number becomes an int: JavaScript cannot tell `3` from `3.0`.
 */
export function fromJsValue(value: unknown): PyValue {
  if (value === null || value === undefined) return pyNone;
  if (typeof value === 'boolean') return pyBool(value);
  if (typeof value === 'bigint') return pyInt(value);
  if (typeof value === 'number') {
    return Number.isInteger(value) && !Object.is(value, -0) ? pyInt(BigInt(value)) : pyFloat(value);
  }
  if (typeof value === 'string') return pyStr(value);
  if (Array.isArray(value)) return pyList(value.map(fromJsValue));
  if (typeof value === 'object') {
    return pyDict(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromJsValue(v)] as const));
  }
  throw new TypeError(`A ${typeof value} cannot be a hyperparameter value`);
}

/** A Python value as plain JavaScript: ints beyond 2^53 become their decimal text. */
export function pythonToJs(value: PyValue): unknown {
  switch (value.type) {
    case 'none':
      return null;
    case 'bool':
    case 'float':
    case 'str':
      return value.value;
    case 'int':
      return value.value >= BigInt(Number.MIN_SAFE_INTEGER) && value.value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value.value) : value.value.toString();
    case 'list':
      return value.items.map(pythonToJs);
    case 'dict':
      return Object.fromEntries(value.entries.map(([k, v]) => [k, pythonToJs(v)]));
  }
}

/** Looks a key up in a Python dict value. */
export function dictGet(dict: PyDict, key: string): PyValue | undefined {
  for (const [k, v] of dict.entries) if (k === key) return v;
  return undefined;
}
