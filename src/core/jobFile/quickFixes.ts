import type { Problem, ProblemFix, Range } from './problem';
import type { WrittenScalar } from './jobDocument';

/** Plain YAML text that reads back as the same string: a word, dotted or dashed, that no YAML 1.2 core type claims. */
const PLAIN_WORD = /^[A-Za-z_][\w.-]*$/;
const CORE_KEYWORDS = /^(true|True|TRUE|false|False|FALSE|null|Null|NULL)$/;

/**
 * A YAML scalar that reads back as `value`, quoted as `written` was where it was quoted: a typo
 * in `"ml.g5.2xlage"` is fixed to `"ml.g5.2xlarge"`, in plain `py31` to plain `py312`. Text plain
 * YAML would read as something else (`true`, `1.10`, `a: b`) is double-quoted.
 */
export function scalarText(value: string | number, written: string): string {
  if (typeof value === 'number') return String(value);
  if (written.startsWith("'")) return `'${value.replace(/'/g, "''")}'`;
  if (written.startsWith('"') || !PLAIN_WORD.test(value) || CORE_KEYWORDS.test(value)) return JSON.stringify(value);
  return value;
}

/** Replace a written scalar by `value` (a string or number as the schema has it). */
export function replaceScalar(scalar: WrittenScalar | undefined, value: string | number, title: string): ProblemFix[] {
  return scalar ? [{ title, range: scalar.range, newText: scalarText(value, scalar.source) }] : [];
}

/** Quote a scalar as written (`1.10` becomes `"1.10"`, never the parsed 1.1): what YAML would otherwise read as a number. */
export function quoteAsWritten(scalar: WrittenScalar | undefined): ProblemFix[] {
  if (!scalar || /^['"]/.test(scalar.source)) return [];
  const quoted = JSON.stringify(scalar.source);
  return [{ title: `Quote it: ${quoted}`, range: scalar.range, newText: quoted }];
}

/** A quick fix as an editor offers it: preferred (applied by "auto fix") only when it is the problem's one fix. */
export interface QuickFix {
  problem: Problem;
  fix: ProblemFix;
  isPreferred: boolean;
}

/** The quick fixes of `problems`, each problem's fixes in the order the check gave them. */
export function quickFixes(problems: readonly Problem[]): QuickFix[] {
  return problems.flatMap((problem) => (problem.fixes ?? []).map((fix) => ({ problem, fix, isPreferred: problem.fixes!.length === 1 })));
}

/** What an editor's diagnostic keeps of a problem: enough to find the problem again. */
export interface ProblemKey {
  code: string;
  message: string;
  range: Range;
}

/** Whether a diagnostic shows this problem (same check, same words, same place). */
export function isSameProblem(key: ProblemKey, problem: Problem): boolean {
  const a = key.range;
  const b = problem.range;
  return (
    key.code === problem.code &&
    key.message === problem.message &&
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}
