// Fuzzing the job-file validator, completion and hover with mutants of every job file we ship
// (test/fixtures/jobFiles, test/fixtures/requests and examples/): byte, line and token mutations,
// deletions, duplications, anchors, aliases and merge keys, huge values, control characters, deep
// nesting. Whatever a file holds, the validator must answer with problems whose ranges lie inside
// the document, and completion and hover must answer at any position, without an exception.
//
// Deterministic: the seed is printed and FUZZ_SEED=<n> replays a run (FUZZ_MUTANTS=<n> changes how
// many mutants are made). A failure names the seed, the mutant's number and its mutations.
// FUZZ_PROFILE=1 lists the slowest mutants (a report only: no time is asserted).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { completionsFor, hoverFor } from '../../src/core/jobFile/assist';
import type { Position, Range } from '../../src/core/jobFile/problem';
import { validateJobFile } from '../../src/core/jobFile/validateJobFile';
import { jobFileContext } from '../../src/source/jobFileOnDisk';
import { REPO_ROOT } from './repoRoot';

const DEFAULT_SEED = 20240614;
const SEED = process.env['FUZZ_SEED'] ? Number(process.env['FUZZ_SEED']) >>> 0 : DEFAULT_SEED;
const MUTANTS = process.env['FUZZ_MUTANTS'] ? Number(process.env['FUZZ_MUTANTS']) : 2000;
/** Completion and hover requests per mutant, at random positions. */
const ASSIST_PROBES = 3;
const PROFILE = process.env['FUZZ_PROFILE'] === '1';

/** mulberry32: a small, fast, seedable generator; the same seed gives the same mutants everywhere. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof generator>;

function seedFiles(): Array<{ name: string; file: string; text: string }> {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const abs = path.join(dir, entry);
      if (statSync(abs).isDirectory()) walk(abs);
      else if (entry.endsWith('.sagemaker.yaml')) found.push(abs);
    }
  };
  walk(path.join(REPO_ROOT, 'test/fixtures/jobFiles'));
  walk(path.join(REPO_ROOT, 'test/fixtures/requests')); // the request builder's cases: every kind of hyperparameter
  walk(path.join(REPO_ROOT, 'examples'));
  return found.sort().map((file) => ({ name: path.relative(REPO_ROOT, file), file, text: readFileSync(file, 'utf8') }));
}

const SPECIAL_CHARS = [
  ':',
  '-',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&',
  '*',
  '!',
  '|',
  '>',
  "'",
  '"',
  '#',
  '%',
  '@',
  '`',
  '?',
  ' ',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '\0',
  '\x1b',
  '\u2028',
  '\uFEFF',
  '\uD83E\uDD17',
  '\uD800',
  '\\',
  '$',
  ';',
  '<<',
  '---',
  '...',
];
const VALUES = [
  '.inf',
  '-.inf',
  '.nan',
  '.NaN',
  '1e400',
  '-1e400',
  '1e-400',
  '~',
  'null',
  'true',
  'yes',
  'off',
  '0x1F',
  '0o17',
  '1_000',
  '007',
  '"\\0"',
  '"a\\0b"',
  "''",
  '""',
  '[]',
  '{}',
  '[1, [2, [3]]]',
  '{a: {b: {c: 1}}}',
  '!!binary AAAA',
  '!!str 1',
  '!!int x',
  '!custom v',
  '|\n  block',
  '>-\n  folded',
  '"$HOME; rm -rf /"',
  "'it''s'",
  '2024-01-01',
  '-',
  '? x',
  '*nowhere',
  '&',
  '*',
  '<<',
  'ml.p3dn.24xlarg',
  'arn:aws:sts::123456789012:assumed-role/x',
  's3://',
  'file:///etc',
  '${env:X}',
];
const KEYS = [
  '<<',
  'my key',
  'a$b',
  '"a\\0b"',
  '""',
  '"x y"',
  '? [a]',
  '? {a: 1}',
  '__proto__',
  'constructor',
  'sagemaker_x',
  'hf_token',
  '1',
  '0x1',
  'true',
  '~',
  'instanceType',
  'hyperparameter',
  'entry_point',
];

/** One mutation: its name (for the failure report) and the mutated text. */
type Mutation = (text: string, rng: Rng) => [string, string];

