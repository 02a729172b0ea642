// Quick fixes (issue 20, "The first hour"): each "did you mean …" and "quote it" problem of the
// validator carries its replacement (Problem.fixes), which the editor offers as a code action
// (src/language/jobFileQuickFixes.ts). Here: problem → edit, and the edit applied to the text
// resolves the problem without touching anything else.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex } from '../../src/core/jobFile/problem';
import type { Problem, ProblemFix } from '../../src/core/jobFile/problem';
import { isSameProblem, quickFixes, scalarText } from '../../src/core/jobFile/quickFixes';
import { validateJobFile } from '../../src/core/jobFile/validateJobFile';

const BASE = `entry_point: train.py
source_dir: .
instance_count: 1
transformers_version: "4.56.2"
pytorch_version: "2.8.0"
py_version: py312
role: arn:aws:iam::123456789012:role/SageMakerRole
`;

function file(extra: string, base = BASE): string {
  return `${base}${extra}`;
}

function apply(text: string, fix: ProblemFix): string {
  const lines = new LineIndex(text);
  return text.slice(0, lines.offsetAt(fix.range.start)) + fix.newText + text.slice(lines.offsetAt(fix.range.end));
}

function problem(text: string, code: string): Problem {
  const found = validateJobFile(text).problems.filter((p) => p.code === code);
  assert.equal(found.length, 1, `one ${code} problem in:\n${text}\n${JSON.stringify(validateJobFile(text).problems, null, 1)}`);
  return found[0]!;
}

/** Applies the problem's one fix, checks the problem is gone, and returns the fixed text. */
function fixOnce(text: string, code: string, title: string): string {
  const p = problem(text, code);
  assert.equal(p.fixes?.length, 1, JSON.stringify(p));
  assert.equal(p.fixes![0]!.title, title);
  const fixed = apply(text, p.fixes![0]!);
  assert.deepEqual(
    validateJobFile(fixed).problems.filter((q) => q.code === code),
    [],
    fixed,
  );
  return fixed;
}

describe('quick fixes: "quote it"', () => {
  it('quotes a version as written, not as YAML parsed it: 1.10 becomes "1.10", never "1.1"', () => {
    const text = BASE.replace('pytorch_version: "2.8.0"', 'pytorch_version: 1.10');
    const fixed = fixOnce(text, 'version.yamlNumber', 'Quote it: "1.10"');
    assert.equal(fixed, BASE.replace('pytorch_version: "2.8.0"', 'pytorch_version: "1.10"'));
  });

  it('quotes 2.8 and keeps a comment after it', () => {
    const text = BASE.replace('transformers_version: "4.56.2"', 'transformers_version: 4.56 # pinned');
    assert.equal(fixOnce(text, 'version.yamlNumber', 'Quote it: "4.56"'), BASE.replace('transformers_version: "4.56.2"', 'transformers_version: "4.56" # pinned'));
  });

  it('offers no edit where the number is written elsewhere (an alias): quoting `*v` would change the wrong text', () => {
    const text = `v: &v 1.10\n${BASE.replace('pytorch_version: "2.8.0"', 'pytorch_version: *v')}`;
    const p = validateJobFile(text).problems.find((q) => q.code === 'version.yamlNumber');
    assert.ok(p, 'the problem is still reported');
    assert.equal(p.fixes, undefined);
  });

  it('quotes a hyperparameter YAML reads as infinity: .inf as "inf", 1e400 as written', () => {
    const text = file('hyperparameters:\n  max_grad_norm: .inf\n  scale: 1e400\n');
    const problems = validateJobFile(text).problems.filter((p) => p.code === 'number.notFinite');
    assert.deepEqual(
      problems.map((p) => p.fixes?.map((f) => [f.title, f.newText])),
      [[['Quote it: "inf"', '"inf"']], [['Quote it: "1e400"', '"1e400"']]],
    );
    let fixed = text;
    for (const p of [...problems].reverse()) fixed = apply(fixed, p.fixes![0]!);
    assert.ok(fixed.endsWith('  max_grad_norm: "inf"\n  scale: "1e400"\n'), fixed);
    assert.deepEqual(
      validateJobFile(fixed).problems.filter((p) => p.code === 'number.notFinite'),
      [],
    );
  });
});

