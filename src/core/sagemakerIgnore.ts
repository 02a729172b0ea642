/**
 * `.sagemakerignore`: which files of a source_dir stay home. The syntax is .gitignore's, because
 * that is the syntax users already know: `#` comments, `!` to re-include, a trailing `/` for
 * folders only, a leading or inner `/` to anchor at the source_dir, `*`, `?`, `[a-z]`, `[!a-z]`,
 * `[[:digit:]]` and `**`. As in git, a file inside an excluded folder cannot be re-included (the
 * folder is not walked).
 *
 * Patterns are compiled to token lists, not regular expressions, and matched the way git's
 * wildmatch does without its recursion: within a path segment `*` backtracks only to the last `*`
 * seen, and across segments `**` only to the last `**`. Time is bounded by the path's length times
 * the pattern's, whatever the pattern (a regular expression with several `[^/]*` or `(?:.*\/)?`
 * backtracks exponentially on paths that almost match).
 *
 * A line git would never match (`[z-a]`, an unclosed `[`, a trailing `\`) is an error naming the
 * file, the line and the pattern, rather than a silently dead rule.
 *
 * The SageMaker SDK itself has no ignore file (it tars every entry of source_dir); this is ours.
 */

export const IGNORE_FILE_NAME = '.sagemakerignore';

/** A line of the ignore file that cannot be used, with what is wrong in words. */
export interface IgnorePatternProblem {
  /** 1-based line number. */
  line: number;
  /** The line as written (without its line break). */
  pattern: string;
  message: string;
}

/** An ignore file with at least one unusable line; the message names the file, the line and the pattern. */
export class IgnoreFileError extends Error {
  override readonly name = 'IgnoreFileError';

  constructor(
    readonly file: string,
    readonly problems: readonly IgnorePatternProblem[],
  ) {
    super(describeIgnoreProblems(file, problems));
  }
}

/** `.sagemakerignore line 3: … (pattern `[z-a]`); fix or remove that line.` and how many more there are. */
export function describeIgnoreProblems(file: string, problems: readonly IgnorePatternProblem[]): string {
  const first = problems[0];
  if (!first) return `${file} has no unusable lines.`;
  const more =
    problems.length > 1
      ? ` (and ${problems.length - 1} more line${problems.length > 2 ? 's' : ''}: ${problems
          .slice(1, 4)
          .map((p) => p.line)
          .join(', ')}${problems.length > 4 ? ', …' : ''})`
      : '';
  return `${file} line ${first.line}: ${first.message} in the pattern \`${shorten(first.pattern)}\`; fix or remove that line${more}.`;
}

type Token =
  | { kind: 'char'; cp: number }
  | { kind: 'any' }
  | { kind: 'star' }
  | { kind: 'set'; negated: boolean; ranges: ReadonlyArray<readonly [number, number]>; classes: readonly PosixClass[] };

/** A path segment's pattern, or `**`: any number of whole segments. */
type Segment = { kind: 'globstar' } | { kind: 'tokens'; tokens: readonly Token[] };

interface IgnoreRule {
  negated: boolean;
  directoryOnly: boolean;
  segments: readonly Segment[];
}

export class IgnoreRules {
  private constructor(private readonly rules: readonly IgnoreRule[]) {}

  /**
   * The rules of an ignore file's text. Throws `IgnoreFileError` (naming `file`, each bad line and
   * its pattern) when a line cannot be used; `check` lists the same problems without throwing.
   */
  static parse(text: string, file: string = IGNORE_FILE_NAME): IgnoreRules {
    const { rules, problems } = compile(text);
    if (problems.length > 0) throw new IgnoreFileError(file, problems);
    return new IgnoreRules(rules);
  }

  /** Every unusable line of an ignore file's text; empty when `parse` would succeed. */
  static check(text: string): IgnorePatternProblem[] {
    return compile(text).problems;
  }

  static empty(): IgnoreRules {
    return new IgnoreRules([]);
  }

  /** `relativePath` uses `/` and is relative to the source_dir. The last matching rule decides. */
  ignores(relativePath: string, isDirectory: boolean): boolean {
    if (this.rules.length === 0) return false;
    const segments = relativePath
      .split('/')
      .filter((s) => s !== '')
      .map(codePoints);
    let ignored = false;
    for (const rule of this.rules) {
      if (rule.directoryOnly && !isDirectory) continue;
      // Only a rule that would change the answer needs matching.
      if (rule.negated !== ignored) continue;
      if (matchSegments(rule.segments, segments)) ignored = !rule.negated;
    }
    return ignored;
  }

  get size(): number {
    return this.rules.length;
  }
}

function compile(text: string): { rules: IgnoreRule[]; problems: IgnorePatternProblem[] } {
  const rules: IgnoreRule[] = [];
  const problems: IgnorePatternProblem[] = [];
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const parsed = parseRule(rawLine);
    if (parsed === undefined) return;
    if (typeof parsed === 'string') problems.push({ line: index + 1, pattern: rawLine, message: parsed });
    else rules.push(parsed);
  });
  return { rules, problems };
}

