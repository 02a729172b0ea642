/**
 * Clone as Job File (src/core/jobs/jobFileFromDescription.ts), the second half: what the clone says
 * word for word (the header, the notes for unmapped sagemaker_* keys, the named training group,
 * secrets, pending time, ExperimentConfig), which defaults it leaves out (volume size, max run, File
 * mode, log level 20, empty environment and metric definitions), when it writes base_job_name, and
 * how hyperparameter and distribution values are written (floats as Python's repr writes them, flow
 * style below the block levels, long strings on one line). Plain node, no AWS.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { jobFileFromDescription } from '../../src/core/jobs/jobFileFromDescription';
import type { TrainingJobDescription } from '../../src/core/jobs/trainingJobDescription';

const IMAGE = '111122223333.dkr.ecr.us-east-1.amazonaws.com/my-trainer:latest';
const PROGRAM = { sagemaker_program: '"train.py"' };
const TIMESTAMP = '2026-11-26-08-00-00-123';

/** The clone of a job with the given fields (no tags, so the tags note stays out). */
function clone(d: TrainingJobDescription) {
  return jobFileFromDescription({ TrainingJobName: 'j', ...d }, { tags: [] });
}

/** One top-level key's block (the key line and its indented lines), or undefined. */
function block(text: string, key: string): string | undefined {
  return new RegExp(`^${key}:.*\\n(?: .*\\n)*`, 'm').exec(text)?.[0];
}

describe('jobFileFromDescription: the header', () => {
  it('names the job, then its region and creation time when the description has them', () => {
    assert.equal(clone({ TrainingJobName: 'plain' }).text.split('\n')[0], '# Cloned from the training job plain.');
    assert.equal(
      clone({ TrainingJobName: 'r', TrainingJobArn: 'arn:aws:sagemaker:eu-west-1:111122223333:training-job/r' }).text.split('\n')[0],
      '# Cloned from the training job r (eu-west-1).',
    );
    assert.equal(
      clone({ TrainingJobName: 't', CreationTime: new Date('2026-11-26T08:00:00Z') }).text.split('\n')[0],
      '# Cloned from the training job t, created 2026-11-26T08:00:00.000Z.',
    );
    assert.equal(
      clone({ TrainingJobName: 'rt', TrainingJobArn: 'arn:aws:sagemaker:eu-west-1:111122223333:training-job/rt', CreationTime: new Date('2026-11-26T08:00:00Z') }).text.split(
        '\n',
      )[0],
      '# Cloned from the training job rt (eu-west-1), created 2026-11-26T08:00:00.000Z.',
    );
  });

  it('says that an S3 source_dir is the archive the job ran, and nothing of the kind without one', () => {
    const s3 = clone({ HyperParameters: { ...PROGRAM, sagemaker_submit_directory: '"s3://b/j/source/sourcedir.tar.gz"' } });
    assert.deepEqual(s3.text.split('\n').slice(0, 3), [
      '# Cloned from the training job j.',
      '# source_dir is the code archive that job ran; point it at your local folder to train changed code.',
      '',
    ]);
    assert.match(s3.text, /^source_dir: s3:\/\/b\/j\/source\/sourcedir\.tar\.gz$/m);
    assert.deepEqual(s3.notes, []);

    const local = clone({ HyperParameters: { ...PROGRAM, sagemaker_submit_directory: '"file:///home/me/code"' } });
    assert.deepEqual(local.text.split('\n').slice(0, 3), [
      '# Cloned from the training job j.',
      "# Note: The job's code was at file:///home/me/code, which a SageMaker job cannot read: set source_dir to the folder with train.py.",
      '',
    ]);
    assert.doesNotMatch(local.text, /source_dir is the code archive/);
  });

  it('a job with nothing to carry over is the header, entry_point and the hook setting alone', () => {
    const c = clone({
      HyperParameters: { ...PROGRAM, sagemaker_job_name: '"j"', sagemaker_region: '"us-east-1"', sagemaker_container_log_level: '20' },
      Environment: {},
      AlgorithmSpecification: { TrainingInputMode: 'File', MetricDefinitions: [] },
      ResourceConfig: { VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 86400 },
    });
    assert.equal(c.text, '# Cloned from the training job j.\n\nentry_point: train.py\ndebugger_hook_config: false\n');
    assert.deepEqual(c.notes, []);
  });
});

