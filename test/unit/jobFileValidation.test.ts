import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { listInstanceTypes } from '../../src/core/catalog/instanceTypes';
import { closestMatch, editDistance, withinTypoReach } from '../../src/core/jobFile/didYouMean';
import { jobFileContext } from '../../src/source/jobFileOnDisk';
import { validateJobFile } from '../../src/core/jobFile/validateJobFile';
import { UNSUPPORTED_ARGUMENTS } from '../../src/core/jobFile/schemaValidation';
import { TARGET_ATTRIBUTE_NAME_REFUSAL } from '../../src/core/sagemaker/channels';
import { encodeJobFileValues } from '../../src/core/training/pythonJson';
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
      assert.deepEqual(
        problems.filter((p) => p.severity !== 'info').map((p) => `${p.range.start.line + 1}: ${p.message}`),
        [],
      );
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
    assert.deepEqual(
      problems.filter((p) => p.severity !== 'info'),
      [],
    );
    assert.equal(spec?.instance_type, 'ml.p3dn.24xlarge');
    assert.equal(spec?.instance_count, 2);
  });
});

describe('job file validation: ranges', () => {
  it('points at the key for unknown keys and at the value for bad values, in 0-based LSP positions', () => {
    const text =
      'entry_point: train.py\ninstance_type: ml.g5.xlarge\nrole: SageMakerRole\ntransformers_version: "4.56.2"\npytorch_version: "2.8.0"\ninstance_countt: 2\nvolume_size: -3\n';
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
    for (const text of [
      '',
      '   ',
      '---\n---\n',
      'a: &x [*x]',
      '[',
      '{',
      'entry_point: !!binary AAAA',
      '? [a]\n: b',
      '\u0000',
      'x: ' + 'a'.repeat(100000),
      'hyperparameters:\n' + '  k: v\n'.repeat(2),
    ]) {
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
    assert.deepEqual(
      dups.map((p) => [p.range.start.line, p.range.start.character, p.range.end.character]),
      [
        [0, 16, 19],
        [4, 4, 8],
        [5, 24, 27],
        [9, 0, 11],
      ],
    );
  });

  it('distinct keys that look alike are not duplicates', () => {
    const text = 'entry_point: t.py\nhyperparameters:\n  a: 1\n  A: 2\n  "a ": 3\n  nested: {a: 1}\n';
    assert.deepEqual(
      validateJobFile(text).problems.filter((p) => p.code === 'yaml.DUPLICATE_KEY'),
      [],
    );
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
    const text =
      'entry_point: train.py\nrole: SageMakerRole\ntransformers_version: "4.26.0"\npytorch_version: "1.13.1"\npy_version: py39\ninstance_type: ml.g5.48xlarge\ndistribution:\n  smdistributed:\n    dataparallel:\n      enabled: true\n';
    const p = validateJobFile(text).problems.find((x) => x.code === 'smdistributed.instanceType');
    assert.equal(p?.severity, 'warning');
  });

  it('rejects smdistributed on a base framework version it does not support', () => {
    assert.ok(codes('instance_type: ml.p4d.24xlarge\ndistribution:\n  smdistributed:\n    dataparallel:\n      enabled: true\n').includes('smdistributed.frameworkVersion'));
  });

  const problemsOf = (text: string) => validateJobFile(text).problems.map((p) => ({ code: p.code, severity: p.severity, path: p.path, line: p.range.start.line }));

  it('refuses a short version beside a full one at pytorch_version, as HuggingFace(...) does (issue 16)', () => {
    const text = base.replace('"4.56.2"', '"4.56"') + 'instance_type: ml.g5.xlarge\n';
    const p = validateJobFile(text).problems.find((x) => x.code === 'image.matrix');
    assert.equal(p?.severity, 'error');
    assert.equal(p?.path, 'pytorch_version');
    assert.match(p!.message, /both in full or both shortened/);
    assert.ok(!codes('instance_type: ml.g5.xlarge\n').includes('image.matrix'));
    assert.ok(!validateJobFile(base.replace('"4.56.2"', '"4.56"').replace('"2.8.0"', '"2.8"') + 'instance_type: ml.g5.xlarge\n').problems.some((x) => x.severity === 'error'));
  });

  it('refuses torch_distributed with a version alias at pytorch_version, as the SDK compares the text', () => {
    const text = base.replace('"4.56.2"', '"4.56"').replace('"2.8.0"', '"2.8"') + 'instance_type: ml.p4d.24xlarge\ndistribution:\n  torch_distributed:\n    enabled: true\n';
    const p = validateJobFile(text).problems.find((x) => x.code === 'torch_distributed.frameworkVersion');
    assert.equal(p?.severity, 'error');
    assert.equal(p?.path, 'pytorch_version');
    assert.equal(p?.range.start.line, 3);
  });

  it('accepts what the SDK accepts: a long base_job_name, numbers as tag values (issue 16)', () => {
    const long = 'a-'.repeat(40) + 'z';
    const problems = problemsOf(`${base}instance_type: ml.g5.xlarge\nbase_job_name: ${long}\ntags:\n  epochs: 3\n  flag: true\n`);
    assert.deepEqual(
      problems.filter((p) => p.severity !== 'info'),
      [],
    );
    assert.ok(problems.some((p) => p.code === 'jobName.truncated'));
    // The list form goes to the API as written, and boto3 refuses a number there.
    assert.ok(validateJobFile(`${base}instance_type: ml.g5.xlarge\ntags:\n  - Key: epochs\n    Value: 3\n`).problems.some((p) => p.severity === 'error'));
  });

  it('an S3 source_dir: a folder is an error, an object not named .tar.gz/.tgz a warning (the toolkit untars any object)', () => {
    const at = (src: string) =>
      problemsOf(`${base}instance_type: ml.g5.xlarge\nsource_dir: ${src}\n`)
        .filter((p) => p.code === 's3.sourceDir')
        .map((p) => p.severity);
    assert.deepEqual(at('s3://my-bucket/code/sourcedir.tar.gz'), []);
    assert.deepEqual(at('s3://my-bucket/code/archive.tgz'), []);
    assert.deepEqual(at('s3://my-bucket/code/bundle'), ['warning']);
    assert.deepEqual(at('s3://my-bucket/code/'), ['error']);
  });

  it('model parallel without MPI, and MPI beside torch_distributed, are warnings that say what runs', () => {
    const smp = problemsOf(
      'entry_point: train.py\nrole: SageMakerRole\ntransformers_version: "4.26.0"\npytorch_version: "1.13.1"\npy_version: py39\ninstance_type: ml.p4d.24xlarge\ndistribution:\n  smdistributed:\n    modelparallel:\n      enabled: true\n',
    );
    assert.deepEqual(
      smp.filter((p) => p.severity !== 'info').map((p) => [p.code, p.severity]),
      [['distribution.smpNeedsMpi', 'warning']],
    );
    const mpi = problemsOf(`${base}instance_type: ml.p4d.24xlarge\ndistribution:\n  mpi:\n    enabled: true\n  torch_distributed:\n    enabled: true\n`);
    assert.deepEqual(
      mpi.filter((p) => p.severity !== 'info').map((p) => [p.code, p.severity, p.path]),
      [['distribution.ignored', 'warning', 'distribution.mpi']],
    );
  });

  it("instance_groups: replaces instance_type, with the SDK's refusals at their keys (issue 16)", () => {
    const groups = (extra = '') =>
      `${base}instance_groups:\n  - instance_group_name: train\n    instance_type: ml.p4d.24xlarge\n    instance_count: 2\n  - instance_group_name: data\n    instance_type: ml.c5.18xlarge\n    instance_count: 1\n${extra}`;
    const at = (text: string) =>
      validateJobFile(text)
        .problems.filter((p) => p.severity !== 'info')
        .map((p) => [p.code, p.severity, p.path, p.range.start.line]);
    // A heterogeneous cluster without instance_type is a whole job file.
    assert.deepEqual(at(groups()), []);
    // Neither: instance_type is missing, said as the schema says it, with the alternative.
    const neither = validateJobFile(base).problems.filter((p) => p.code === 'schema.required');
    assert.deepEqual(
      neither.map((p) => p.path),
      ['instance_type'],
    );
    assert.match(neither[0]!.message, /instance_groups/);
    // Both: the SDK refuses it; the error is at instance_type.
    assert.deepEqual(at(groups('instance_type: ml.p4d.24xlarge\n')), [['instanceGroups.withInstanceType', 'error', 'instance_type', 12]]);
    // Several groups and a distribution that names none, or an unknown one, or a CPU group for torchrun.
    assert.deepEqual(at(groups('distribution:\n  mpi:\n    enabled: true\n')), [['distribution.instanceGroupsOne', 'error', 'distribution', 12]]);
    assert.deepEqual(at(groups('distribution:\n  mpi:\n    enabled: true\n  instance_groups: [trainer]\n')), [
      ['distribution.instanceGroupUnknown', 'error', 'distribution.instance_groups[0]', 15],
    ]);
    assert.deepEqual(at(groups('distribution:\n  torch_distributed:\n    enabled: true\n  instance_groups: [data]\n')), [
      ['torch_distributed.instanceType', 'error', 'instance_groups[1].instance_type', 10],
      ['instanceGroups.launcherEveryGroup', 'warning', 'distribution.torch_distributed', 13],
    ]);
    // distribution.instance_groups without groups; a training group with no strategy that uses it.
    assert.deepEqual(at(`${base}instance_type: ml.p4d.24xlarge\ndistribution:\n  mpi:\n    enabled: true\n  instance_groups: [train]\n`), [
      ['distribution.instanceGroupsWithoutGroups', 'error', 'distribution.instance_groups', 9],
    ]);
    // Catalog checks per group: no GPU anywhere refuses the image; an unknown type is a warning at its group.
    const cpuOnly = `${base}instance_groups:\n  - instance_group_name: a\n    instance_type: ml.c5.18xlarge\n    instance_count: 1\n  - instance_group_name: b\n    instance_type: ml.c5.99xlarge\n    instance_count: 1\n`;
    assert.deepEqual(
      at(cpuOnly).map(([code, , path]) => [code, path]),
      [
        ['instance.noGpu', 'instance_groups[0].instance_type'],
        ['instance.unknown', 'instance_groups[1].instance_type'],
      ],
    );
    // Same names: the SDK sends them, the toolkit loses one.
    assert.deepEqual(at(groups().replace('instance_group_name: data', 'instance_group_name: train')), [
      ['instanceGroups.duplicateName', 'warning', 'instance_groups[1].instance_group_name', 9],
    ]);
    // Training Compiler refuses groups; more than 5 groups is the API's limit.
    assert.ok(codes(groups('compiler_config:\n  enabled: true\n').slice(base.length)).includes('compiler.instanceGroups'));
    // ProfilerConfig's framework_profile_params and profile_params: refused by name, with why, at the key.
    for (const key of ['framework_profile_params', 'profile_params']) {
      const refused = validateJobFile(`${base}instance_type: ml.g5.xlarge\nprofiler_config:\n  ${key}: {}\n`).problems.filter((p) => p.code === 'schema.unsupportedArgument');
      assert.deepEqual(
        refused.map((p) => [p.path, p.range.start.line]),
        [[`profiler_config.${key}`, 7]],
      );
      assert.match(refused[0]!.message, new RegExp(`^\`profiler_config\\.${key}\` is a keyword argument of the SDK's profiler_config object this extension does not send: .{40,}`));
    }
    // Not an estimator argument, and not one nested under another key: the plain unknown-key error.
    assert.deepEqual(
      codes('instance_type: ml.g5.xlarge\nconstructor: 1\n').filter((c) => c.startsWith('schema.')),
      ['schema.unknownKey'],
    );
  });

  it('container_entry_point warns that the training toolkit does not start; both lists keep the API limits (issue 16)', () => {
    const at = (yaml: string) => validateJobFile(`${base}instance_type: ml.g5.xlarge\n${yaml}`).problems.map((p) => [p.code, p.severity, p.path]);
    const entry = validateJobFile(`${base}instance_type: ml.g5.xlarge\ncontainer_entry_point: [python3, run.py]\n`).problems.filter((p) => p.path === 'container_entry_point');
    assert.deepEqual(
      entry.map((p) => [p.code, p.severity, p.range.start.line]),
      [['container.entryPointReplacesToolkit', 'warning', 6]],
    );
    assert.match(entry[0]!.message, /training toolkit does not start: entry_point `train\.py` is not run/);
    assert.deepEqual(
      at('container_arguments: [--epochs, "3"]\n').filter(([, s]) => s !== 'info'),
      [],
    );
    for (const bad of [
      'container_entry_point: []\n',
      `container_arguments: [${'x'.repeat(257)}]\n`,
      `container_arguments: [${Array(101).fill('a').join(', ')}]\n`,
      'container_entry_point: python3 run.py\n',
    ]) {
      assert.ok(
        at(bad).some(([c, s]) => String(c).startsWith('schema.') && s === 'error'),
        bad.slice(0, 40),
      );
    }
  });

  it('a registry credentials provider without an access mode, and Vpc access without a VPC, are warnings (issue 16)', () => {
    const warnings = (yaml: string) =>
      validateJobFile(`${base}instance_type: ml.g5.xlarge\n${yaml}`)
        .problems.filter((p) => p.severity === 'warning' || p.severity === 'error')
        .map((p) => [p.code, p.severity, p.path]);
    const lambda = 'arn:aws:lambda:us-west-2:111122223333:function:registry-credentials';
    assert.deepEqual(warnings(`training_repository_credentials_provider_arn: ${lambda}\n`), [
      ['trainingRepository.credentialsNotSent', 'warning', 'training_repository_credentials_provider_arn'],
    ]);
    assert.deepEqual(warnings('training_repository_access_mode: Vpc\n'), [['trainingRepository.vpcWithoutVpc', 'warning', 'training_repository_access_mode']]);
    assert.deepEqual(
      warnings(`training_repository_access_mode: Vpc\ntraining_repository_credentials_provider_arn: ${lambda}\nsubnets: [subnet-1]\nsecurity_group_ids: [sg-1]\n`),
      [],
    );
    assert.deepEqual(warnings('training_repository_access_mode: Platform\nenable_session_tag_chaining: true\n'), []);
    assert.ok(warnings('training_repository_credentials_provider_arn: arn:aws:iam::111122223333:role/x\n').some(([c, s]) => String(c).startsWith('schema.') && s === 'error'));
    assert.ok(warnings('training_repository_access_mode: Private\n').some(([c, s]) => String(c).startsWith('schema.') && s === 'error'));
  });

  it('model_uri: an S3 URI, in a channel of its own name; model_channel_name alone does nothing (issue 16)', () => {
    const found = (yaml: string) =>
      validateJobFile(`${base}instance_type: ml.g5.xlarge\n${yaml}`)
        .problems.filter((p) => p.severity !== 'info')
        .map((p) => [p.code, p.severity, p.path]);
    assert.deepEqual(found('model_uri: s3://my-bucket/model.tar.gz\ninputs:\n  train: s3://my-bucket/train/\n'), []);
    assert.deepEqual(found('model_uri: s3://my-bucket/model.tar.gz\ninputs:\n  model: s3://my-bucket/train/\n'), [['modelChannel.duplicate', 'error', 'model_uri']]);
    assert.deepEqual(found('model_uri: s3://my-bucket/m/\nmodel_channel_name: training\ninputs: s3://my-bucket/train/\n'), [
      ['modelChannel.duplicate', 'error', 'model_channel_name'],
    ]);
    assert.deepEqual(found('model_uri: ./models/base\n'), [['modelChannel.notS3Uri', 'error', 'model_uri']]);
    assert.deepEqual(
      found('model_uri: s3://B/m/\n').map(([c, , p]) => [c, p]),
      [['s3.uri', 'model_uri']],
    );
    assert.deepEqual(found('model_channel_name: pretrained\n'), [['modelChannel.withoutModelUri', 'warning', 'model_channel_name']]);
    assert.ok(found('model_uri: s3://my-bucket/m/\nmodel_channel_name: "no spaces"\n').some(([c, s]) => String(c).startsWith('schema.') && s === 'error'));
  });

  it('training_plan is a training-plan ARN; instance_placement_config has the API keys and limits (issue 16)', () => {
    const found = (yaml: string) =>
      validateJobFile(`${base}instance_type: ml.g5.xlarge\n${yaml}`)
        .problems.filter((p) => p.severity === 'error')
        .map((p) => [p.code, p.path]);
    assert.deepEqual(found('training_plan: arn:aws:sagemaker:us-east-1:111122223333:training-plan/p5-two-weeks\n'), []);
    assert.deepEqual(found('instance_placement_config:\n  EnableMultipleJobs: true\n  PlacementSpecifications:\n    - UltraServerId: u-1\n      InstanceCount: 1\n'), []);
    for (const bad of [
      'training_plan: p5-two-weeks\n',
      'training_plan: arn:aws:sagemaker:us-east-1:111122223333:hyper-pod/p5-two-weeks-reserved\n',
      'instance_placement_config:\n  enable_multiple_jobs: true\n',
      'instance_placement_config:\n  PlacementSpecifications:\n    - UltraServerId: u-1\n',
      'instance_placement_config:\n  PlacementSpecifications:\n    - InstanceCount: 0\n',
      `instance_placement_config:\n  PlacementSpecifications:\n${'    - InstanceCount: 1\n'.repeat(11)}`,
    ]) {
      assert.ok(
        found(bad).some(([c]) => String(c).startsWith('schema.')),
        bad,
      );
    }
  });

  it('rules, debugger_hook_config, tensorboard_output_config and profiler_config: the SDK forms, the API limits, the SDK refusals at their keys (issue 16)', () => {
    const found = (yaml: string) =>
      validateJobFile(`${base}instance_type: ml.g5.xlarge\n${yaml}`)
        .problems.filter((p) => p.severity === 'error')
        .map((p) => [p.code, String(p.path)]);
    const rule = (kind: string, extra = '') =>
      `rules:\n  - rule: ${kind}\n    name: R\n    image_uri: 111122223333.dkr.ecr.us-east-1.amazonaws.com/r:1\n    instance_type: ml.t3.medium\n    volume_size_in_gb: 10\n${extra}`;
    for (const good of [
      rule('Rule.custom', '    source: s3://b/r.py\n    rule_to_invoke: R\n    collections_to_save:\n      - name: losses\n'),
      rule('ProfilerRule.custom', '    rule_parameters:\n      threshold: "5"\n'),
      'debugger_hook_config: false\n',
      'debugger_hook_config:\n  hook_parameters:\n    save_interval: "10"\n  collection_configs:\n    - name: losses\n      parameters: {save_interval: "5"}\n',
      'tensorboard_output_config:\n  s3_output_path: s3://b/tb\n',
      'profiler_config:\n  system_monitor_interval_millis: 500\n',
      'region: us-gov-east-1\ndebugger_hook_config: true\n',
    ])
      assert.deepEqual(found(good), [], good);
    for (const bad of [
      rule('Rule.sagemaker'),
      rule('Rule.custom', '    rule_parameters:\n      threshold: 5\n'),
      `rules:\n${'  - {rule: Rule.custom, name: R, image_uri: i, instance_type: ml.t3.medium, volume_size_in_gb: 1}\n'.repeat(21)}`,
      'debugger_hook_config:\n  collection_configs:\n    - parameters: {a: "1"}\n',
      'debugger_hook_config:\n  s3_output_path: my-bucket/debug\n',
      'tensorboard_output_config:\n  container_local_output_path: /opt/ml/output/tensorboard\n',
      'profiler_config:\n  system_monitor_interval_millis: 300\n',
      'profiler_config:\n  framework_profile_params: {}\n',
    ])
      assert.ok(
        found(bad).some(([c]) => String(c).startsWith('schema.')),
        bad,
      );
    assert.deepEqual(found(rule('ProfilerRule.custom', '    collections_to_save:\n      - name: losses\n')), [['rules.debuggerRuleOnly', 'rules[0].collections_to_save']]);
    assert.deepEqual(found(rule('Rule.custom', '    source: ./r.py\n    rule_to_invoke: R\n')), [['rules.sourceNotS3', 'rules[0].source']]);
    assert.deepEqual(found(rule('Rule.custom', '    source: s3://b/r.py\n')), [['rules.sourceWithoutRuleToInvoke', 'rules[0].source']]);
    assert.deepEqual(found(`disable_profiler: true\n${rule('ProfilerRule.custom')}`), [['profiler.disabled', 'rules[0]']]);
    assert.deepEqual(found('disable_profiler: true\nprofiler_config:\n  system_monitor_interval_millis: 500\n'), [['profiler.disabled', 'profiler_config']]);
    assert.deepEqual(found('region: us-gov-east-1\ndebugger_hook_config:\n  s3_output_path: s3://b/d\n'), [['debugger.regionUnsupported', 'debugger_hook_config']]);
    assert.deepEqual(found(`region: us-gov-east-1\n${rule('Rule.custom')}`), [['debugger.regionUnsupported', 'rules']]);
    assert.deepEqual(found(`region: us-gov-east-1\ndebugger_hook_config: false\n${rule('Rule.custom')}`), []);
  });

  it("rules: a profiler rule class's keyword arguments under base_config, checked as the class checks them, at the key or value (issue 16)", () => {
    const text = (yaml: string) => `${base}instance_type: ml.g5.xlarge\nrules:\n  - rule: ProfilerRule.sagemaker\n    base_config:\n${yaml}`;
    const problems = (yaml: string) => validateJobFile(text(yaml)).problems.filter((p) => p.severity === 'error');
    const found = (yaml: string) => problems(yaml).map((p) => [p.code, String(p.path)]);
    const covered = (yaml: string): string => {
      const p = problems(yaml)[0]!;
      return text(yaml).split('\n')[p.range.start.line]!.slice(p.range.start.character, p.range.end.character);
    };
    for (const good of [
      '      CPUBottleneck:\n        threshold: 60\n        gpu_threshold: 12.5\n',
      '      CPUBottleneck: null\n',
      '      CPUBottleneck: {}\n',
      '      LoadBalancing: {threshold: 0, patience: true}\n',
      '      StepOutlier: {mode: TRAIN}\n',
      '      StepOutlier: {mode: null}\n',
      // ProfilerReport: <rule>_<parameter>, the rule part case-insensitive, Dataloader included.
      '      ProfilerReport:\n        cpubottleneck_threshold: 20\n        Dataloader_min_threshold: 10\n        BatchSize_cpu_threshold_p95: 90\n',
    ])
      assert.deepEqual(found(good), [], good);
    // A keyword the class does not take: TypeError, at the key, with the likely one.
    const typo = '      CPUBottleneck:\n        treshold: 60\n';
    assert.deepEqual(found(typo), [['rules.profilerParameter', 'rules[0].base_config.CPUBottleneck.treshold']]);
    assert.equal(covered(typo), 'treshold');
    assert.match(problems(typo)[0]!.message, /CPUBottleneck\.__init__\(\) got an unexpected keyword argument 'treshold'\. Did you mean threshold\?/);
    // The class's own checks, in its words, at the value.
    const percentile = '      IOBottleneck:\n        io_threshold: 100.5\n';
    assert.deepEqual(found(percentile), [['rules.profilerParameter', 'rules[0].base_config.IOBottleneck.io_threshold']]);
    assert.equal(covered(percentile), '100.5');
    assert.match(problems(percentile)[0]!.message, /AssertionError: io_threshold must be a valid percentile!/);
    assert.match(problems('      GPUMemoryIncrease: {window: 0}\n')[0]!.message, /window must be a positive integer!/);
    assert.match(problems('      GPUMemoryIncrease: {window: "5"}\n')[0]!.message, /TypeError: '>' not supported between instances of 'str' and 'int'/);
    assert.match(problems('      CPUBottleneck: {threshold: null}\n')[0]!.message, /'<=' not supported between instances of 'int' and 'NoneType'/);
    assert.match(problems('      StepOutlier: {mode: 3}\n')[0]!.message, /Mode must be a string if specified!/);
    // ProfilerReport's own refusals: the key's form, the rule name, the parameter, then that rule's check.
    assert.match(problems('      ProfilerReport: {threshold: 5}\n')[0]!.message, /Key \(threshold\) does not follow naming scheme: <rule_name>_<parameter_name>/);
    assert.match(problems('      ProfilerReport: {CPUBotleneck_threshold: 5}\n')[0]!.message, /cpubotleneck is an invalid rule name![\s\S]*Did you mean CPUBottleneck_threshold\?/);
    assert.match(
      problems('      ProfilerReport: {BatchSize_windw: 5}\n')[0]!.message,
      /windw is an invalid parameter name! Accepted parameter names for BatchSize are: \(self, cpu_threshold_p95=70,[^)]*window=500[^)]*\)/,
    );
    assert.match(
      problems('      ProfilerReport: {LoadBalancing_threshold: 101}\n')[0]!.message,
      /LoadBalancing's threshold: AssertionError: threshold must be a valid percentile!/,
    );
    // One class per map; an unknown class, with the likely one; a Debugger rule function takes no arguments.
    assert.deepEqual(found('      CPUBottleneck: {}\n      IOBottleneck: {}\n'), [['rules.builtinArguments', 'rules[0].base_config']]);
    const unknown = '      CPUBotleneck: {threshold: 5}\n';
    assert.deepEqual(found(unknown), [['rules.unknownBuiltin', 'rules[0].base_config.CPUBotleneck']]);
    assert.match(problems(unknown)[0]!.message, /Did you mean CPUBottleneck\?/);
    const debuggerMap = validateJobFile(`${base}instance_type: ml.g5.xlarge\nrules:\n  - rule: Rule.sagemaker\n    base_config:\n      overfit: {}\n`).problems;
    assert.ok(debuggerMap.some((p) => p.code === 'rules.builtinArguments' && /rule_configs\.overfit\(\) takes no arguments/.test(p.message)));
  });

  it('rules: actions, an ActionList of StopTraining / Email / SMS, checked as the classes check them (issue 16)', () => {
    const text = (yaml: string, kind = 'Rule.sagemaker') => `${base}instance_type: ml.g5.xlarge\nrules:\n  - rule: ${kind}\n    base_config: overfit\n    actions:\n${yaml}`;
    const problems = (yaml: string) => validateJobFile(text(yaml)).problems.filter((p) => p.severity === 'error');
    const found = (yaml: string) => problems(yaml).map((p) => [p.code, String(p.path)]);
    for (const good of [
      '      - StopTraining: null\n',
      '      - StopTraining: {}\n',
      '      - StopTraining: my-job-1\n      - Email: someone@example.com\n      - SMS: "+15555550100"\n',
      '      - StopTraining: {training_job_prefix: Job-2}\n      - Email: {email_address: a1@b.io}\n      - SMS: {phone_number: "+4930123456"}\n',
      '      - Email: ops@example.com\n',
    ])
      assert.deepEqual(found(good), [], good);
    assert.deepEqual(
      validateJobFile(`${base}instance_type: ml.g5.xlarge\nrules:\n  - rule: Rule.sagemaker\n    base_config: overfit\n    actions: []\n`).problems.filter(
        (p) => p.severity === 'error',
      ),
      [],
    );
    const email = '      - Email: Someone@mail.example.com\n';
    assert.deepEqual(found(email), [['rules.action', 'rules[0].actions[0].Email']]);
    assert.match(problems(email)[0]!.message, /Invalid email address provided! Must follow this scheme: username@domain/);
    // The class's pattern, not a general one: lowercase before @, one domain word, a 2-3 character ending.
    for (const address of ['Someone@example.com', 'someone@example.info', 'first.last@example.com'])
      assert.match(problems(`      - Email: ${address}\n`)[0]?.message ?? '', /Invalid email address provided!/, address);
    assert.match(problems('      - SMS: "555-0100"\n')[0]!.message, /Invalid phone number provided! Must follow the E\.164 format\./);
    assert.match(problems('      - SMS: "+1234567890123456"\n')[0]!.message, /E\.164/); // 16 digits
    assert.match(
      problems('      - SMS: +15555550100\n').find((p) => p.code === 'rules.action')!.message,
      /phone_number must be a string! \(YAML reads \+15555550100 unquoted as a number: quote it\)/,
    );
    const prefix = '      - StopTraining:\n          training_job_prefix: my_job\n';
    assert.deepEqual(found(prefix), [['rules.action', 'rules[0].actions[0].StopTraining.training_job_prefix']]);
    assert.match(problems(prefix)[0]!.message, /Invalid training job prefix! Must contain only letters, numbers and hyphens!/);
    assert.match(problems('      - Emial: a@b.com\n')[0]!.message, /Emial is not an action[\s\S]*did you mean Email\?/);
    assert.match(problems('      - Email: {}\n')[0]!.message, /Email\.__init__\(\) missing 1 required positional argument: 'email_address'/);
    assert.match(problems('      - StopTraining: {prefix: x}\n')[0]!.message, /StopTraining\.__init__\(\) got an unexpected keyword argument 'prefix'/);
    assert.match(problems('      - {Email: a@b.com, SMS: "+1"}\n')[0]!.message, /names one class/);
    // The custom Debugger rule takes actions too; the profiler rules take none.
    const custom = `${base}instance_type: ml.g5.xlarge\nrules:\n  - {rule: Rule.custom, name: R, image_uri: i, instance_type: ml.t3.medium, volume_size_in_gb: 1, actions: [{Email: bad}]}\n`;
    assert.deepEqual(
      validateJobFile(custom)
        .problems.filter((p) => p.severity === 'error')
        .map((p) => [p.code, String(p.path)]),
      [['rules.action', 'rules[0].actions[0].Email']],
    );
  });

  it('rules: the built-in rules Rule.sagemaker / ProfilerRule.sagemaker(rule_configs.<base_config>()), the SDK refusals at the exact key (issue 16)', () => {
    const text = (yaml: string) => `${base}instance_type: ml.g5.xlarge\n${yaml}`;
    const problems = (yaml: string, severity: 'error' | 'warning' = 'error') => validateJobFile(text(yaml)).problems.filter((p) => p.severity === severity);
    const found = (yaml: string, severity: 'error' | 'warning' = 'error') => problems(yaml, severity).map((p) => [p.code, String(p.path)]);
    /** The text a problem's range covers. */
    const covered = (yaml: string, code: string): string => {
      const p = problems(yaml).find((q) => q.code === code)!;
      const lines = text(yaml).split('\n');
      assert.equal(p.range.start.line, p.range.end.line, code);
      return lines[p.range.start.line]!.slice(p.range.start.character, p.range.end.character);
    };
    for (const good of [
      'rules:\n  - rule: Rule.sagemaker\n    base_config: vanishing_gradient\n',
      'rules:\n  - rule: ProfilerRule.sagemaker\n    base_config: ProfilerReport\n',
      'region: cn-north-1\nrules:\n  - {rule: Rule.sagemaker, base_config: overfit, name: MyOverfit, s3_output_path: s3://b/r}\n',
      'rules:\n  - rule: Rule.sagemaker\n    base_config: loss_not_decreasing\n    other_trials_s3_input_paths: [s3://b/t]\n    rule_parameters: {num_steps: "20"}\n    collections_to_save:\n      - name: losses\n',
      'rules:\n  - {rule: ProfilerRule.sagemaker, base_config: StepOutlier, instance_type: ml.m5.xlarge, volume_size_in_gb: 10}\n',
    ])
      assert.deepEqual(found(good), [], good);
    // The schema: base_config is required, and names a rule of that kind.
    assert.ok(found('rules:\n  - rule: Rule.sagemaker\n').some(([c]) => String(c).startsWith('schema.')));
    assert.ok(found('rules:\n  - rule: Rule.sagemaker\n    base_config: not_a_rule\n').some(([c]) => String(c).startsWith('schema.')));
    assert.ok(found('rules:\n  - rule: Rule.sagemaker\n    base_config: ProfilerReport\n').some(([c]) => String(c).startsWith('schema.')));
    assert.ok(found('rules:\n  - rule: ProfilerRule.sagemaker\n    base_config: vanishing_gradient\n').some(([c]) => String(c).startsWith('schema.')));
    // The SDK's refusals, at the key that causes them.
    const toInvoke = 'rules:\n  - rule: Rule.sagemaker\n    base_config: vanishing_gradient\n    rule_parameters:\n      rule_to_invoke: Mine\n';
    assert.deepEqual(found(toInvoke), [['rules.builtinRuleToInvoke', 'rules[0].rule_parameters.rule_to_invoke']]);
    assert.equal(covered(toInvoke, 'rules.builtinRuleToInvoke'), 'rule_to_invoke');
    const keyword = 'rules:\n  - rule: Rule.sagemaker\n    base_config: vanishing_gradient\n    volume_size_in_gb: 10\n';
    assert.deepEqual(found(keyword), [['rules.notAKeyword', 'rules[0].volume_size_in_gb']]);
    assert.equal(covered(keyword, 'rules.notAKeyword'), 'volume_size_in_gb');
    assert.deepEqual(found('rules:\n  - {rule: ProfilerRule.sagemaker, base_config: ProfilerReport, rule_parameters: {a: "1"}}\n'), [
      ['rules.notAKeyword', 'rules[0].rule_parameters'],
    ]);
    assert.deepEqual(found('rules:\n  - {rule: Rule.custom, base_config: overfit, name: R, image_uri: i, instance_type: ml.t3.medium, volume_size_in_gb: 1}\n'), [
      ['rules.notAKeyword', 'rules[0].base_config'],
    ]);
    // Without a constructor, the schema asks for one; nothing is said of what an absent constructor takes.
    const noRule = found('rules:\n  - base_config: {CPUBottleneck: {threshold: 60}}\n  - {rule: Rule.other, base_config: overfit}\n');
    assert.ok(noRule.length > 0 && noRule.every(([c]) => String(c).startsWith('schema.')), JSON.stringify(noRule));
    const actions = 'rules:\n  - rule: ProfilerRule.sagemaker\n    base_config: ProfilerReport\n    actions: [{StopTraining: null}]\n';
    assert.deepEqual(found(actions), [['rules.notAKeyword', 'rules[0].actions']]);
    assert.equal(covered(actions, 'rules.notAKeyword'), 'actions');
    assert.deepEqual(found('region: us-gov-east-1\nrules:\n  - {rule: Rule.sagemaker, base_config: overfit}\n'), [
      ['debugger.regionUnsupported', 'rules'],
      ['rules.builtinRegionUnsupported', 'rules[0]'],
    ]); // listed by position
    assert.deepEqual(found('region: us-gov-east-1\ndebugger_hook_config: false\nrules:\n  - {rule: Rule.sagemaker, base_config: overfit}\n'), [
      ['rules.builtinRegionUnsupported', 'rules[0]'],
    ]);
    assert.deepEqual(found('region: il-central-1\nrules:\n  - {rule: ProfilerRule.sagemaker, base_config: ProfilerReport}\n'), [['rules.builtinRegionUnsupported', 'rules[0]']]);
    assert.deepEqual(found('disable_profiler: true\nrules:\n  - {rule: ProfilerRule.sagemaker, base_config: ProfilerReport}\n'), [['profiler.disabled', 'rules[0]']]);
    assert.deepEqual(found('rules:\n  - {rule: ProfilerRule.sagemaker, base_config: ProfilerReport, name: DetailedProfilerProcessingJobConfigX}\n'), [
      ['rules.detailedProfilerName', 'rules[0].name'],
    ]);
    // The SDK's warning for the XGBoost-only rules (EstimatorBase._check_debugger_rule).
    assert.deepEqual(found('rules:\n  - {rule: Rule.sagemaker, base_config: tree_depth}\n', 'warning'), [['rules.xgboostOnly', 'rules[0]']]);
  });

  it('compiler_config: TrainingCompilerConfig(enabled, debug), its image table and the SDK refusals at their keys, its warnings (issue 16)', () => {
    const head = 'entry_point: train.py\nrole: SageMakerRole\n';
    const pt111 = 'transformers_version: "4.21.1"\npytorch_version: "1.11.0"\n';
    const found = (yaml: string, severity: 'error' | 'warning' = 'error') =>
      validateJobFile(`${head}${yaml}`)
        .problems.filter((p) => p.severity === severity)
        .map((p) => [p.code, String(p.path)]);
    const quiet = 'disable_profiler: true\ndebugger_hook_config: false\n';
    // Accepted: every row of the compiler's table, aliases as the SDK takes them.
    for (const good of [
      `instance_type: ml.p4d.24xlarge\n${pt111}compiler_config: {}\n`,
      'instance_type: ml.g5.xlarge\ntransformers_version: "4.17"\npytorch_version: "1.10"\ncompiler_config: {debug: true}\n',
      'instance_type: ml.g4dn.xlarge\ntransformers_version: "4.17.0"\ntensorflow_version: "2.6.3"\nregion: ap-southeast-5\ncompiler_config: {}\n',
      'instance_type: ml.p3.16xlarge\ninstance_count: 2\ntransformers_version: "4.17.0"\npytorch_version: "1.10.2"\ndistribution: {pytorchddp: {enabled: true}}\ncompiler_config: {}\n',
    ])
      assert.deepEqual(found(good), [], good);
    assert.ok(found('instance_type: ml.g5.xlarge\ncompiler_config: {enable: true}\n' + pt111).some(([c]) => String(c).startsWith('schema.')));
    assert.ok(found('instance_type: ml.g5.xlarge\ncompiler_config: true\n' + pt111).some(([c]) => String(c).startsWith('schema.')));
    // Refused where the SDK raises, at the key that causes it.
    assert.deepEqual(found(`instance_type: ml.g6.xlarge\n${pt111}compiler_config: {}\n`), [['compiler.instanceType', 'instance_type']]);
    assert.deepEqual(found(`instance_type: local\n${pt111}compiler_config: {}\n`), [['compiler.instanceType', 'instance_type']]);
    assert.deepEqual(found('instance_type: ml.g5.xlarge\ntransformers_version: "4.26.0"\npytorch_version: "1.13.1"\ncompiler_config: {}\n'), [
      ['image.matrix', 'transformers_version'],
      ['compiler.frameworkVersion', 'pytorch_version'],
    ]);
    assert.deepEqual(found('instance_type: ml.g5.xlarge\nimage_uri: 1.dkr.ecr.us-east-1.amazonaws.com/x:1\ncompiler_config: {}\n'), [['compiler.imageUri', 'image_uri']]);
    assert.deepEqual(
      found(
        'instance_type: ml.p4d.24xlarge\ntransformers_version: "4.17.0"\npytorch_version: "1.10.2"\npy_version: py38\ndistribution: {smdistributed: {dataparallel: {enabled: true}}}\ncompiler_config: {}\n',
      ),
      [['compiler.smdistributed', 'distribution.smdistributed']],
    );
    assert.deepEqual(found(`instance_type: ml.p4d.24xlarge\ninstance_count: 2\n${pt111}distribution: {mpi: {enabled: true}}\ncompiler_config: {}\n`), [
      ['compiler.distribution', 'distribution'],
    ]);
    assert.deepEqual(found(`instance_type: ml.g5.xlarge\n${pt111}region: us-gov-west-1\ncompiler_config: {}\n`), [['image.matrix', 'region']]);
    assert.deepEqual(found('instance_type: ml.g5.xlarge\ntransformers_version: "4.11.0"\npytorch_version: "1.9.0"\nregion: eu-west-2\ncompiler_config: {}\n'), [
      ['image.matrix', 'region'],
    ]);
    // Warnings for what the SDK logs, and for what enabled: false really does.
    assert.deepEqual(found(`instance_type: ml.g5.xlarge\n${pt111}compiler_config: {}\n`, 'warning'), [['compiler.debuggerOverhead', 'compiler_config']]);
    assert.deepEqual(found(`instance_type: ml.g5.xlarge\n${pt111}${quiet}compiler_config: {}\n`, 'warning'), []);
    assert.deepEqual(found(`instance_type: ml.g5.xlarge\n${pt111}${quiet}compiler_config: {enabled: false}\n`, 'warning'), [
      ['compiler.disabledStillCompiles', 'compiler_config.enabled'],
    ]);
    assert.deepEqual(found(`instance_type: ml.g5.xlarge\n${pt111}${quiet}compiler_config: {debug: true}\n`, 'warning'), [['compiler.debugSlows', 'compiler_config.debug']]);
    assert.deepEqual(found(`instance_type: ml.g5.xlarge\ninstance_count: 2\n${pt111}${quiet}compiler_config: {}\n`, 'warning'), [
      ['compiler.multiNodeWithoutDistribution', 'instance_count'],
    ]);
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

  it("warns where the toolkit's unquoted /bin/sh command line would change a hyperparameter, at its value", () => {
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
    assert.deepEqual(
      problems.map((p) => [p.code, p.path, p.severity]),
      [
        ['inputs.local', 'inputs.train', 'info'],
        ['inputs.local', 'inputs.test', 'info'],
        ['inputs.missing', 'inputs.extra', 'warning'],
      ],
    );
    assert.match(problems[2]!.message, /\/work\/job\/nowhere/);
    assert.deepEqual(problems[0]!.range, { start: { line: 7, character: 9 }, end: { line: 7, character: 21 } });
  });

  it('accepts a bare role name and an ARN in another partition, and rejects other ARNs', () => {
    assert.ok(!codes('instance_type: ml.g5.xlarge\n').includes('role.invalid'));
    assert.ok(
      !validateJobFile(base.replace('SageMakerRole', 'arn:aws-us-gov:iam::123456789012:role/x/y') + 'instance_type: ml.g5.xlarge\n').problems.some(
        (p) => p.code === 'role.invalid',
      ),
    );
    assert.ok(
      validateJobFile(base.replace('SageMakerRole', 'arn:aws:sts::123456789012:assumed-role/x') + 'instance_type: ml.g5.xlarge\n').problems.some(
        (p) => p.code === 'role.invalid' && /sts/.test(p.message),
      ),
    );
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
    assert.ok(
      validateJobFile(`${base}instance_type: ml.g5.xlarge\nentry_point: missing.py\n`.replace('entry_point: train.py\n', ''), ctx).problems.some(
        (p) => p.code === 'source.entryPoint',
      ),
    );
    assert.ok(validateJobFile(`${base}instance_type: ml.g5.xlarge\nsource_dir: nowhere\n`, ctx).problems.some((p) => p.code === 'source.missing'));
  });
});

describe('job file validation: hostile input becomes problems, never an exception', () => {
  const base = 'entry_point: train.py\nrole: SageMakerRole\ntransformers_version: "4.56.2"\npytorch_version: "2.8.0"\npy_version: py312\ninstance_type: ml.g5.xlarge\n';
  const baseLines = base.split('\n').length - 1;
  /** The problems of `text`, asserting each range lies inside it. */
  function problemsOf(text: string, context = {}) {
    const result = validateJobFile(text, context);
    const lines = text.split(/\r\n|\r|\n/);
    for (const p of result.problems) {
      for (const pos of [p.range.start, p.range.end])
        assert.ok(pos.line < lines.length && pos.character <= lines[pos.line]!.length, `${p.code} range ${JSON.stringify(p.range)} is outside the document`);
    }
    return result;
  }
  const textAt = (text: string, r: { start: { line: number; character: number }; end: { line: number; character: number } }) => {
    const lines = text.split('\n');
    assert.equal(r.start.line, r.end.line, 'a one-line range');
    return lines[r.start.line]!.slice(r.start.character, r.end.character);
  };

  it("an alias without its anchor (`*Lr` for `&lr`) is an error at the alias, suggesting the anchor, and the file's other problems still show", () => {
    const text = `${base.replace('ml.g5.xlarge', 'ml.g5.xlarg')}hyperparameters:\n  warmup: &lr 5e-5\n  learning_rate: *Lr\n`;
    const { problems, spec } = problemsOf(text);
    const alias = problems.filter((p) => p.code.startsWith('yaml.'));
    assert.equal(alias.length, 1);
    assert.equal(alias[0]!.code, 'yaml.unresolvedAlias');
    assert.equal(alias[0]!.severity, 'error');
    assert.equal(alias[0]!.path, 'hyperparameters.learning_rate');
    assert.equal(textAt(text, alias[0]!.range), '*Lr');
    assert.match(alias[0]!.message, /Did you mean `\*lr`\?/);
    // The value that could not be read says nothing more (no "empty value" warning for it) …
    assert.deepEqual(
      problems.filter((p) => p.path === 'hyperparameters.learning_rate').map((p) => p.code),
      ['yaml.unresolvedAlias'],
    );
    // … and the rest of the file is checked as usual.
    assert.ok(
      problems.some((p) => p.code === 'instance.unknown'),
      'the instance type typo is still reported',
    );
    assert.equal(spec?.hyperparameters?.['warmup'], 5e-5);
  });

  it("an alias before its anchor is an error at the alias naming the anchor's line", () => {
    const text = `${base}hyperparameters:\n  learning_rate: *lr\n  warmup: &lr 5e-5\n`;
    const [p, ...rest] = problemsOf(text).problems.filter((x) => x.severity === 'error');
    assert.deepEqual(rest, []);
    assert.equal(p!.code, 'yaml.aliasBeforeAnchor');
    assert.equal(textAt(text, p!.range), '*lr');
    assert.match(p!.message, new RegExp(`line ${baseLines + 3}\\b`));
  });

  it('an anchor that contains itself under hyperparameters is an error at the alias, not a circular structure', () => {
    for (const hps of ['hyperparameters: &h\n  self: *h\n', 'hyperparameters:\n  layers: &a [1, *a]\n', 'hyperparameters:\n  x: &m {y: {z: *m}}\n']) {
      const text = base + hps;
      const errors = problemsOf(text).problems.filter((p) => p.severity === 'error');
      assert.deepEqual(
        errors.map((p) => p.code),
        ['yaml.recursiveAlias'],
        hps,
      );
      assert.match(textAt(text, errors[0]!.range), /^\*[hma]$/);
    }
  });

  it("more than 100 uses of an alias are fine: each repeats its anchor's value", () => {
    const uses = Array.from({ length: 150 }, () => '*w').join(', ');
    const { problems, spec } = problemsOf(`${base}hyperparameters:\n  width: &w 64\n  layers: [${uses}]\n`);
    assert.deepEqual(
      problems.filter((p) => p.severity !== 'info' && p.code !== 'hyperparameters.shellSplit'),
      [],
    );
    assert.deepEqual(
      spec?.hyperparameters?.['layers'],
      Array.from({ length: 150 }, () => 64),
    );
  });

  it('aliases that multiply (billion laughs) stop at a bound with one error at the alias that crosses it', () => {
    let text = `${base}hyperparameters:\n  l0: &l0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n`;
    for (let i = 1; i <= 9; i++) text += `  l${i}: &l${i} [${Array.from({ length: 10 }, () => `*l${i - 1}`).join(', ')}]\n`;
    const { problems, spec } = problemsOf(text);
    assert.deepEqual(
      problems.map((p) => p.code),
      ['yaml.aliasExpansion'],
    );
    assert.match(problems[0]!.message, /more than 10,000 values/);
    assert.match(textAt(text, problems[0]!.range), /^\*l\d$/);
    assert.equal(spec, undefined, 'nothing is built from such a file');
  });

  it('a 5 MB base_job_name or role is reported (the SDK refuses it), not a regex stack overflow, with a short message', () => {
    const cases: Array<[string, string, string]> = [
      ['base_job_name', `base_job_name: ${'a-'.repeat(2_500_000)}a\n`, 'jobName.truncated'],
      ['base_job_name', `base_job_name: ${'a'.repeat(5_000_000)}_\n`, 'jobName.pattern'],
      ['role', `role: ${'a'.repeat(5_000_000)}\n`, 'role.invalid'],
      ['role', `role: arn:aws:iam::123456789012:role/${'a/'.repeat(2_500_000)}r\n`, 'role.invalid'],
      ['region', `region: us${'-a'.repeat(2_500_000)}-1\n`, 'region.invalid'],
    ];
    for (const [key, line, code] of cases) {
      const text = base.replace('role: SageMakerRole\n', '') + (key === 'role' ? '' : 'role: SageMakerRole\n') + line;
      const { problems } = problemsOf(text);
      const p = problems.find((x) => x.path === key && x.code === code);
      assert.ok(p, `${code} for a huge ${key}: got ${problems.map((x) => x.code).join(', ')}`);
      assert.deepEqual(p.range.start, { line: text.split('\n').length - 2, character: key.length + 2 });
      assert.ok(
        problems.every((x) => x.message.length < 1000),
        'no message quotes the value whole',
      );
    }
  });

  it('nesting deeper than any job file needs is one error; thousands of levels too', () => {
    const nested = problemsOf(`${base}hyperparameters:\n  x: ${'['.repeat(150)}1${']'.repeat(150)}\n`).problems;
    assert.deepEqual(
      nested.map((p) => p.code),
      ['yaml.tooDeep'],
    );
    const deeper = problemsOf(`${base}hyperparameters:\n  x: ${'['.repeat(20_000)}1${']'.repeat(20_000)}\n`).problems;
    assert.ok(deeper.length > 0 && deeper.every((p) => p.severity === 'error' && p.code !== 'internal.error'), deeper.map((p) => p.code).join());
  });

  it('should a check itself fail, the file gets one internal error at its start instead of an exception', () => {
    const stat = () => {
      throw new Error('disk on fire');
    };
    const { problems, spec } = validateJobFile(base, { baseDir: '/nowhere', stat });
    assert.equal(spec, undefined);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.code, 'internal.error');
    assert.deepEqual(problems[0]!.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
    assert.match(problems[0]!.message, /Internal error in the job-file validator.*disk on fire/);
  });
});

describe('job file validation: merge keys, hyperparameter names, numbers JSON cannot carry', () => {
  const base = 'entry_point: train.py\nrole: SageMakerRole\ntransformers_version: "4.56.2"\npytorch_version: "2.8.0"\npy_version: py312\ninstance_type: ml.g5.xlarge\n';

  it('merges `<<` keys as PyYAML does, and the request builder sends the same hyperparameters', () => {
    const text = `${base}distribution: &d {torch_distributed: {enabled: true}}\nhyperparameters:\n  batch: 8\n  <<: [{lr: 1, epochs: 2}, {lr: 3, seed: 4}]\n  epochs: 5\nenvironment:\n  <<: {A: "1", B: "2"}\n  <<: {A: "3"}\n`;
    const { problems, spec } = validateJobFile(text);
    assert.deepEqual(
      problems.filter((p) => p.severity !== 'info'),
      [],
    );
    // Earlier merge sources win over later ones, the mapping's own keys over both; merged keys come first.
    assert.deepEqual(Object.entries(spec!.hyperparameters!), [
      ['lr', 1],
      ['seed', 4],
      ['epochs', 5],
      ['batch', 8],
    ]);
    // A later `<<` overrides an earlier one (PyYAML reads them in order).
    assert.deepEqual(spec!.environment, { A: '3', B: '2' });
    assert.deepEqual(encodeJobFileValues(text).hyperparameters, { lr: '1', seed: '4', epochs: '5', batch: '8' });
    assert.deepEqual(Object.keys(encodeJobFileValues(text).hyperparameters), ['lr', 'seed', 'epochs', 'batch']);
  });

  it('agrees with PyYAML itself on merge keys', { skip: !pyyamlAvailable() && 'no python3 with PyYAML' }, () => {
    const cases = [
      'hyperparameters:\n  batch: 8\n  <<: [{lr: 1, epochs: 2}, {lr: 3, seed: 4}]\n  epochs: 5\n',
      'hyperparameters:\n  <<: {lr: 1, epochs: 2}\n  batch: 8\n  <<: {lr: 3, seed: 4}\n',
      'defaults: &a {lr: 1, <<: {deep: 1, lr: 9}}\nhyperparameters:\n  <<: *a\n  x: y\n',
      'hyperparameters:\n  "<<": quoted\n  <<: {a: 1}\n',
    ];
    const python = spawnSync(
      '/usr/bin/python3',
      ['-c', 'import sys, json, yaml\nfor doc in json.load(sys.stdin): print(json.dumps(list(yaml.safe_load(doc)["hyperparameters"].items())))'],
      { input: JSON.stringify(cases), encoding: 'utf8' },
    );
    assert.equal(python.status, 0, python.stderr);
    const expected = python.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Array<[string, unknown]>);
    cases.forEach((text, i) => {
      const spec = validateJobFile(base + text).spec!;
      assert.deepEqual(Object.entries(spec.hyperparameters!), expected[i], text);
      assert.deepEqual(
        Object.entries(encodeJobFileValues(base + text).hyperparameters),
        expected[i]!.map(([k, v]) => [k, JSON.stringify(v)]),
        text,
      );
    });
  });

  it('a problem about a merged value points at that value where the anchor sets it', () => {
    const text = `${base}distribution:\n  torch_distributed: &shared\n    enabled: true\n    prompt: "summarize: "\nhyperparameters:\n  <<: *shared\n`;
    const shell = validateJobFile(text).problems.find((p) => p.code === 'hyperparameters.shellSplit' && p.path === 'hyperparameters.prompt')!;
    assert.ok(shell, 'the merged value is checked');
    assert.deepEqual(shell.range, { start: { line: 9, character: 12 }, end: { line: 9, character: 25 } });
  });

  it('a merge key with something else than a mapping to merge is an error at it', () => {
    for (const [source, what] of [
      ['3', 'the number 3'],
      ['[{a: 1}, x]', 'text'],
      ['[]', undefined],
    ] as const) {
      const text = `${base}hyperparameters:\n  <<: ${source}\n  b: 1\n`;
      const problems = validateJobFile(text).problems.filter((p) => p.code === 'yaml.mergeSource');
      if (what === undefined) {
        assert.deepEqual(problems, [], 'an empty list merges nothing');
        continue;
      }
      assert.equal(problems.length, 1, source);
      assert.equal(problems[0]!.range.start.line, 7);
      assert.match(problems[0]!.message, new RegExp(what));
    }
  });

  it('warns about hyperparameter names that /bin/sh would split or that hold NUL, at the name', () => {
    const text = `${base}hyperparameters:\n  "my key": 1\n  a$b: 2\n  "x;y": 3\n  "a\\0b": 4\n  "": 5\n  fine_name-2: 6\n  k: 7\n`;
    const problems = validateJobFile(text).problems.filter((p) => p.code.startsWith('hyperparameters.'));
    assert.deepEqual(
      problems.map((p) => [p.code, p.severity, p.range.start.line, p.range.start.character]),
      [
        ['hyperparameters.shellSplitName', 'warning', 7, 2],
        ['hyperparameters.shellSplitName', 'warning', 8, 2],
        ['hyperparameters.shellSplitName', 'warning', 9, 2],
        ['hyperparameters.nul', 'error', 10, 2],
        ['hyperparameters.emptyName', 'warning', 11, 2],
      ],
    );
    assert.match(problems[0]!.message, /`--my key …` through \/bin\/sh unquoted/);
    assert.match(problems[3]!.message, /embedded null byte/);
    assert.match(problems[4]!.message, /`5`, a stray argument/);
  });

  it('reports a NUL in a hyperparameter value, which no command line can hold', () => {
    const p = validateJobFile(`${base}hyperparameters:\n  stop: "a\\0b"\n`).problems.filter((x) => x.path === 'hyperparameters.stop');
    assert.deepEqual(
      p.map((x) => [x.code, x.severity]),
      [['hyperparameters.nul', 'error']],
    );
  });

  it('reports .inf, .nan and numbers beyond a double, which JSON cannot carry, saying what to write', () => {
    const text = `${base}max_run: .inf\nhyperparameters:\n  a: .inf\n  b: -.Inf\n  c: .nan\n  d: 1e400\n  e: "inf"\n  f: 1e308\n`;
    const problems = validateJobFile(text).problems;
    const notFinite = problems.filter((p) => p.code === 'number.notFinite');
    // A request field cannot carry it at all; a hyperparameter travels as the SDK's non-JSON Infinity.
    assert.deepEqual(
      notFinite.map((p) => [p.path, p.severity]),
      [
        ['max_run', 'error'],
        ['hyperparameters.a', 'warning'],
        ['hyperparameters.b', 'warning'],
        ['hyperparameters.c', 'warning'],
        ['hyperparameters.d', 'warning'],
      ],
    );
    assert.match(notFinite[0]!.message, /Write a finite number\.$/);
    assert.match(notFinite[1]!.message, /the SDK sends Infinity.*Quote it, `"inf"`: the script receives the same inf/);
    assert.match(notFinite[2]!.message, /`"-inf"`/);
    assert.match(notFinite[3]!.message, /sends NaN.*`"nan"`/);
    assert.match(notFinite[4]!.message, /`1e400` is beyond the largest number a float holds.*the script receives inf.*quote it \(`"1e400"`\)/);
    assert.deepEqual(
      problems.filter((p) => p.path === 'max_run').map((p) => p.code),
      ['number.notFinite'],
      'no second problem for the same value',
    );
  });
});

