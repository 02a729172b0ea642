/** A position as LSP and VS Code count it: 0-based line, 0-based UTF-16 character. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

/** One thing wrong (or worth knowing) about a job file, anchored to the exact text it is about. */
export interface Problem {
  severity: Severity;
  message: string;
  /** Dotted path of the offending key or value, e.g. `distribution.smdistributed.dataparallel.enabled`; '' for the file. */
  path: string;
  range: Range;
  /** Stable identifier of the check, for code actions and tests. */
  code: string;
  /**
   * Replacements that resolve the problem, when the check knows them (the key or value a typo most
   * likely meant, a version quoted as written): the editor offers each as a quick fix.
   */
  fixes?: readonly ProblemFix[];
}

/** One way to resolve a problem: replace the text at `range` with `newText`. */
export interface ProblemFix {
  /** What the fix does, as the quick-fix menu shows it, e.g. `Quote it: "1.10"`. */
  title: string;
  range: Range;
  newText: string;
}

/** Maps string offsets (UTF-16 code units, as JavaScript and the `yaml` package count them) to positions. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) this.lineStarts.push(i + 1);
      else if (c === 13 /* \r */ && text.charCodeAt(i + 1) !== 10) this.lineStarts.push(i + 1);
    }
  }

  /** The position of an offset; an offset inside a line break (between \r and \n) counts as the end of its line. */
  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: Math.min(clamped, this.lineEnd(lo)) - this.lineStarts[lo]! };
  }

  /** Offset just past the last character of `line`, before its line break. */
  lineEnd(line: number): number {
    const next = this.lineStarts[line + 1];
    if (next === undefined) return this.text.length;
    return this.text.charCodeAt(next - 1) === 10 && this.text.charCodeAt(next - 2) === 13 ? next - 2 : next - 1;
  }

  offsetAt(position: Position): number {
    const start = this.lineStarts[Math.max(0, Math.min(position.line, this.lineStarts.length - 1))]!;
    return Math.min(start + position.character, this.text.length);
  }

  rangeOf(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(Math.max(start, end)) };
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }
}

export function formatPath(path: ReadonlyArray<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