describe('jobFileFromDescription: the notes', () => {
  it('lists the sagemaker_* keys it keeps as hyperparameters, and only those', () => {
    const c = clone({ HyperParameters: { ...PROGRAM, epochs: '3', sagemaker_foo: '1', sagemaker_bar: '"x"' } });
    assert.deepEqual(c.notes, ['Kept as hyperparameters, since a job file has no setting for them: sagemaker_foo, sagemaker_bar.']);
    assert.equal(block(c.text, 'hyperparameters'), 'hyperparameters:\n  epochs: 3\n  sagemaker_foo: 1\n  sagemaker_bar: x\n');
    assert.ok(c.text.includes('\n# Note: Kept as hyperparameters, since a job file has no setting for them: sagemaker_foo, sagemaker_bar.\n'), c.text);

    const userOnly = clone({ HyperParameters: { ...PROGRAM, epochs: '3' } });
    assert.deepEqual(userOnly.notes, []);
    assert.equal(block(userOnly.text, 'hyperparameters'), 'hyperparameters:\n  epochs: 3\n');
  });

  it('says MaxPendingTimeInSeconds and ExperimentConfig are not carried over, only when the job had them', () => {
    const c = clone({ StoppingCondition: { MaxPendingTimeInSeconds: 7200 }, ExperimentConfig: { ExperimentName: 'e' } } as TrainingJobDescription);
    assert.deepEqual(c.notes, [
      'The job has no sagemaker_program hyperparameter (it was not launched by a framework estimator): set entry_point to your training script.',
      'MaxPendingTimeInSeconds (7200) has no job-file setting and is not carried over.',
      'ExperimentConfig is not carried over.',
    ]);
    assert.ok(
      c.text.includes('\n# Note: MaxPendingTimeInSeconds (7200) has no job-file setting and is not carried over.\n# Note: ExperimentConfig is not carried over.\n'),
      c.text,
    );
    assert.deepEqual(clone({ HyperParameters: PROGRAM, StoppingCondition: { MaxRuntimeInSeconds: 3600 } }).notes, []);
  });

  it('takes a secret-looking environment value from the environment and says so', () => {
    const c = clone({ HyperParameters: PROGRAM, Environment: { HF_TOKEN: 'hf_abcdefghijklmnopqrstuvwxyz0123', NCCL_DEBUG: 'INFO' } });
    assert.deepEqual(c.notes, ['environment.HF_TOKEN looked like a secret: the file takes it from your environment (${env:HF_TOKEN}) instead of copying it.']);
    assert.equal(block(c.text, 'environment'), 'environment:\n  HF_TOKEN: ${env:HF_TOKEN}\n  NCCL_DEBUG: INFO\n');
  });
});

describe('jobFileFromDescription: defaults left out, the rest kept', () => {
  it('volume_size and max_run: left out at 30 GB and 86400 s, written otherwise', () => {
    const defaults = clone({ HyperParameters: PROGRAM, ResourceConfig: { VolumeSizeInGB: 30 }, StoppingCondition: { MaxRuntimeInSeconds: 86400 } });
    assert.doesNotMatch(defaults.text, /^(volume_size|max_run):/m);
    const other = clone({ HyperParameters: PROGRAM, ResourceConfig: { VolumeSizeInGB: 31 }, StoppingCondition: { MaxRuntimeInSeconds: 86401 } });
    assert.match(other.text, /^volume_size: 31$/m);
    assert.match(other.text, /^max_run: 86401$/m);
  });

  it('input_mode: left out for File, written for Pipe and FastFile', () => {
    assert.doesNotMatch(clone({ HyperParameters: PROGRAM, AlgorithmSpecification: { TrainingInputMode: 'File' } }).text, /input_mode/);
    assert.match(clone({ HyperParameters: PROGRAM, AlgorithmSpecification: { TrainingInputMode: 'Pipe' } }).text, /^input_mode: Pipe$/m);
    assert.match(clone({ HyperParameters: PROGRAM, AlgorithmSpecification: { TrainingInputMode: 'FastFile' } }).text, /^input_mode: FastFile$/m);
  });

  it('container_log_level: left out at 20 (INFO), an int otherwise, a string kept a string', () => {
    assert.doesNotMatch(clone({ HyperParameters: { ...PROGRAM, sagemaker_container_log_level: '20' } }).text, /container_log_level/);
    assert.match(clone({ HyperParameters: { ...PROGRAM, sagemaker_container_log_level: '10' } }).text, /^container_log_level: 10$/m);
    assert.match(clone({ HyperParameters: { ...PROGRAM, sagemaker_container_log_level: '"DEBUG"' } }).text, /^container_log_level: DEBUG$/m);
    assert.match(clone({ HyperParameters: { ...PROGRAM, sagemaker_container_log_level: '"10"' } }).text, /^container_log_level: "10"$/m);
  });

  it('environment and metric_definitions: left out when empty; a definition missing a field gets ""', () => {
    const empty = clone({ HyperParameters: PROGRAM, Environment: {}, AlgorithmSpecification: { MetricDefinitions: [] } });
    assert.doesNotMatch(empty.text, /^(environment|metric_definitions):/m);
    const metrics = clone({ HyperParameters: PROGRAM, AlgorithmSpecification: { MetricDefinitions: [{ Name: 'loss', Regex: 'loss=(\\S+)' }, {}] } });
    assert.equal(block(metrics.text, 'metric_definitions'), 'metric_definitions:\n  - Name: loss\n    Regex: loss=(\\S+)\n  - Name: ""\n    Regex: ""\n');
  });
});