function pyyamlAvailable(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0;
}

describe('did you mean: bounded by the candidates, whatever the value', () => {
  const names = listInstanceTypes().map((t) => t.name);

  it('still suggests for typos', () => {
    assert.equal(closestMatch('ml.g5.xlarg', names), 'ml.g5.xlarge');
    assert.equal(closestMatch('instanceType', ['instance_type', 'instance_count']), 'instance_type');
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('ab', 'ba'), 1, 'a transposition is one edit');
  });

  it('the distance gives up at the limit: at once when the lengths alone exceed it, and as soon as a row does', () => {
    assert.equal(editDistance('x'.repeat(1_000_000), 'ml.g5.xlarge', 4), 5);
    assert.equal(editDistance('abcdefgh', 'zyxwvuts', 2), 3);
    for (const [a, b] of [
      ['kitten', 'sitting'],
      ['ml.p3dn.24xlarge', 'ml.p3.24xlarge'],
      ['abc', 'abc'],
    ] as const) {
      const full = editDistance(a, b);
      assert.equal(editDistance(a, b, full), full, 'within the limit, the exact distance');
      if (full > 0) assert.equal(editDistance(a, b, full - 1), full, 'beyond it, limit + 1');
    }
  });

  it('compares nothing for a value far longer than any candidate, and suggests nothing', () => {
    const long = `ml.g5.xlarge${'x'.repeat(1_000_000)}`;
    assert.deepEqual(withinTypoReach(long, names), [], 'no candidate is within reach by length');
    assert.equal(closestMatch(long, names), undefined);
    assert.equal(closestMatch('a'.repeat(1_000_000), ['instance_type', 'role']), undefined);
    // Within reach: lengths differing by at most the typo limit (a third of the word, at least 2).
    assert.deepEqual(withinTypoReach('instance_typ', ['instance_type', 'role', 'instance_count', 'it']), ['instance_type', 'instance_count']);
  });

  it("a 1 MB instance_type or unknown key is validated in well under the test's bound, with no suggestion", { timeout: 60_000 }, () => {
    const base = 'entry_point: train.py\nrole: SageMakerRole\ntransformers_version: "4.56.2"\npytorch_version: "2.8.0"\n';
    const type = validateJobFile(`${base}instance_type: ml.g5.${'x'.repeat(1_000_000)}\n`).problems.find((p) => p.code === 'instance.unknown')!;
    assert.ok(type, 'the unknown type is reported');
    assert.doesNotMatch(type.message, /did you mean/);
    // An explicit key (`? key`): YAML limits implicit ones to 1024 characters.
    const key = validateJobFile(`${base}instance_type: ml.g5.xlarge\n? ${'instance_type'.repeat(80_000)}\n: 1\n`).problems.find((p) => p.code === 'schema.unknownKey')!;
    assert.ok(key, 'the unknown key is reported');
    assert.doesNotMatch(key.message, /Did you mean/);
  });
});