/** The rule of one line, undefined for blank and comment lines, or what is wrong with it. */
function parseRule(rawLine: string): IgnoreRule | string | undefined {
  let line = trimTrailingBlanks(rawLine);
  if (line === '' || line.startsWith('#')) return undefined;
  let negated = false;
  if (line.startsWith('!')) {
    negated = true;
    line = line.slice(1);
  } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
    line = line.slice(1);
  }
  let directoryOnly = false;
  let end = line.length;
  while (end > 0 && line[end - 1] === '/') end--;
  if (end < line.length) {
    directoryOnly = true;
    line = line.slice(0, end);
  }
  if (line === '') return undefined;
  const tokens = tokenize(line);
  if (typeof tokens === 'string') return tokens;
  // Split at the slashes outside brackets; a leading or inner slash anchors the pattern at the root.
  const parts: Token[][] = [[]];
  for (const t of tokens) {
    if (t === 'slash') parts.push([]);
    else parts[parts.length - 1]!.push(t);
  }
  const anchored = parts.length > 1;
  const segments: Segment[] = [];
  parts.forEach((part, i) => {
    if (part.length === 0) return; // a leading slash, or `a//b`
    if (part.length === 2 && part[0]!.kind === 'star' && part[1]!.kind === 'star') {
      // `**` as a whole segment: any number of folders; trailing (`dir/**`), everything inside dir but not dir.
      if (i === parts.length - 1 && anchored) segments.push({ kind: 'tokens', tokens: [{ kind: 'star' }] });
      segments.push({ kind: 'globstar' });
      return;
    }
    segments.push({ kind: 'tokens', tokens: collapseStars(part) });
  });
  if (!anchored) segments.unshift({ kind: 'globstar' });
  return { negated, directoryOnly, segments: collapseGlobstars(segments) };
}

/** Trailing blanks are dropped unless escaped with a backslash (a loop: a regular expression here is quadratic on long runs). */
function trimTrailingBlanks(line: string): string {
  let end = line.length;
  while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t') && line[end - 2] !== '\\') end--;
  return line.slice(0, end);
}

/** Other runs of stars are one star (git: "other consecutive asterisks are regular asterisks"). */
function collapseStars(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    if (t.kind === 'star' && out.length > 0 && out[out.length - 1]!.kind === 'star') continue;
    out.push(t);
  }
  return out;
}

function collapseGlobstars(segments: readonly Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    if (s.kind === 'globstar' && out.length > 0 && out[out.length - 1]!.kind === 'globstar') continue;
    out.push(s);
  }
  return out;
}

/** The pattern's tokens, with `'slash'` for a separator outside brackets, or what is wrong. */
function tokenize(pattern: string): Array<Token | 'slash'> | string {
  const cps = codePoints(pattern);
  const out: Array<Token | 'slash'> = [];
  let i = 0;
  while (i < cps.length) {
    const c = cps[i]!;
    if (c === SLASH) {
      out.push('slash');
      i++;
    } else if (c === STAR) {
      // An escaped star is a plain character, so only adjacent unescaped stars form `**`.
      out.push({ kind: 'star' });
      i++;
    } else if (c === QUESTION) {
      out.push({ kind: 'any' });
      i++;
    } else if (c === BACKSLASH) {
      if (i + 1 >= cps.length) return 'a backslash at the end escapes nothing (git never matches such a line; write \\\\ for a backslash)';
      out.push({ kind: 'char', cp: cps[i + 1]! });
      i += 2;
    } else if (c === OPEN) {
      const set = parseBracket(cps, i);
      if (typeof set === 'string') return set;
      out.push(set.token);
      i = set.next;
    } else {
      out.push({ kind: 'char', cp: c });
      i++;
    }
  }
  return out;
}

/** A bracket expression starting at `start` (the `[`): its token and the index after its `]`. */
function parseBracket(cps: readonly number[], start: number): { token: Token; next: number } | string {
  let i = start + 1;
  let negated = false;
  if (cps[i] === BANG || cps[i] === CARET) {
    negated = true;
    i++;
  }
  const ranges: Array<readonly [number, number]> = [];
  const classes: PosixClass[] = [];
  let first = true;
  for (;;) {
    if (i >= cps.length) return '`[` opens a character class that is never closed with `]` (write \\[ for a literal bracket)';
    let c = cps[i]!;
    if (c === CLOSE && !first) return { token: { kind: 'set', negated, ranges, classes }, next: i + 1 };
    first = false;
    if (c === OPEN && cps[i + 1] === COLON) {
      const end = findPosixEnd(cps, i + 2);
      if (end >= 0) {
        const name = String.fromCodePoint(...cps.slice(i + 2, end));
        if (!isPosixClass(name)) return `[:${name}:] is not a character class (use one of ${POSIX_CLASSES.join(', ')})`;
        classes.push(name);
        i = end + 2;
        continue;
      }
    }
    if (c === BACKSLASH) {
      if (i + 1 >= cps.length) return '`[` opens a character class that is never closed with `]` (write \\[ for a literal bracket)';
      i++;
      c = cps[i]!;
    }
    let low = c;
    let high = c;
    i++;
    if (cps[i] === DASH && i + 1 < cps.length && cps[i + 1] !== CLOSE) {
      i++;
      let h = cps[i]!;
      if (h === BACKSLASH) {
        if (i + 1 >= cps.length) return '`[` opens a character class that is never closed with `]` (write \\[ for a literal bracket)';
        i++;
        h = cps[i]!;
      }
      high = h;
      i++;
      if (high < low) {
        const a = String.fromCodePoint(low);
        const b = String.fromCodePoint(high);
        return `the range ${a}-${b} runs backwards, so it matches nothing (did you mean ${b}-${a}?)`;
      }
      low = Math.min(low, high);
    }
    ranges.push([low, high]);
  }
}