describe('jobFileFromDescription: base_job_name', () => {
  const timestamped = (base: string) => `${base}-${TIMESTAMP}`;

  it('is left out when the base is the image repository’s name (the SDK’s default), by tag or by digest', () => {
    assert.doesNotMatch(clone({ TrainingJobName: timestamped('my-trainer'), AlgorithmSpecification: { TrainingImage: IMAGE } }).text, /base_job_name/);
    const digest = `111122223333.dkr.ecr.us-east-1.amazonaws.com/my-trainer@sha256:${'a'.repeat(64)}`;
    assert.doesNotMatch(clone({ TrainingJobName: timestamped('my-trainer'), AlgorithmSpecification: { TrainingImage: digest } }).text, /base_job_name/);
  });

  it('is written when it is another name, or when there is no image', () => {
    assert.match(clone({ TrainingJobName: timestamped('my-run'), AlgorithmSpecification: { TrainingImage: IMAGE } }).text, /^base_job_name: my-run$/m);
    assert.match(clone({ TrainingJobName: timestamped('my-trainer-x'), AlgorithmSpecification: { TrainingImage: IMAGE } }).text, /^base_job_name: my-trainer-x$/m);
    assert.match(clone({ TrainingJobName: timestamped('my-trainer') }).text, /^base_job_name: my-trainer$/m);
  });
});

