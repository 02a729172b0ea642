import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { jobFileContext } from '../../src/source/jobFileOnDisk';
import { validateJobFile } from '../../src/core/jobFile/validateJobFile';
import { REPO_ROOT } from './repoRoot';

interface Expected {
  line: number;
  severity: string;
  code: string;
  path: string;
  message?: string;
}

const fixtures = path.join(REPO_ROOT, 'test/fixtures/jobFiles');
const jobFiles = (dir: string) => readdirSync(path.join(fixtures, dir)).filter((f) => f.endsWith('.sagemaker.yaml'));

function validateFixture(dir: string, file: string) {
  const abs = path.join(fixtures, dir, file);
  return validateJobFile(readFileSync(abs, 'utf8'), jobFileContext(abs));
}

describe('job file validation: fixtures', () => {
  for (const file of jobFiles('valid')) {
    it(`valid/${file} has no errors or warnings`, () => {
      const { problems } = validateFixture('valid', file);
      assert.deepEqual(problems.filter((p) => p.severity !== 'info').map((p) => `${p.range.start.line + 1}: ${p.message}`), []);
    });
  }

  for (const file of jobFiles('invalid')) {
    it(`invalid/${file} gives exactly the expected problems at the expected lines`, () => {
      const expected: Expected[] = JSON.parse(readFileSync(path.join(fixtures, 'invalid', file.replace('.sagemaker.yaml', '.expected.json')), 'utf8'));
      const { problems } = validateFixture('invalid', file);
      const actual = problems.filter((p) => p.severity !== 'info');
      assert.deepEqual(
        actual.map((p) => ({ line: p.range.start.line + 1, severity: p.severity, code: p.code, path: p.path })),
        expected.map(({ line, severity, code, path: p }) => ({ line, severity, code, path: p })),
      );
      expected.forEach((e, i) => {
        if (e.message) assert.ok(actual[i]!.message.includes(e.message), `"${actual[i]!.message}" should mention "${e.message}"`);
      });
    });
  }

  it('the seed example in examples/ validates clean', () => {
    const abs = path.join(REPO_ROOT, 'examples/seed-bart-samsum/bart-large-cnn-samsum.sagemaker.yaml');
    const { problems, spec } = validateJobFile(readFileSync(abs, 'utf8'), jobFileContext(abs));
    assert.deepEqual(problems.filter((p) => p.severity !== 'info'), []);
    assert.equal(spec?.instance_type, 'ml.p3dn.24xlarge');
    assert.equal(spec?.instance_count, 2);
  });
});

