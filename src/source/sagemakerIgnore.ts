/**
 * `.sagemakerignore`: which files of a source_dir stay home. The syntax is .gitignore's, because
 * that is the syntax users already know: `#` comments, `!` to re-include, a trailing `/` for
 * folders only, a leading or inner `/` to anchor at the source_dir, `*`, `?`, `[a-z]` and `**`.
 * As in git, a file inside an excluded folder cannot be re-included (the folder is not walked).
 *
 * The SageMaker SDK itself has no ignore file (it tars every entry of source_dir); this is ours.
 */

export const IGNORE_FILE_NAME = '.sagemakerignore';

interface IgnoreRule {
  negated: boolean;
  directoryOnly: boolean;
  regex: RegExp;
  source: string;
}

export class IgnoreRules {
  private constructor(private readonly rules: readonly IgnoreRule[]) {}

  static parse(text: string): IgnoreRules {
    const rules: IgnoreRule[] = [];
    for (const rawLine of text.split(/\r?\n/)) {
      const rule = parseRule(rawLine);
      if (rule) rules.push(rule);
    }
    return new IgnoreRules(rules);
  }

  static empty(): IgnoreRules {
    return new IgnoreRules([]);
  }

  /** `relativePath` uses `/` and is relative to the source_dir. The last matching rule decides. */
  ignores(relativePath: string, isDirectory: boolean): boolean {
    let ignored = false;
    for (const rule of this.rules) {
      if (rule.directoryOnly && !isDirectory) continue;
      if (rule.regex.test(relativePath)) ignored = !rule.negated;
    }
    return ignored;
  }

  get size(): number {
    return this.rules.length;
  }
}

function parseRule(rawLine: string): IgnoreRule | undefined {
  // Trailing blanks are dropped unless escaped with a backslash.
  let line = rawLine.replace(/(?<!\\)[ \t]+$/, '');
  if (line === '' || line.startsWith('#')) return undefined;
  let negated = false;
  if (line.startsWith('!')) {
    negated = true;
    line = line.slice(1);
  } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
    line = line.slice(1);
  }
  let directoryOnly = false;
  if (line.endsWith('/')) {
    directoryOnly = true;
    line = line.replace(/\/+$/, '');
  }
  if (line === '') return undefined;
  const anchored = line.includes('/');
  if (line.startsWith('/')) line = line.slice(1);
  const body = globToRegex(line);
  const regex = new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`);
  return { negated, directoryOnly, regex, source: rawLine };
}

function globToRegex(glob: string): string {
  let out = '';
  let i = 0;
  while (i < glob.length) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const atEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atStart && atEnd) {
          if (i + 2 === glob.length) {
            out += '.*'; // "dir/**": everything inside
            i += 2;
          } else {
            out += '(?:.*/)?'; // "**/x" or "a/**/b": zero or more folders
            i += 3;
          }
          continue;
        }
      }
      out += '[^/]*';
      while (glob[i] === '*') i++;
      continue;
    }
    if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
      } else {
        let set = glob.slice(i + 1, close);
        if (set.startsWith('!')) set = `^${set.slice(1)}`;
        out += `[${set.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      i++;
      out += escapeRegex(glob[i]!);
    } else {
      out += escapeRegex(c);
    }
    i++;
  }
  return out;
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}