describe('jobFileFromDescription: the training group torchrun and pytorchddp need named', () => {
  const groups = [
    { InstanceGroupName: 'cpu', InstanceType: 'ml.c5.xlarge', InstanceCount: 1 },
    { InstanceGroupName: 'gpu', InstanceType: 'ml.p4d.24xlarge', InstanceCount: 2 },
  ];
  const note = (name: string) =>
    `distribution.instance_groups names ${name}: the SDK needs one group named with several, and the job's request does not record which (with torchrun or pytorchddp it sends no group name, so any name sends the same request).`;

  it('names the first GPU group with torchrun, and says so', () => {
    const c = clone({ HyperParameters: { ...PROGRAM, sagemaker_torch_distributed_enabled: 'true' }, ResourceConfig: { InstanceGroups: groups } });
    assert.equal(block(c.text, 'distribution'), 'distribution:\n  torch_distributed:\n    enabled: true\n  instance_groups:\n    - gpu\n');
    assert.deepEqual(c.notes, [note('gpu')]);
  });

  it('names the first group with pytorchddp when no group is a GPU one', () => {
    const c = clone({
      HyperParameters: { ...PROGRAM, sagemaker_pytorch_ddp_enabled: 'true' },
      ResourceConfig: {
        InstanceGroups: [
          { InstanceGroupName: 'a', InstanceType: 'ml.c5.xlarge', InstanceCount: 1 },
          { InstanceGroupName: 'b', InstanceType: 'ml.trn1.32xlarge', InstanceCount: 1 },
        ],
      },
    });
    assert.equal(block(c.text, 'distribution'), 'distribution:\n  pytorchddp:\n    enabled: true\n  instance_groups:\n    - a\n');
    assert.deepEqual(c.notes, [note('a')]);
  });

  it('writes "" for a group the description leaves unnamed, and ? in the note', () => {
    const c = clone({
      HyperParameters: { ...PROGRAM, sagemaker_torch_distributed_enabled: 'true' },
      ResourceConfig: { InstanceGroups: groups.map(({ InstanceType, InstanceCount }) => ({ InstanceType, InstanceCount })) },
    });
    assert.equal(block(c.text, 'distribution'), 'distribution:\n  torch_distributed:\n    enabled: true\n  instance_groups:\n    - ""\n');
    assert.deepEqual(c.notes, [note('?')]);
  });

  it('names none with one group, with MPI, or when the job named one already', () => {
    const one = clone({ HyperParameters: { ...PROGRAM, sagemaker_torch_distributed_enabled: 'true' }, ResourceConfig: { InstanceGroups: [groups[1]!] } });
    assert.equal(block(one.text, 'distribution'), 'distribution:\n  torch_distributed:\n    enabled: true\n');
    assert.deepEqual(one.notes, []);

    const mpi = clone({ HyperParameters: { ...PROGRAM, sagemaker_mpi_enabled: 'true' }, ResourceConfig: { InstanceGroups: groups } });
    assert.equal(block(mpi.text, 'distribution'), 'distribution:\n  mpi:\n    enabled: true\n');
    assert.deepEqual(mpi.notes, []);

    const named = clone({
      HyperParameters: { ...PROGRAM, sagemaker_torch_distributed_enabled: 'true', sagemaker_distribution_instance_groups: '["cpu"]' },
      ResourceConfig: { InstanceGroups: groups },
    });
    assert.equal(block(named.text, 'distribution'), 'distribution:\n  torch_distributed:\n    enabled: true\n  instance_groups:\n    - cpu\n');
    assert.deepEqual(named.notes, []);
  });
});

describe('jobFileFromDescription: how values are written', () => {
  it('floats as Python’s repr: an exponent below 1e-4 and from 1e16, else a fraction', () => {
    const c = clone({
      HyperParameters: { ...PROGRAM, a: '0.0001', b: '9.99e-05', c: '-1e-05', d: '9990000000000000.0', e: '1e+16', f: '0.5', g: '2.0', h: '0.0' },
    });
    assert.equal(block(c.text, 'hyperparameters'), 'hyperparameters:\n  a: 0.0001\n  b: 9.99e-5\n  c: -1e-5\n  d: 9990000000000000.0\n  e: 1e+16\n  f: 0.5\n  g: 2.0\n  h: 0.0\n');
  });

  it('null, lists and maps in flow style, a long string on one line', () => {
    const long = 'word '.repeat(30).trim();
    const c = clone({ HyperParameters: { ...PROGRAM, n: 'null', l: '[[1, 2], {"a": [3]}]', m: '{"a": {"b": null}, "c": [1]}', s: JSON.stringify(long) } });
    assert.equal(block(c.text, 'hyperparameters'), `hyperparameters:\n  n: null\n  l: [ [ 1, 2 ], { a: [ 3 ] } ]\n  m: { a: { b: null }, c: [ 1 ] }\n  s: ${long}\n`);
  });

  it('distribution: block maps down to the model parallel parameters, whose values stay in flow style', () => {
    const c = clone({
      HyperParameters: {
        ...PROGRAM,
        sagemaker_mpi_enabled: 'true',
        sagemaker_mpi_num_of_processes_per_host: '8',
        mp_parameters: '{"partitions": 2, "pipeline": {"a": 1}, "ranks": [0, 1]}',
      },
    });
    assert.equal(
      block(c.text, 'distribution'),
      [
        'distribution:',
        '  mpi:',
        '    enabled: true',
        '    processes_per_host: 8',
        '  smdistributed:',
        '    modelparallel:',
        '      enabled: true',
        '      parameters:',
        '        partitions: 2',
        '        pipeline: { a: 1 }',
        '        ranks: [ 0, 1 ]',
        '',
      ].join('\n'),
    );
  });
});
