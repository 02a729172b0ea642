// `.sagemakerignore`: gitignore's syntax, checked against git itself (`git check-ignore` on the same
// files and folders), errors that name the file, the line and the pattern, and matching whose time
// does not explode on patterns that make a backtracking regular expression run for seconds.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { describeIgnoreProblems, IgnoreFileError, IgnoreRules } from '../../src/core/sagemakerIgnore';

/** The files and folders every rule set is tried on (folders end with `/`). */
const TREE = [
  'train.py',
  'train.log',
  'logs/',
  'logs/deep/',
  'logs/deep/run.log',
  'build/',
  'build/out.bin',
  'src/',
  'src/build/',
  'src/build/x.o',
  'src/main.c',
  'src/main.h',
  'src/main.py',
  'cache/',
  'cache/a',
  'src/cache/',
  'src/cache/b',
  'docs/',
  'docs/a.png',
  'docs/img/',
  'docs/img/a.png',
  'docs/keep/',
  'docs/keep/a.png',
  'x/',
  'x/y/',
  'x/y/tmp/',
  'x/y/tmp/f',
  'abc',
  'abbc',
  'a*b',
  'axb',
  '7.bin',
  'x.bin',
  '#hash',
  '!bang',
  'dx',
  'ax',
  '5d',
  'Ed',
  'foo/',
  'foo/bar/',
  'foo/bar/baz',
  'foo/qux/',
  'foo/qux/bar/',
  'foo/qux/bar/baz',
  'xyz',
  'x12y34z',
  'xzy',
  'dir/',
  'dir/one/',
  'dir/one/file',
  'dir/file',
  'dir/one/two/',
  'dir/one/two/file',
  'sp ace',
  'trailing',
  'data-2024.csv',
];

/** Rule files, each tried alone and then all together. */
const RULE_SETS: string[][] = [
  ['*.log'],
  ['/build'],
  ['build/'],
  ['cache/'],
  ['docs/**/*.png'],
  ['*.png', '!docs/keep/**'],
  ['**/tmp'],
  ['a?c'],
  ['[0-9]*.bin'],
  ['[!a-c]x'],
  ['[^a-c]x'],
  ['[[:digit:]]d', '[[:upper:]]d'],
  ['\\#hash', '\\!bang'],
  ['foo/**'],
  ['foo/**/baz'],
  ['**/bar/baz'],
  ['x*y*z'],
  ['*.[ch]'],
  ['a\\*b'],
  ['dir/*/file'],
  ['dir/**/file', '!dir/one/two/'],
  ['sp\\ ace', 'trailing   '],
  ['data-[0-9][0-9][0-9][0-9].csv'],
  ['**'],
  ['/*', '!/src', '!/src/**'],
];