const mutations: Mutation[] = [
  (t, r) => {
    const i = r.int(t.length + 1);
    return ['replace char', t.slice(0, i) + r.pick(SPECIAL_CHARS) + t.slice(i + 1)];
  },
  (t, r) => {
    const i = r.int(t.length + 1);
    const s = Array.from({ length: 1 + r.int(4) }, () => r.pick(SPECIAL_CHARS)).join('');
    return ['insert chars', t.slice(0, i) + s + t.slice(i)];
  },
  (t, r) => {
    const i = r.int(t.length + 1);
    return ['delete range', t.slice(0, i) + t.slice(i + 1 + r.int(r.chance(0.2) ? 400 : 20))];
  },
  (t, r) => {
    const i = r.int(t.length + 1);
    const len = 1 + r.int(200);
    const copies = r.chance(0.1) ? 50 + r.int(500) : 1 + r.int(3);
    return ['duplicate range', t.slice(0, i) + t.slice(i, i + len).repeat(copies) + t.slice(i)];
  },
  (t, r) => {
    const lines = t.split('\n');
    const i = r.int(lines.length);
    const copies = r.chance(0.1) ? 100 + r.int(1000) : 1 + r.int(3);
    lines.splice(i, 0, ...Array.from({ length: copies }, () => lines[i]!));
    return ['duplicate line', lines.join('\n')];
  },
  (t, r) => {
    const lines = t.split('\n');
    const i = r.int(lines.length);
    const j = r.int(lines.length);
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    return ['swap lines', lines.join('\n')];
  },
  (t, r) => {
    const lines = t.split('\n');
    const i = r.int(lines.length);
    lines.splice(i, 1 + r.int(3));
    return ['delete lines', lines.join('\n')];
  },
  (t, r) => {
    const lines = t.split('\n');
    const i = r.int(lines.length);
    lines[i] = r.chance(0.5) ? ' '.repeat(1 + r.int(6)) + lines[i] : lines[i]!.replace(/^\s{1,4}/, '');
    return ['reindent line', lines.join('\n')];
  },
  (t, r) => {
    // A value replaced by one of the values YAML and JSON disagree about, or that the checks single out.
    const spans = [...t.matchAll(/: +([^\n#]+)/g)];
    if (spans.length === 0) return ['no value to replace', t];
    const m = r.pick(spans);
    const at = m.index! + m[0].length - m[1]!.length;
    return ['replace value', t.slice(0, at) + r.pick(VALUES) + t.slice(at + m[1]!.length)];
  },
  (t, r) => {
    // A key replaced by a hostile or tricky one.
    const keys = [...t.matchAll(/^( *)([A-Za-z_][\w.-]*):/gm)];
    if (keys.length === 0) return ['no key to replace', t];
    const m = r.pick(keys);
    const at = m.index! + m[1]!.length;
    return ['replace key', t.slice(0, at) + r.pick(KEYS) + t.slice(at + m[2]!.length)];
  },
  (t, r) => {
    // Anchors on some values, aliases on others: before, after, inside their anchor, unknown, differently cased.
    const spans = [...t.matchAll(/: +([^\n#]+)|^( *- )/gm)];
    if (spans.length < 2) return ['no values for aliases', t];
    let out = t;
    const names = ['a', 'b', 'lr', 'Lr'];
    for (let k = 0; k < 1 + r.int(4); k++) {
      const m = r.pick([...out.matchAll(/: +([^\n#]+)|^( *- )/gm)]);
      const at = m.index! + m[0].length - (m[1]?.length ?? 0);
      const name = r.pick(names);
      out = r.chance(0.5) ? `${out.slice(0, at)}&${name} ${out.slice(at)}` : `${out.slice(0, at)}*${name}${r.chance(0.5) ? '' : ' '}${out.slice(at + (m[1]?.length ?? 0))}`;
    }
    return ['anchors and aliases', out];
  },
  (t, r) => {
    // A merge key into a mapping: of an anchor set above, below, nowhere, or of something not a mapping.
    const maps = [...t.matchAll(/^( *)([A-Za-z_][\w.-]*):\s*\n(\1 +)/gm)];
    if (maps.length === 0) return ['no mapping to merge into', t];
    const m = r.pick(maps);
    const anchorAt = t.indexOf('\n', m.index!) + 1;
    const withAnchor = r.chance(0.7) ? `${t.slice(0, m.index! + m[0].length - m[3]!.length - 1)} &m${t.slice(m.index! + m[0].length - m[3]!.length - 1)}` : t;
    const source = r.pick(['*m', '[*m, *m]', '*nowhere', '3', '[1, *m]', '{inline: 1}', '[{a: 1}, {b: 2}]', '']);
    const at = Math.min(withAnchor.length, anchorAt + (withAnchor.length - t.length));
    const others = [...withAnchor.matchAll(/^( *)([A-Za-z_][\w.-]*):\s*\n(\1 +)/gm)];
    const into = r.chance(0.5) || others.length === 0 ? at : withAnchor.indexOf('\n', r.pick(others).index!) + 1;
    return ['merge key', `${withAnchor.slice(0, into)}${m[3]}<<: ${source}\n${withAnchor.slice(into)}`];
  },
  (t, r) => {
    // Billion laughs: each level repeats the one before several times.
    const levels = 3 + r.int(12);
    const width = 2 + r.int(8);
    let block = 'x0: &l0 [1]\n';
    for (let i = 1; i <= levels; i++) block += `x${i}: &l${i} [${Array.from({ length: width }, () => `*l${i - 1}`).join(', ')}]\n`;
    return ['alias expansion', r.chance(0.5) ? block + t : t + '\n' + block];
  },
  (t, r) => {
    // Many uses of one anchor (more than yaml's own limit of 100).
    const n = 50 + r.int(300);
    return ['many aliases', `${t}\nhyperparameters:\n  lr: &lr 5e-5\n${Array.from({ length: n }, (_, i) => `  k${i}: *lr\n`).join('')}`];
  },
  (t, r) => {
    // A huge value where a short one belongs (regular expressions and edit distances over it).
    const spans = [...t.matchAll(/: +([^\n#]+)/g)];
    if (spans.length === 0) return ['no value to grow', t];
    const m = r.pick(spans);
    const at = m.index! + m[0].length - m[1]!.length;
    // Mostly thousands of characters; now and then a hundred thousand (the multi-megabyte cases are unit tests).
    const size = r.chance(0.03) ? 50_000 + r.int(100_000) : 1000 + r.int(10_000);
    const unit = r.pick(['a', 'a-', 'ml.', 'a/', ' ', 'x ', 'é', '\uD83E\uDD17', '"', "'", '$', 'arn:aws:iam::123456789012:role/', 's3://b/']);
    const huge = unit.repeat(Math.ceil(size / unit.length));
    return ['huge value', t.slice(0, at) + (r.chance(0.5) ? JSON.stringify(huge) : huge) + t.slice(at + m[1]!.length)];
  },
  (t, r) => {
    // Deep nesting: flow collections or indented block mappings.
    const depth = r.chance(0.1) ? 1000 + r.int(4000) : 50 + r.int(200);
    const open = r.pick(['[', '{a: ', '- ']);
    if (open === '- ') {
      return ['deep block nesting', `${t}\nhyperparameters:\n${Array.from({ length: Math.min(depth, 400) }, (_, i) => `${' '.repeat(2 * (i + 1))}k${i}:`).join('\n')} 1\n`];
    }
    const close = open === '[' ? ']' : '}';
    return ['deep flow nesting', `${t}\nhyperparameters:\n  deep: ${open.repeat(depth)}1${close.repeat(r.chance(0.8) ? depth : r.int(depth))}\n`];
  },
  (t, r) => {
    // Control characters and odd line ends anywhere.
    let out = t;
    for (let k = 0; k < 1 + r.int(5); k++) {
      const i = r.int(out.length + 1);
      out = out.slice(0, i) + r.pick(['\0', '\x01', '\x07', '\x1b[2J', '\x7f', '\r', '\u0085', '\u2028', '\u2029', '\uFEFF', '\uFFFE', '\t']) + out.slice(i);
    }
    return ['control characters', r.chance(0.2) ? out.replace(/\n/g, r.pick(['\r\n', '\r'])) : out];
  },
  (t, r) => {
    const i = r.int(t.length + 1);
    return ['truncate', t.slice(0, i)];
  },
];

/** The document's lines as the editor splits them (\r\n, \n, lone \r), for checking positions. */
function editorLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Fails, naming `what()`, when `range` is not inside the document or ends before it starts. */
function checkRange(range: Range, lines: string[], what: () => string): void {
  for (const p of [range.start, range.end]) {
    if (!Number.isInteger(p.line) || !Number.isInteger(p.character)) assert.fail(`${what()}: non-integer position ${JSON.stringify(p)}`);
    if (p.line < 0 || p.line >= lines.length) assert.fail(`${what()}: line ${p.line} outside 0..${lines.length - 1}`);
    if (p.character < 0 || p.character > lines[p.line]!.length) assert.fail(`${what()}: character ${p.character} outside line ${p.line} (${lines[p.line]!.length} long)`);
  }
  const order = range.start.line - range.end.line || range.start.character - range.end.character;
  if (order > 0) assert.fail(`${what()}: starts after it ends ${JSON.stringify(range)}`);
}

function randomPosition(text: string, lines: string[], rng: Rng): Position {
  // Mostly where a user types (ends of lines, after colons), sometimes anywhere, sometimes past the end.
  const line = rng.chance(0.05) ? lines.length + rng.int(3) : rng.int(lines.length);
  const length = lines[line]?.length ?? 0;
  const colon = lines[line]?.indexOf(':') ?? -1;
  const character = rng.pick([length, colon + 1, colon + 2, rng.int(length + 1), length + rng.int(4)]);
  void text;
  return { line, character: Math.max(0, character) };
}

describe('job file fuzzing', () => {
  const seeds = seedFiles();

  it('finds every fixture and example to mutate', () => {
    assert.ok(seeds.length >= 10, `only ${seeds.length} job files found`);
    assert.ok(seeds.some((s) => s.name.startsWith('examples/')) && seeds.some((s) => s.name.includes('invalid')));
    assert.ok(seeds.filter((s) => /^tuning:/m.test(s.text)).length >= 2, 'job files with a tuning block are among the seeds');
  });

  it(`${MUTANTS} mutants: no exception, every problem and assist range inside the document (seed ${SEED})`, { timeout: 600_000 }, (t) => {
    t.diagnostic(`FUZZ_SEED=${SEED} FUZZ_MUTANTS=${MUTANTS} (set them to replay this run)`);
    const rng = generator(SEED);
    const codes = new Map<string, number>();
    const slowest: Array<[number, string]> = [];
    // The seeds themselves first (no random draws, so the mutants stay those of the seed): each is
    // checked as a mutant is, and the invalid fixtures' problems count towards the codes reached, so
    // a short run (FUZZ_MUTANTS=300) reaches the rare ones the corpus holds whatever the draws.
    for (const seed of seeds) {
      const lines = editorLines(seed.text);
      for (const p of validateJobFile(seed.text, jobFileContext(seed.file)).problems) {
        if (p.code === 'internal.error') assert.fail(`the validator failed inside (${p.message}) on ${seed.name}`);
        checkRange(p.range, lines, () => `${p.code} on ${seed.name}`);
        codes.set(p.code, (codes.get(p.code) ?? 0) + 1);
      }
    }
    for (let n = 0; n < MUTANTS; n++) {
      const started = PROFILE ? performance.now() : 0;
      const seed = seeds[n % seeds.length]!;
      let text = seed.text;
      const applied: string[] = [];
      for (let k = 0; k < 1 + rng.int(rng.chance(0.2) ? 6 : 3); k++) {
        const [name, mutated] = rng.pick(mutations)(text, rng);
        applied.push(name);
        text = mutated;
      }
      const where = () => `mutant ${n} of ${seed.name} (FUZZ_SEED=${SEED}; ${applied.join(', ')}): ${JSON.stringify(text.length > 600 ? `${text.slice(0, 600)}…` : text)}`;
      const lines = editorLines(text);
      let problems;
      try {
        problems = validateJobFile(text, jobFileContext(seed.file)).problems;
      } catch (error) {
        assert.fail(`validateJobFile threw ${String(error)} on ${where()}`);
      }
      for (const p of problems) {
        if (p.code === 'internal.error') assert.fail(`the validator failed inside (${p.message}) on ${where()}`);
        checkRange(p.range, lines, () => `${p.code} "${p.message.slice(0, 100)}" on ${where()}`);
        // No message quotes a huge value whole.
        if (p.message.length === 0 || p.message.length >= 2000) assert.fail(`a ${p.message.length}-character message (${p.code}) on ${where()}`);
        codes.set(p.code, (codes.get(p.code) ?? 0) + 1);
      }
      for (let k = 0; k < ASSIST_PROBES; k++) {
        const position = randomPosition(text, lines, rng);
        // A position the editor could send (inside the document) must get ranges inside it; any other, no exception.
        const valid = position.line < lines.length && position.character <= lines[position.line]!.length;
        try {
          const suggestions = completionsFor(text, position);
          const hover = hoverFor(text, position);
          if (valid) {
            for (const s of suggestions) checkRange(s.replace, lines, () => `completion ${s.label} at ${JSON.stringify(position)} on ${where()}`);
            if (hover) checkRange(hover.range, lines, () => `hover at ${JSON.stringify(position)} on ${where()}`);
          }
        } catch (error) {
          if (error instanceof assert.AssertionError) throw error;
          assert.fail(`completion or hover threw ${String(error)} at ${JSON.stringify(position)} on ${where()}`);
        }
      }
      if (PROFILE) slowest.push([performance.now() - started, `mutant ${n} of ${seed.name}, ${text.length} characters: ${applied.join(', ')}`]);
    }
    if (PROFILE) {
      for (const [ms, what] of slowest.sort((a, b) => b[0] - a[0]).slice(0, 15)) t.diagnostic(`${ms.toFixed(0)} ms ${what}`);
    }
    // The run reaches the checks that matter here, not only YAML syntax errors.
    for (const code of ['yaml.unresolvedAlias', 'yaml.aliasBeforeAnchor', 'yaml.aliasExpansion', 'number.notFinite', 'schema.unknownKey', 'yaml.mergeSource']) {
      assert.ok((codes.get(code) ?? 0) > 0, `no mutant produced ${code}: the fuzzer no longer reaches it`);
    }
  });
});