describe("a channel's TrainingInput options (issue 16)", () => {
  const head = 'entry_point: train.py\nrole: SageMakerRole\ntransformers_version: "4.56.2"\npytorch_version: "2.8.0"\npy_version: py312\n';
  const groups =
    'instance_groups:\n  - instance_group_name: data\n    instance_type: ml.c5.xlarge\n    instance_count: 1\n  - instance_group_name: train\n    instance_type: ml.g5.xlarge\n    instance_count: 2\n';

  it('points at a group name the job lacks, with the group it likely means and a fix to it; a far-off name gets no guess', () => {
    const text = `${head}${groups}inputs:\n  train:\n    s3_data: s3://my-bucket/train\n    instance_groups: [data, trian, zzz]\n`;
    const found = validateJobFile(text).problems.filter((p) => p.code === 'inputs.instanceGroupUnknown');
    assert.deepEqual(
      found.map((p) => [p.severity, p.path, p.range]),
      [
        ['error', 'inputs.train.instance_groups[1]', { start: { line: 15, character: 28 }, end: { line: 15, character: 33 } }],
        ['error', 'inputs.train.instance_groups[2]', { start: { line: 15, character: 35 }, end: { line: 15, character: 38 } }],
      ],
    );
    assert.match(found[0]!.message, /^trian is not one of this job's instance groups \(data, train\); did you mean train\?/);
    assert.deepEqual(found[0]!.fixes, [{ title: 'Change to train', range: found[0]!.range, newText: 'train' }]);
    assert.doesNotMatch(found[1]!.message, /did you mean/);
    assert.deepEqual(found[1]!.fixes ?? [], []);
  });

  it("is an error without instance_groups on the job, at the key, and none for the job's own groups", () => {
    const without = validateJobFile(`${head}instance_type: ml.g5.xlarge\ninputs:\n  train:\n    s3_data: s3://my-bucket/train\n    instance_groups: [train]\n`).problems;
    assert.deepEqual(
      without.filter((p) => p.code.startsWith('inputs.')).map((p) => [p.code, p.severity, p.path, p.range.start.line, p.range.start.character]),
      [['inputs.instanceGroupsWithoutGroups', 'error', 'inputs.train.instance_groups', 9, 4]],
    );
    assert.match(without.find((p) => p.code === 'inputs.instanceGroupsWithoutGroups')!.message, /this job has no instance_groups, so there is no group to name/);
    const fine = validateJobFile(`${head}${groups}inputs:\n  train:\n    s3_data: s3://my-bucket/train\n    instance_groups: [train, data]\n`).problems;
    assert.deepEqual(
      fine.filter((p) => p.severity !== 'info'),
      [],
    );
  });

  it('refuses target_attribute_name by name, with the reason the request builder gives too', () => {
    assert.equal(UNSUPPORTED_ARGUMENTS['inputs.<name>.target_attribute_name'], TARGET_ATTRIBUTE_NAME_REFUSAL);
    const refused = validateJobFile(
      `${head}instance_type: ml.g5.xlarge\ninputs:\n  my-data:\n    s3_data: s3://my-bucket/train\n    target_attribute_name: label\n`,
    ).problems.filter((p) => p.code === 'schema.unsupportedArgument');
    assert.deepEqual(
      refused.map((p) => [p.path, p.range.start.line, p.range.start.character]),
      [['inputs.my-data.target_attribute_name', 9, 4]],
    );
    assert.match(refused[0]!.message, /^`inputs\.my-data\.target_attribute_name` is a keyword argument of the SDK's TrainingInput .* CreateTrainingJob's Channel does not have/);
    // Anywhere else the key is just unknown.
    assert.deepEqual(
      validateJobFile(`${head}instance_type: ml.g5.xlarge\ntarget_attribute_name: label\n`)
        .problems.filter((p) => p.code.startsWith('schema.'))
        .map((p) => p.code),
      ['schema.unknownKey'],
    );
  });
});