const work = mkdtempSync(path.join(os.tmpdir(), 'ignore-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** git's verdict for every TREE path under `rules`: ignored (a rule or an ignored parent folder) or not. */
function gitVerdicts(rules: readonly string[]): Map<string, boolean> {
  const repo = mkdtempSync(path.join(work, 'repo-'));
  execFileSync('git', ['init', '--quiet', repo]);
  for (const entry of TREE) {
    const abs = path.join(repo, entry);
    if (entry.endsWith('/')) mkdirSync(abs, { recursive: true });
    else writeFileSync(abs, '');
  }
  writeFileSync(path.join(repo, '.gitignore'), `${rules.join('\n')}\n`);
  const paths = TREE.map((e) => e.replace(/\/$/, ''));
  const out = execFileSync('git', ['-c', 'core.quotePath=false', 'check-ignore', '--no-index', '--stdin', '-z', '-v', '-n'], {
    cwd: repo,
    input: paths.join('\0') + '\0',
  }).toString('utf8');
  const fields = out.split('\0');
  const verdicts = new Map<string, boolean>();
  for (let i = 0; i + 3 < fields.length; i += 4) {
    const pattern = fields[i + 2]!;
    verdicts.set(fields[i + 3]!, pattern !== '' && !pattern.startsWith('!'));
  }
  return verdicts;
}

/** Ours, the way the source walker applies it: an ignored folder is not entered. */
function ourVerdicts(rules: IgnoreRules): Map<string, boolean> {
  const verdicts = new Map<string, boolean>();
  for (const entry of TREE) {
    const p = entry.replace(/\/$/, '');
    const parts = p.split('/');
    let ignored = false;
    for (let depth = 1; depth <= parts.length && !ignored; depth++) {
      const prefix = parts.slice(0, depth).join('/');
      const isDirectory = depth < parts.length || entry.endsWith('/');
      ignored = rules.ignores(prefix, isDirectory);
    }
    verdicts.set(p, ignored);
  }
  return verdicts;
}

describe('.sagemakerignore matches what git ignores', () => {
  for (const rules of [...RULE_SETS, RULE_SETS.flat().filter((r) => r !== '**')]) {
    it(rules.length > 6 ? `all rules together (${rules.length})` : rules.join('  ⏎  '), () => {
      const git = gitVerdicts(rules);
      assert.equal(git.size, TREE.length, 'git answered for every path');
      assert.deepEqual(Object.fromEntries(ourVerdicts(IgnoreRules.parse(rules.join('\n')))), Object.fromEntries(git));
    });
  }
});

describe('.sagemakerignore lines that cannot work', () => {
  const parse = (text: string) => {
    try {
      IgnoreRules.parse(text, '/project/src/.sagemakerignore');
    } catch (err) {
      return err;
    }
    return assert.fail('expected an IgnoreFileError');
  };

  it('a backwards range names the file, the line and the pattern, and says which way round it goes', () => {
    const err = parse('# comment\n*.pyc\n[z-a]\n');
    assert.ok(err instanceof IgnoreFileError);
    assert.equal(err.file, '/project/src/.sagemakerignore');
    assert.deepEqual(
      err.problems.map((p) => [p.line, p.pattern]),
      [[3, '[z-a]']],
    );
    assert.match(err.message, /^\/project\/src\/\.sagemakerignore line 3: the range z-a runs backwards.*did you mean a-z\?.*`\[z-a\]`.*fix or remove that line/);
  });

  it('an unclosed bracket, a trailing backslash and an unknown class are each reported, all of them', () => {
    const problems = IgnoreRules.check('ok.txt\n[abc\nend\\\n[[:nope:]]x\n!\\');
    assert.deepEqual(
      problems.map((p) => p.line),
      [2, 3, 4, 5],
    );
    assert.match(problems[0]!.message, /never closed/);
    assert.match(problems[1]!.message, /backslash at the end/);
    assert.match(problems[2]!.message, /\[:nope:\] is not a character class/);
    const err = parse('ok.txt\n[abc\nend\\\n[[:nope:]]x\n!\\');
    assert.ok(err instanceof IgnoreFileError);
    assert.match(err.message, /line 2: .*\(and 3 more lines: 3, 4, 5\)\.$/);
  });

  it('accepts what git accepts: `]` first in a class, an escaped `]`, a dash at either end, `[!]]`', () => {
    const rules = IgnoreRules.parse('[]a]1\n[a\\]]2\n[-z]3\n[a-]4\n[!]]5');
    for (const [p, ignored] of [
      ['a1', true],
      [']1', true],
      [']2', true],
      ['-3', true],
      ['-4', true],
      ['x5', true],
      [']5', false],
      ['b1', false],
    ] as const) {
      assert.equal(rules.ignores(p, false), ignored, p);
    }
    assert.deepEqual(IgnoreRules.check('[]a]1\n[a\\]]2\n[-z]3\n[a-]4\n[!]]5'), []);
  });
});

describe('.sagemakerignore matching time', () => {
  // The regular expressions these compiled to before took 8 s (the first) and 2 s (the last) on these
  // paths, and grew exponentially with a few more characters or segments: with the paths below, four to
  // ten times longer than those, they would not end in any lifetime. The matcher now takes at most
  // (path length × pattern length) steps, milliseconds here. No elapsed time is asserted (a loaded
  // machine may take any time); a return to backtracking shows as the test's timeout instead.
  const timeout = 120_000;
  const cases: Array<[string, string]> = [
    ['*a*a*a*a*a*a*a*a*b', 'a'.repeat(50_000)],
    ['**/a*/**/a*/**/a*/**/a*/**/a*/**/b', Array(20_000).fill('a').join('/')],
    ['a/**/**/**/**/**/**/**/**/b', `a/${Array(20_000).fill('x').join('/')}`],
    [`${'?'.repeat(300)}*${'[a-z]'.repeat(300)}x`, 'q'.repeat(20_000)],
  ];
  for (const [pattern, p] of cases) {
    it(`\`${pattern.length > 40 ? `${pattern.slice(0, 40)}…` : pattern}\` against a ${p.length}-character path ends (no backtracking)`, { timeout }, () => {
      const rules = IgnoreRules.parse(pattern);
      assert.equal(rules.ignores(p, false), false);
    });
  }

  // Trimming trailing blanks and slashes with regular expressions took 22 s and 13 s on these lines;
  // quadratic in the line's length, so 1,000,000 would take over half an hour.
  it('lines of 1,000,000 blanks or slashes are read (no quadratic trimming)', { timeout }, () => {
    const rules = IgnoreRules.parse(`${' '.repeat(1_000_000)}x\n${'/'.repeat(1_000_000)}y${'/'.repeat(10)}`);
    assert.equal(rules.size, 2);
  });
});

describe('.sagemakerignore error messages, word for word', () => {
  const problem = (line: number, pattern = 'p') => ({ line, pattern, message: 'bad' });

  it('names the default file, the error class, and counts the other bad lines (one, two, four, more)', () => {
    assert.throws(
      () => IgnoreRules.parse('[z-a]'),
      (err: unknown) =>
        err instanceof IgnoreFileError &&
        err.name === 'IgnoreFileError' &&
        err.file === '.sagemakerignore' &&
        err.message === '.sagemakerignore line 1: the range z-a runs backwards, so it matches nothing (did you mean a-z?) in the pattern `[z-a]`; fix or remove that line.',
    );
    assert.equal(describeIgnoreProblems('f', []), 'f has no unusable lines.');
    assert.equal(describeIgnoreProblems('f', [problem(2)]), 'f line 2: bad in the pattern `p`; fix or remove that line.');
    assert.equal(describeIgnoreProblems('f', [problem(2), problem(5)]), 'f line 2: bad in the pattern `p`; fix or remove that line (and 1 more line: 5).');
    assert.equal(
      describeIgnoreProblems('f', [problem(2), problem(5), problem(6), problem(7)]),
      'f line 2: bad in the pattern `p`; fix or remove that line (and 3 more lines: 5, 6, 7).',
    );
    assert.equal(
      describeIgnoreProblems('f', [problem(2), problem(5), problem(6), problem(7), problem(9)]),
      'f line 2: bad in the pattern `p`; fix or remove that line (and 4 more lines: 5, 6, 7, …).',
    );
  });

  it('a pattern longer than 120 characters is shown cut to 117 and an ellipsis', () => {
    const long = 'a'.repeat(117) + 'bcde';
    assert.equal(describeIgnoreProblems('f', [problem(1, long)]), `f line 1: bad in the pattern \`${'a'.repeat(117)}…\`; fix or remove that line.`);
    const exact = 'a'.repeat(120);
    assert.equal(describeIgnoreProblems('f', [problem(1, exact)]), `f line 1: bad in the pattern \`${exact}\`; fix or remove that line.`);
  });

  it('a backslash at the end of a class is an unclosed class, also after a dash', () => {
    const unclosed = '`[` opens a character class that is never closed with `]` (write \\[ for a literal bracket)';
    assert.deepEqual(IgnoreRules.check('[a\\\n[a-\\\n[a'), [
      { line: 1, pattern: '[a\\', message: unclosed },
      { line: 2, pattern: '[a-\\', message: unclosed },
      { line: 3, pattern: '[a', message: unclosed },
    ]);
    // An escaped bound of a range is the character itself.
    const rules = IgnoreRules.parse('[a-\\c]x');
    assert.equal(rules.ignores('bx', false), true);
    assert.equal(rules.ignores('dx', false), false);
  });
});

describe('.sagemakerignore rules, beyond the git comparison', () => {
  it('empty rules ignore nothing', () => {
    const rules = IgnoreRules.empty();
    assert.equal(rules.size, 0);
    assert.equal(rules.ignores('a', false), false);
    assert.equal(rules.ignores('a', true), false);
  });

  it('a folder-only rule skips files; the last matching rule decides, both ways', () => {
    const rules = IgnoreRules.parse('out/\n*.log\n!keep.log\nkeep.log');
    assert.equal(rules.ignores('out', true), true);
    assert.equal(rules.ignores('out', false), false);
    assert.equal(rules.ignores('a.log', false), true);
    assert.equal(rules.ignores('keep.log', false), true);
    const back = IgnoreRules.parse('*.log\n!keep.log');
    assert.equal(back.ignores('keep.log', false), false);
    assert.equal(back.ignores('sub/keep.log', false), false);
  });

  it('empty segments of a path (a leading, doubled or trailing slash) are skipped', () => {
    const rules = IgnoreRules.parse('/a/b');
    assert.equal(rules.ignores('/a//b/', true), true);
    assert.equal(rules.ignores('a/b', false), true);
  });

  it('comments, blank lines and escapes: `#` only at the start, `\\#`, `\\!`, an escaped trailing blank', () => {
    const rules = IgnoreRules.parse('# c\n\n   \na#\n\\#x\n\\!y\nz\\ \n!\\!w');
    assert.equal(rules.size, 5);
    assert.equal(rules.ignores('a#', false), true);
    assert.equal(rules.ignores('#x', false), true);
    assert.equal(rules.ignores('\\#x', false), false);
    assert.equal(rules.ignores('!y', false), true);
    assert.equal(rules.ignores('z ', false), true);
    assert.equal(rules.ignores('z', false), false);
    assert.equal(IgnoreRules.parse('x#').ignores('x#', false), true);
    assert.equal(IgnoreRules.parse('/\n!/\n#\n').size, 0);
    assert.equal(IgnoreRules.parse('*\\!').ignores('a!', false), true);
    assert.equal(IgnoreRules.parse('a\\#').ignores('a#', false), true);
  });

  it('`**` is special only as a whole segment; other star runs are one star', () => {
    const rules = IgnoreRules.parse('a**b/c');
    assert.equal(rules.ignores('axyb/c', false), true);
    assert.equal(rules.ignores('a/x/b/c', false), false);
    assert.equal(IgnoreRules.parse('x*/y').ignores('x/q/y', false), false);
    assert.equal(IgnoreRules.parse('*x/y').ignores('q/r/x/y', false), false);
  });

  it('each POSIX class accepts and rejects the ASCII characters git says it does', () => {
    const all = Array.from({ length: 0x80 }, (_, cp) => cp);
    const expected: Record<string, (cp: number) => boolean> = {
      alnum: (cp) => /[0-9A-Za-z]/.test(String.fromCharCode(cp)),
      alpha: (cp) => /[A-Za-z]/.test(String.fromCharCode(cp)),
      blank: (cp) => cp === 0x20 || cp === 0x09,
      cntrl: (cp) => cp < 0x20 || cp === 0x7f,
      digit: (cp) => cp >= 0x30 && cp <= 0x39,
      graph: (cp) => cp > 0x20 && cp < 0x7f,
      lower: (cp) => cp >= 0x61 && cp <= 0x7a,
      print: (cp) => cp >= 0x20 && cp < 0x7f,
      punct: (cp) => cp > 0x20 && cp < 0x7f && !/[0-9A-Za-z]/.test(String.fromCharCode(cp)),
      space: (cp) => cp === 0x20 || (cp >= 0x09 && cp <= 0x0d),
      upper: (cp) => cp >= 0x41 && cp <= 0x5a,
      xdigit: (cp) => /[0-9A-Fa-f]/.test(String.fromCharCode(cp)),
    };
    for (const [name, want] of Object.entries(expected)) {
      const rules = IgnoreRules.parse(`x[[:${name}:]]`);
      const got = all.filter((cp) => cp !== 0x2f && rules.ignores(`x${String.fromCharCode(cp)}`, false));
      assert.deepEqual(
        got,
        all.filter((cp) => cp !== 0x2f && want(cp)),
        name,
      );
    }
  });

  it('a `[:` that is not a class name is plain characters of the set', () => {
    const rules = IgnoreRules.parse('x[[:a1:]]');
    assert.equal(rules.ignores('x:]', false), true);
    assert.equal(rules.ignores('x1]', false), true);
    assert.equal(IgnoreRules.check('x[[:Zq:]]')[0]!.message.startsWith('[:Zq:] is not a character class'), true);
    assert.equal(IgnoreRules.check('x[[:a@:]]').length, 0);
    assert.equal(IgnoreRules.check('x[[:a_:]]').length, 0);
    assert.equal(IgnoreRules.check('x[[:A:]]')[0]!.message.startsWith('[:A:] is not a character class'), true);
    assert.equal(IgnoreRules.check('[[:ab')[0]!.message.startsWith('`[` opens a character class that is never closed'), true);
  });
});
