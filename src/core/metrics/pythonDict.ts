// Reads the numbers out of a Python dict's repr as the Hugging Face Trainer prints its logs:
//   {'loss': 0.6931, 'grad_norm': 4.21, 'learning_rate': 4.9e-05, 'epoch': 0.03}
//   {'eval_loss': nan, 'eval_accuracy': np.float64(0.8125), 'epoch': 1.0}
//   {'eval_loss': np.longdouble('0.25'), 'epoch': 1.0}
//   {'loss': 2.1, 'grad_norm': tensor(1.7, device='cuda:0'), 'learning_rate': 5e-05, 'epoch': 0.1}
// Values the Trainer does not make numbers of (strings, lists, None, True) are skipped. One pass over the
// characters, no regular expression with backtracking: a line of any length costs its length.

export interface PythonDictNumbers {
  /** The keys with a number, in the order printed. */
  values: Map<string, number>;
  /** Index just past the closing brace. */
  end: number;
}

const SPACE = 32;
const TAB = 9;
const QUOTE = 39; // '
const DQUOTE = 34; // "
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/** Parses the dict starting at `text[start] === '{'`; undefined when it is not a dict with string keys. */
export function parsePythonDict(text: string, start: number): PythonDictNumbers | undefined {
  if (text.charCodeAt(start) !== OPEN_BRACE) return undefined;
  const values = new Map<string, number>();
  let i = skipSpace(text, start + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return { values, end: i + 1 };
  for (;;) {
    const key = readString(text, i);
    if (!key) return undefined;
    i = skipSpace(text, key.end);
    if (text.charCodeAt(i) !== COLON) return undefined;
    i = skipSpace(text, i + 1);
    const value = readValue(text, i);
    if (!value) return undefined;
    if (value.number !== undefined) values.set(key.text, value.number);
    i = skipSpace(text, value.end);
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACE) return { values, end: i + 1 };
    if (c !== COMMA) return undefined;
    i = skipSpace(text, i + 1);
    // Python allows a trailing comma in a literal (the Trainer never prints one, a user's print may).
    if (text.charCodeAt(i) === CLOSE_BRACE) return { values, end: i + 1 };
  }
}

function skipSpace(text: string, i: number): number {
  let c = text.charCodeAt(i);
  while (c === SPACE || c === TAB) c = text.charCodeAt(++i);
  return i;
}

function readString(text: string, i: number): { text: string; end: number } | undefined {
  const quote = text.charCodeAt(i);
  if (quote !== QUOTE && quote !== DQUOTE) return undefined;
  let out = '';
  let from = i + 1;
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) {
      out += text.slice(from, j) + text.charAt(j + 1);
      j++;
      from = j + 1;
    } else if (c === quote) {
      return { text: out + text.slice(from, j), end: j + 1 };
    }
  }
  return undefined;
}

/** Python float and int literals as repr prints them, and nan / inf / -inf. */
const NUMBER = /[-+]?(?:nan|inf|(?:\d[\d_]*)?\.?\d*(?:[eE][-+]?\d+)?)/y;
/** A call the Trainer's numbers arrive wrapped in: numpy 2 scalars' repr, torch tensors' repr. */
const WRAPPER = /(?:np|numpy)\.(?:float(?:16|32|64|128)?|int(?:8|16|32|64)?|uint(?:8|16|32|64)?|longdouble|double)\(|tensor\(/y;

function readNumber(text: string, i: number): { number: number; end: number } | undefined {
  NUMBER.lastIndex = i;
  const m = NUMBER.exec(text);
  if (!m || m[0] === '' || m[0] === '-' || m[0] === '+' || m[0] === '.') return undefined;
  const raw = m[0];
  const end = i + raw.length;
  const unsigned = raw.replace(/^[-+]/, '');
  let number: number;
  if (unsigned === 'nan') number = NaN;
  else if (unsigned === 'inf') number = raw.startsWith('-') ? -Infinity : Infinity;
  else number = Number(raw.replace(/_/g, ''));
  if (Number.isNaN(number) && unsigned !== 'nan') return undefined;
  return { number, end };
}

function readValue(text: string, i: number): { number?: number; end: number } | undefined {
  const c = text.charCodeAt(i);
  if (c === QUOTE || c === DQUOTE) {
    const s = readString(text, i);
    return s ? { end: s.end } : undefined;
  }
  WRAPPER.lastIndex = i;
  const wrapped = WRAPPER.exec(text);
  if (wrapped) {
    let at = skipSpace(text, i + wrapped[0].length);
    // numpy 2 prints a longdouble (np.float128 on Linux) with its value quoted: np.longdouble('0.5').
    const q = text.charCodeAt(at);
    if (q === QUOTE || q === DQUOTE) at++;
    const inner = readNumber(text, at);
    const end = skipBalanced(text, i + wrapped[0].length - 1);
    if (end === undefined) return undefined;
    return inner ? { number: inner.number, end } : { end };
  }
  const n = readNumber(text, i);
  if (n) {
    // `nan` followed by letters is a name (`nanny`), not a number.
    const after = text.charCodeAt(n.end);
    if (!isNameChar(after)) return n;
  }
  if (c === 40 || c === 91 || c === OPEN_BRACE) {
    const end = skipBalanced(text, i);
    return end === undefined ? undefined : { end };
  }
  // True, False, None, or another bare name (an object's repr): skipped up to the next separator.
  let j = i;
  while (j < text.length && isNameChar(text.charCodeAt(j))) j++;
  if (j === i) return undefined;
  if (text.charCodeAt(j) === 40) {
    const end = skipBalanced(text, j);
    return end === undefined ? undefined : { end };
  }
  return { end: j };
}

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46;
}

/** From an opening bracket to just past its closing one, strings skipped; undefined when it never closes. */
function skipBalanced(text: string, i: number): number | undefined {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE || c === DQUOTE) {
      const s = readString(text, j);
      if (!s) return undefined;
      j = s.end - 1;
    } else if (c === 40 || c === 91 || c === OPEN_BRACE) {
      depth++;
    } else if (c === 41 || c === 93 || c === CLOSE_BRACE) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return undefined;
}