describe('job file validation: ranges', () => {
  it('points at the key for unknown keys and at the value for bad values, in 0-based LSP positions', () => {
    const text = 'entry_point: train.py\ninstance_type: ml.g5.xlarge\nrole: SageMakerRole\ntransformers_version: "4.56.2"\npytorch_version: "2.8.0"\ninstance_countt: 2\nvolume_size: -3\n';
    const { problems } = validateJobFile(text);
    const unknown = problems.find((p) => p.code === 'schema.unknownKey')!;
    assert.deepEqual(unknown.range, { start: { line: 5, character: 0 }, end: { line: 5, character: 15 } });
    assert.match(unknown.message, /Did you mean `instance_count`\?/);
    const range = problems.find((p) => p.path === 'volume_size')!;
    assert.deepEqual(range.range, { start: { line: 6, character: 13 }, end: { line: 6, character: 15 } });
  });

  it('counts characters in UTF-16 code units after emoji and CRLF line ends', () => {
    const text = '# 🤗 job\r\nentry_point: train.py\r\ninstance_type: ml.g5.xlarge\r\nrole: "🤗🤗"\r\ntransformers_version: "4.56.2"\r\npytorch_version: "2.8.0"\r\n';
    const role = validateJobFile(text).problems.find((p) => p.code === 'role.invalid')!;
    assert.deepEqual(role.range, { start: { line: 3, character: 6 }, end: { line: 3, character: 12 } });
  });

  it('never throws, whatever the input', () => {
    for (const text of ['', '   ', '---\n---\n', 'a: &x [*x]', '[', '{', 'entry_point: !!binary AAAA', '? [a]\n: b', '\u0000', 'x: ' + 'a'.repeat(100000), 'hyperparameters:\n' + '  k: v\n'.repeat(2)]) {
      const result = validateJobFile(text);
      assert.ok(Array.isArray(result.problems));
      for (const p of result.problems) {
        assert.ok(p.range.start.line >= 0 && p.range.end.line >= p.range.start.line, `bad range for ${JSON.stringify(text.slice(0, 20))}`);
      }
    }
  });

  it('a key written twice in a mapping is an error on the whole second key, naming the line of the first', () => {
    const text = 'entry_point: train.py\nhyperparameters:\n  epochs: 3\n  lr: 5e-5\n  epochs: 4\ninstance_type: ml.g5.xlarge\n';
    const dups = validateJobFile(text).problems.filter((p) => p.code === 'yaml.DUPLICATE_KEY');
    assert.equal(dups.length, 1);
    assert.equal(dups[0]!.severity, 'error');
    assert.deepEqual(dups[0]!.range, { start: { line: 4, character: 2 }, end: { line: 4, character: 8 } });
    assert.match(dups[0]!.message, /"epochs".*line 3/);
  });

  it('finds duplicates in every mapping, flow or block, nested in lists, as yaml compares keys', () => {
    const text = [
      'tags: [{Key: a, Key: b}]', // flow map inside a flow list
      'metric_definitions:',
      '  - Name: loss',
      '    Regex: x',
      '    Name: again', // block map inside a block list
      'hyperparameters: {1: a, 0x1: b, "1": c}', // 1 and 0x1 resolve to the same number; "1" is a string
      'inputs:',
      '  train: s3://b/t',
      'entry_point: t.py',
      'entry_point: u.py', // the root
      '',
    ].join('\n');
    const dups = validateJobFile(text).problems.filter((p) => p.code === 'yaml.DUPLICATE_KEY');
    assert.deepEqual(dups.map((p) => [p.range.start.line, p.range.start.character, p.range.end.character]), [[0, 16, 19], [4, 4, 8], [5, 24, 27], [9, 0, 11]]);
  });

  it('distinct keys that look alike are not duplicates', () => {
    const text = 'entry_point: t.py\nhyperparameters:\n  a: 1\n  A: 2\n  "a ": 3\n  nested: {a: 1}\n';
    assert.deepEqual(validateJobFile(text).problems.filter((p) => p.code === 'yaml.DUPLICATE_KEY'), []);
  });

  it('an empty file gets one clear error, not a schema dump', () => {
    const { problems } = validateJobFile('# nothing yet\n');
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.code, 'file.empty');
  });
});