describe('quick fixes: "did you mean …"', () => {
  it('renames an unknown key to the one it most likely meant', () => {
    const text = file('instance_typ: ml.g5.2xlarge\n');
    assert.equal(fixOnce(text, 'schema.unknownKey', 'Change to instance_type'), file('instance_type: ml.g5.2xlarge\n'));
  });

  it('keeps the quotes of a quoted key, and renames nested keys', () => {
    assert.equal(fixOnce(file('"instance_typ": ml.g5.2xlarge\n'), 'schema.unknownKey', 'Change to instance_type'), file('"instance_type": ml.g5.2xlarge\n'));
    const spot = file('instance_type: ml.g5.2xlarge\ndistribution:\n  torch_distributed:\n    enabeld: true\n');
    assert.ok(fixOnce(spot, 'schema.unknownKey', 'Change to enabled').endsWith('  torch_distributed:\n    enabled: true\n'));
  });

  it('offers nothing for an unknown key with no close match', () => {
    const p = problem(file('instance_type: ml.g5.2xlarge\ncompletely_unrelated: 1\n'), 'schema.unknownKey');
    assert.equal(p.fixes, undefined);
  });

  it('changes an instance type typo to the known type, keeping its quotes', () => {
    assert.equal(fixOnce(file('instance_type: ml.g5.2xlage\n'), 'instance.unknown', 'Change to ml.g5.2xlarge'), file('instance_type: ml.g5.2xlarge\n'));
    assert.equal(fixOnce(file("instance_type: 'ml.g5.2xlage'\n"), 'instance.unknown', 'Change to ml.g5.2xlarge'), file("instance_type: 'ml.g5.2xlarge'\n"));
  });

  it('changes an enum value to the one it most likely meant (one fix, preferred)', () => {
    const text = file('instance_type: ml.g5.2xlarge\ninput_mode: FastFiel\n');
    assert.equal(fixOnce(text, 'schema.enum', 'Change to FastFile'), file('instance_type: ml.g5.2xlarge\ninput_mode: FastFile\n'));
    const [only] = quickFixes([problem(text, 'schema.enum')]);
    assert.equal(only?.isPreferred, true);
  });

  it('offers every allowed value when none is close, and prefers none of them', () => {
    const p = problem(file('instance_type: ml.g5.2xlarge\ninput_mode: Streaming\n'), 'schema.enum');
    const fixes = quickFixes([p]);
    assert.deepEqual(
      fixes.map((f) => [f.fix.title, f.fix.newText, f.isPreferred]),
      [
        ['Change to File', 'File', false],
        ['Change to Pipe', 'Pipe', false],
        ['Change to FastFile', 'FastFile', false],
      ],
    );
  });

  it('changes an alias with no anchor to the anchor it most likely meant', () => {
    const text = file('instance_type: ml.g5.2xlarge\nhyperparameters:\n  base_lr: &learning_rate 5e-5\n  learning_rate: *learning_rat\n');
    assert.ok(fixOnce(text, 'yaml.unresolvedAlias', 'Change to *learning_rate').endsWith('  learning_rate: *learning_rate\n'));
  });
});

describe('quick fixes: matching a diagnostic to its problem, writing a scalar', () => {
  it('matches on check, words and place', () => {
    const p = problem(file('instance_type: ml.g5.2xlage\n'), 'instance.unknown');
    assert.equal(isSameProblem({ code: p.code, message: p.message, range: p.range }, p), true);
    assert.equal(isSameProblem({ code: p.code, message: p.message, range: { start: p.range.start, end: { ...p.range.end, character: p.range.end.character + 1 } } }, p), false);
    assert.equal(isSameProblem({ code: 'schema.enum', message: p.message, range: p.range }, p), false);
    assert.equal(isSameProblem({ code: p.code, message: `${p.message} `, range: p.range }, p), false);
  });

  it('writes text YAML would read as something else in double quotes', () => {
    assert.equal(scalarText('File', 'Fiel'), 'File');
    assert.equal(scalarText('true', 'tru'), '"true"');
    assert.equal(scalarText('1.10', '1.1'), '"1.10"');
    assert.equal(scalarText('a: b', 'a'), '"a: b"');
    assert.equal(scalarText("it's", "'its'"), "'it''s'");
    assert.equal(scalarText(60000, '6000'), '60000');
  });
});