function findPosixEnd(cps: readonly number[], from: number): number {
  for (let j = from; j + 1 < cps.length; j++) {
    if (cps[j] === COLON && cps[j + 1] === CLOSE) return j;
    if (!((cps[j]! >= 0x61 && cps[j]! <= 0x7a) || (cps[j]! >= 0x41 && cps[j]! <= 0x5a))) return -1;
  }
  return -1;
}

const POSIX_CLASSES = ['alnum', 'alpha', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'xdigit'] as const;
type PosixClass = (typeof POSIX_CLASSES)[number];

function isPosixClass(name: string): name is PosixClass {
  return (POSIX_CLASSES as readonly string[]).includes(name);
}

/** The POSIX classes over ASCII, as git's wildmatch (sane-ctype) defines them. */
function inPosixClass(name: PosixClass, cp: number): boolean {
  const digit = cp >= 0x30 && cp <= 0x39;
  const upper = cp >= 0x41 && cp <= 0x5a;
  const lower = cp >= 0x61 && cp <= 0x7a;
  const printable = cp >= 0x20 && cp <= 0x7e;
  switch (name) {
    case 'alnum':
      return digit || upper || lower;
    case 'alpha':
      return upper || lower;
    case 'blank':
      return cp === 0x20 || cp === 0x09;
    case 'cntrl':
      return cp < 0x20 || cp === 0x7f;
    case 'digit':
      return digit;
    case 'graph':
      return printable && cp !== 0x20;
    case 'lower':
      return lower;
    case 'print':
      return printable;
    case 'punct':
      return printable && cp !== 0x20 && !digit && !upper && !lower;
    case 'space':
      return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d);
    case 'upper':
      return upper;
    case 'xdigit':
      return digit || (cp >= 0x41 && cp <= 0x46) || (cp >= 0x61 && cp <= 0x66);
  }
}

function tokenMatches(token: Token, cp: number): boolean {
  switch (token.kind) {
    case 'char':
      return token.cp === cp;
    case 'any':
      return true;
    case 'star':
      return false;
    case 'set': {
      const inSet = token.ranges.some(([lo, hi]) => cp >= lo && cp <= hi) || token.classes.some((c) => inPosixClass(c, cp));
      return inSet !== token.negated;
    }
  }
}

/**
 * Whether `items` matches `pattern`, where pattern elements that are stars match any run of items
 * (none included) and every other element matches exactly one item. On a mismatch only the last
 * star seen takes one more item: earlier stars never need to, since whatever a longer run of an
 * earlier star would allow, the later star can absorb. At most length(items) × length(pattern) steps.
 */
function wildcardMatch<P, I>(pattern: readonly P[], items: readonly I[], isStar: (p: P) => boolean, matches: (p: P, item: I) => boolean): boolean {
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < items.length) {
    if (p < pattern.length && isStar(pattern[p]!)) {
      starP = p;
      starI = i;
      p++;
    } else if (p < pattern.length && matches(pattern[p]!, items[i]!)) {
      p++;
      i++;
    } else if (starP >= 0) {
      p = starP + 1;
      starI++;
      i = starI;
    } else {
      return false;
    }
  }
  while (p < pattern.length && isStar(pattern[p]!)) p++;
  return p === pattern.length;
}

function matchSegments(pattern: readonly Segment[], path: readonly (readonly number[])[]): boolean {
  return wildcardMatch(
    pattern,
    path,
    (s) => s.kind === 'globstar',
    (s, segment) => s.kind === 'tokens' && wildcardMatch(s.tokens, segment, (t) => t.kind === 'star', tokenMatches),
  );
}

function codePoints(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) out.push(ch.codePointAt(0)!);
  return out;
}

function shorten(pattern: string): string {
  return pattern.length > 120 ? `${pattern.slice(0, 117)}…` : pattern;
}

const SLASH = 0x2f;
const STAR = 0x2a;
const QUESTION = 0x3f;
const BACKSLASH = 0x5c;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const BANG = 0x21;
const CARET = 0x5e;
const DASH = 0x2d;
const COLON = 0x3a;