describe('job file validation: checks beyond the schema', () => {
  const base = 'entry_point: train.py\nrole: SageMakerRole\ntransformers_version: "4.56.2"\npytorch_version: "2.8.0"\npy_version: py312\n';
  const codes = (extra: string) => validateJobFile(base + extra).problems.map((p) => p.code);

  it('warns about smdistributed on an instance type outside its list', () => {
    const text = 'entry_point: train.py\nrole: SageMakerRole\ntransformers_version: "4.26.0"\npytorch_version: "1.13.1"\npy_version: py39\ninstance_type: ml.g5.48xlarge\ndistribution:\n  smdistributed:\n    dataparallel:\n      enabled: true\n';
    const p = validateJobFile(text).problems.find((x) => x.code === 'smdistributed.instanceType');
    assert.equal(p?.severity, 'warning');
  });

  it('rejects smdistributed on a base framework version it does not support', () => {
    assert.ok(codes('instance_type: ml.p4d.24xlarge\ndistribution:\n  smdistributed:\n    dataparallel:\n      enabled: true\n').includes('smdistributed.frameworkVersion'));
  });

  it('requires max_wait for spot and accepts a long enough one', () => {
    assert.ok(codes('instance_type: ml.g5.xlarge\nuse_spot_instances: true\n').includes('spot.maxWait'));
    assert.ok(!codes('instance_type: ml.g5.xlarge\nuse_spot_instances: true\nmax_run: 100\nmax_wait: 100\n').some((c) => c.startsWith('spot.')));
  });

  it('enforces the hyperparameter limits of CreateTrainingJob, counting the keys the SDK adds', () => {
    const many = Array.from({ length: 96 }, (_, i) => `  hp${i}: ${i}`).join('\n');
    assert.ok(codes(`instance_type: ml.g5.xlarge\nhyperparameters:\n${many}\n`).includes('hyperparameters.count'));
    const fits = Array.from({ length: 95 }, (_, i) => `  hp${i}: ${i}`).join('\n');
    assert.ok(!codes(`instance_type: ml.g5.xlarge\nhyperparameters:\n${fits}\n`).includes('hyperparameters.count'));
    assert.ok(codes(`instance_type: ml.g5.xlarge\nhyperparameters:\n  prompt: "${'x'.repeat(2500)}"\n`).includes('hyperparameters.valueLength'));
  });

  it('warns where the toolkit\'s unquoted /bin/sh command line would change a hyperparameter, at its value', () => {
    const text = `${base}instance_type: ml.g5.xlarge\nhyperparameters:\n  source_prefix: "summarize: "\n  layers: [1, 2]\n  generation: {num_beams: 4, prefix: "a b"}\n  stop: "$HOME"\n  empty: ""\n  nothing:\n  lr: 5e-5\n  model_name_or_path: facebook/bart-large-cnn\n  do_train: true\n  weights: {a: 1, b: 2}\n`;
    const problems = validateJobFile(text).problems.filter((p) => p.code.startsWith('hyperparameters.'));
    assert.deepEqual(
      problems.map((p) => [p.code, p.path, p.severity]),
      [
        ['hyperparameters.shellSplit', 'hyperparameters.source_prefix', 'warning'],
        ['hyperparameters.shellSplit', 'hyperparameters.layers', 'warning'],
        ['hyperparameters.shellSplit', 'hyperparameters.generation', 'warning'],
        ['hyperparameters.shellSplit', 'hyperparameters.stop', 'warning'],
        ['hyperparameters.emptyArgument', 'hyperparameters.empty', 'warning'],
        ['hyperparameters.emptyArgument', 'hyperparameters.nothing', 'warning'],
      ],
    );
    // The squiggle is on the value as written; for a missing value, on the key.
    assert.deepEqual(problems[0]!.range, { start: { line: 7, character: 17 }, end: { line: 7, character: 30 } });
    assert.match(problems[0]!.message, /`--source_prefix summarize: ` through \/bin\/sh/);
    assert.deepEqual(problems[5]!.range, { start: { line: 12, character: 2 }, end: { line: 12, character: 9 } });
  });

  it('notes that a local input folder serves local runs only, and warns when it does not exist', () => {
    const text = `${base}instance_type: ml.g5.xlarge\ninputs:\n  train: ./data/train\n  test: file:///srv/data/test\n  extra: ./nowhere\n  s3: s3://my-bucket/samsum\n`;
    const stat = (p: string) => (p === '/work/job/data/train' || p === '/srv/data/test' ? { isDirectory: true } : undefined);
    const problems = validateJobFile(text, { baseDir: '/work/job', stat }).problems.filter((p) => p.code.startsWith('inputs.'));
    assert.deepEqual(problems.map((p) => [p.code, p.path, p.severity]), [
      ['inputs.local', 'inputs.train', 'info'],
      ['inputs.local', 'inputs.test', 'info'],
      ['inputs.missing', 'inputs.extra', 'warning'],
    ]);
    assert.match(problems[2]!.message, /\/work\/job\/nowhere/);
    assert.deepEqual(problems[0]!.range, { start: { line: 7, character: 9 }, end: { line: 7, character: 21 } });
  });

  it('accepts a bare role name and an ARN in another partition, and rejects other ARNs', () => {
    assert.ok(!codes('instance_type: ml.g5.xlarge\n').includes('role.invalid'));
    assert.ok(!validateJobFile(base.replace('SageMakerRole', 'arn:aws-us-gov:iam::123456789012:role/x/y') + 'instance_type: ml.g5.xlarge\n').problems.some((p) => p.code === 'role.invalid'));
    assert.ok(validateJobFile(base.replace('SageMakerRole', 'arn:aws:sts::123456789012:assumed-role/x') + 'instance_type: ml.g5.xlarge\n').problems.some((p) => p.code === 'role.invalid' && /sts/.test(p.message)));
  });

  it('lets a long base_job_name pass (the SDK trims it) but not illegal characters', () => {
    assert.ok(!codes(`instance_type: ml.g5.xlarge\nbase_job_name: ${'a'.repeat(60)}\n`).includes('jobName.pattern'));
    assert.ok(codes('instance_type: ml.g5.xlarge\nbase_job_name: my.job\n').includes('jobName.pattern'));
  });

  it('needs both halves of a VPC configuration', () => {
    assert.ok(codes('instance_type: ml.g5.xlarge\nsubnets: [subnet-1]\n').includes('vpc.incomplete'));
  });

  it('checks that entry_point exists in a local source_dir', () => {
    const dir = path.join(fixtures, 'valid');
    const ctx = jobFileContext(path.join(dir, 'x.sagemaker.yaml'));
    assert.ok(validateJobFile(`${base}instance_type: ml.g5.xlarge\nentry_point: missing.py\n`.replace('entry_point: train.py\n', ''), ctx).problems.some((p) => p.code === 'source.entryPoint'));
    assert.ok(validateJobFile(`${base}instance_type: ml.g5.xlarge\nsource_dir: nowhere\n`, ctx).problems.some((p) => p.code === 'source.missing'));
  });
});
