/**
 * Clone as Job File, the first half of jobFileFromDescription pinned where the round-trip tests
 * only sample it: the file name and base_job_name from the job's name, the region (the ARN's over
 * the image's), the code (an S3 source_dir, a local one that needs a note, the network-isolated
 * code channel), the resources (instance_type / instance_count, instance_preferences with and
 * without per-entry counts, the chosen instance for Relaunch in Warm Pool), the image (catalog
 * versions only in the job's own region, the Training Compiler's versions and compiler_config)
 * and the notes a user reads, word for word. Plain node, no I/O.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { baseJobName, jobFileFromDescription } from '../../src/core/jobs/jobFileFromDescription';
import type { JobFileClone, JobFileCloneOptions } from '../../src/core/jobs/jobFileFromDescription';
import type { TrainingJobDescription } from '../../src/core/jobs/trainingJobDescription';

const HF_IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:1.6.0-transformers4.4.2-gpu-py36-cu110-ubuntu18.04';
const COMPILER_IMAGE = '763104351884.dkr.ecr.eu-west-1.amazonaws.com/huggingface-pytorch-trcomp-training:1.10.2-transformers4.17.0-gpu-py38-cu113-ubuntu20.04';
const CUSTOM_IMAGE = '111122223333.dkr.ecr.us-east-1.amazonaws.com/my-trainer:latest';
const PROGRAM = { sagemaker_program: '"train.py"' };
const COMPILER_HPS = { ...PROGRAM, sagemaker_training_compiler_enabled: 'true', sagemaker_training_compiler_debug_mode: 'false', epochs: '3' };
const ISOLATED_SUBMIT_DIR = '/opt/ml/input/data/code/sourcedir.tar.gz';

function arnIn(region: string): string {
  return `arn:aws:sagemaker:${region}:111122223333:training-job/j`;
}

/** The clone with the tags known (none), so that the notes are only the ones under test. */
function clone(d: TrainingJobDescription, options: JobFileCloneOptions = {}): JobFileClone {
  return jobFileFromDescription(d, { tags: [], ...options });
}

/** The file without its comment header. */
function body(c: JobFileClone): string {
  return c.text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .join('\n');
}

describe('the job name: file name and base_job_name', () => {
  it('takes the base name off the SDK timestamp suffix only when the name ends with exactly that suffix', () => {
    assert.equal(baseJobName('my-run-2024-01-31-12-05-09-123'), 'my-run');
    assert.equal(baseJobName('my-run-2024-01-31-12-05-09-123-extra'), undefined);
    assert.equal(baseJobName('my-run-2024-01-31-12-05-09-1234'), undefined);
    assert.equal(baseJobName('my-run'), undefined);
  });

  it('a job without a name (or anything else) gives training-job.sagemaker.yaml, entry_point train.py and one note', () => {
    const c = clone({});
    assert.equal(c.fileName, 'training-job.sagemaker.yaml');
    assert.deepEqual(c.notes, ['The job has no sagemaker_program hyperparameter (it was not launched by a framework estimator): set entry_point to your training script.']);
    assert.equal(body(c), 'entry_point: train.py\ndebugger_hook_config: false');
    assert.match(c.text, /^# Cloned from the training job training-job\.\n/);
  });

  it('writes base_job_name unless it is the image repository the SDK would derive it from', () => {
    const named = (name: string, image: string) => clone({ TrainingJobName: name, AlgorithmSpecification: { TrainingImage: image }, HyperParameters: PROGRAM });
    assert.match(named('my-run-2024-01-31-12-05-09-123', CUSTOM_IMAGE).text, /^base_job_name: my-run$/m);
    assert.doesNotMatch(named('my-trainer-2024-01-31-12-05-09-123', CUSTOM_IMAGE).text, /base_job_name/);
    assert.doesNotMatch(named('huggingface-pytorch-training-2024-01-31-12-05-09-123', HF_IMAGE).text, /base_job_name/);
    assert.doesNotMatch(named('my-run', CUSTOM_IMAGE).text, /base_job_name/);
  });
});

describe('the region and the image', () => {
  it("takes the region from the job's ARN over the image's, and keeps a catalog image of another region as image_uri", () => {
    const c = clone({ TrainingJobArn: arnIn('eu-west-1'), AlgorithmSpecification: { TrainingImage: HF_IMAGE }, HyperParameters: PROGRAM });
    assert.equal(body(c), `entry_point: train.py\nimage_uri: ${HF_IMAGE}\nregion: eu-west-1\ndebugger_hook_config: false`);
    assert.deepEqual(c.notes, []);
  });

  it('takes the region from the ARN alone when there is no image, and from the image when there is no ARN', () => {
    assert.match(clone({ TrainingJobArn: arnIn('eu-west-1'), HyperParameters: PROGRAM }).text, /^region: eu-west-1$/m);
    const fromImage = clone({ AlgorithmSpecification: { TrainingImage: HF_IMAGE }, HyperParameters: PROGRAM });
    assert.equal(body(fromImage), 'entry_point: train.py\ntransformers_version: 4.4.2\npytorch_version: 1.6.0\npy_version: py36\nregion: us-east-1\ndebugger_hook_config: false');
  });

  it("writes the catalog versions for the catalog's image in the job's own region", () => {
    const c = clone({ TrainingJobArn: arnIn('us-east-1'), AlgorithmSpecification: { TrainingImage: HF_IMAGE }, HyperParameters: PROGRAM });
    assert.match(c.text, /^transformers_version: 4\.4\.2\npytorch_version: 1\.6\.0\npy_version: py36\nregion: us-east-1$/m);
    assert.doesNotMatch(c.text, /image_uri/);
  });

  it('a Training Compiler job (no ARN) comes back as the versions and compiler_config, without the compiler hyperparameters', () => {
    const c = clone({ AlgorithmSpecification: { TrainingImage: COMPILER_IMAGE }, HyperParameters: COMPILER_HPS });
    assert.equal(
      body(c),
      'entry_point: train.py\ntransformers_version: 4.17.0\npytorch_version: 1.10.2\npy_version: py38\nhyperparameters:\n  epochs: 3\ncompiler_config: {}\ndebugger_hook_config: false',
    );
    assert.deepEqual(c.notes, []);
  });

  it('a Training Compiler job in the region of its ARN comes back the same way', () => {
    const c = clone({ TrainingJobArn: arnIn('eu-west-1'), AlgorithmSpecification: { TrainingImage: COMPILER_IMAGE }, HyperParameters: COMPILER_HPS });
    assert.match(
      c.text,
      /^transformers_version: 4\.17\.0\npytorch_version: 1\.10\.2\npy_version: py38\nregion: eu-west-1\nhyperparameters:\n {2}epochs: 3\ncompiler_config: \{\}$/m,
    );
    assert.deepEqual(c.notes, []);
  });

  it("a Training Compiler image of another region than the ARN's stays image_uri, its hyperparameters kept with a note", () => {
    const c = clone({ TrainingJobArn: arnIn('us-east-1'), AlgorithmSpecification: { TrainingImage: COMPILER_IMAGE }, HyperParameters: COMPILER_HPS });
    assert.match(c.text, new RegExp(`^image_uri: ${COMPILER_IMAGE.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(c.text, /^hyperparameters:\n {2}sagemaker_training_compiler_enabled: true\n {2}sagemaker_training_compiler_debug_mode: false\n {2}epochs: 3$/m);
    assert.doesNotMatch(c.text, /compiler_config|transformers_version/);
    assert.deepEqual(c.notes, ['Kept as hyperparameters, since a job file has no setting for them: sagemaker_training_compiler_enabled, sagemaker_training_compiler_debug_mode.']);
  });

  it('a Training Compiler image without the compiler hyperparameters (or any) stays image_uri', () => {
    for (const HyperParameters of [undefined, PROGRAM]) {
      const c = clone({ AlgorithmSpecification: { TrainingImage: COMPILER_IMAGE }, ...(HyperParameters ? { HyperParameters } : {}) });
      assert.match(c.text, new RegExp(`^image_uri: ${COMPILER_IMAGE.replace(/\./g, '\\.')}$`, 'm'));
      assert.doesNotMatch(c.text, /compiler_config|transformers_version/);
    }
  });

  it("the compiler hyperparameters on a custom image are the user's: kept, no compiler_config", () => {
    const c = clone({ AlgorithmSpecification: { TrainingImage: CUSTOM_IMAGE }, HyperParameters: COMPILER_HPS });
    assert.match(c.text, /^ {2}sagemaker_training_compiler_enabled: true$/m);
    assert.match(c.text, /^ {2}sagemaker_training_compiler_debug_mode: false$/m);
    assert.doesNotMatch(c.text, /compiler_config/);
  });

  it('says that a job run from an algorithm needs an image', () => {
    const c = clone({ AlgorithmSpecification: { AlgorithmName: 'my-algo' }, HyperParameters: PROGRAM });
    assert.deepEqual(c.notes, ['The job used the algorithm my-algo, not a training image; a job file needs an image.']);
    assert.doesNotMatch(c.text, /image_uri/);
  });
});

describe('the code', () => {
  const code = (dir: string, program = true) =>
    clone({ HyperParameters: { ...(program ? PROGRAM : {}), sagemaker_submit_directory: JSON.stringify(dir) }, AlgorithmSpecification: { TrainingImage: CUSTOM_IMAGE } });

  it('writes an S3 archive as source_dir, with no note', () => {
    const c = code('s3://b/code/sourcedir.tar.gz');
    assert.match(c.text, /^source_dir: s3:\/\/b\/code\/sourcedir\.tar\.gz$/m);
    assert.deepEqual(c.notes, []);
  });

  it('says where code the job cannot read was, naming the script or "your script"', () => {
    const local = code('file:///opt/ml/code');
    assert.doesNotMatch(local.text, /source_dir:/);
    assert.deepEqual(local.notes, ["The job's code was at file:///opt/ml/code, which a SageMaker job cannot read: set source_dir to the folder with train.py."]);
    const noProgram = code('file:///opt/ml/code', false);
    assert.deepEqual(noProgram.notes, [
      'The job has no sagemaker_program hyperparameter (it was not launched by a framework estimator): set entry_point to your training script.',
      "The job's code was at file:///opt/ml/code, which a SageMaker job cannot read: set source_dir to the folder with your script.",
    ]);
    assert.deepEqual(code('file:///home/me/s3://b/code').notes, [
      "The job's code was at file:///home/me/s3://b/code, which a SageMaker job cannot read: set source_dir to the folder with train.py.",
    ]);
  });

  it('without a submit directory: no source_dir and no note', () => {
    const c = clone({ HyperParameters: PROGRAM, AlgorithmSpecification: { TrainingImage: CUSTOM_IMAGE } });
    assert.doesNotMatch(c.text, /source_dir/);
    assert.deepEqual(c.notes, []);
  });

  it("with network isolation, the code channel's S3 URI is the source_dir and the channel is not an input", () => {
    const c = clone({
      EnableNetworkIsolation: true,
      HyperParameters: { ...PROGRAM, sagemaker_submit_directory: JSON.stringify(ISOLATED_SUBMIT_DIR) },
      InputDataConfig: [
        { ChannelName: 'code', DataSource: { S3DataSource: { S3Uri: 's3://b/code/sourcedir.tar.gz' } } },
        { ChannelName: 'train', DataSource: { S3DataSource: { S3Uri: 's3://b/train' } } },
      ],
    });
    assert.match(c.text, /^source_dir: s3:\/\/b\/code\/sourcedir\.tar\.gz$/m);
    assert.match(c.text, /^inputs:\n {2}train: s3:\/\/b\/train\nenable_network_isolation: true$/m);
  });

  it('with network isolation and an S3 submit directory, a channel named code is an ordinary input', () => {
    const c = clone({
      EnableNetworkIsolation: true,
      HyperParameters: { ...PROGRAM, sagemaker_submit_directory: '"s3://b/mine/sourcedir.tar.gz"' },
      InputDataConfig: [{ ChannelName: 'code', DataSource: { S3DataSource: { S3Uri: 's3://b/other' } } }],
    });
    assert.match(c.text, /^source_dir: s3:\/\/b\/mine\/sourcedir\.tar\.gz$/m);
    assert.match(c.text, /^inputs:\n {2}code: s3:\/\/b\/other$/m);
  });

  it('with network isolation and no readable code channel: no source_dir, and a note saying where the code was', () => {
    const hps = { ...PROGRAM, sagemaker_submit_directory: JSON.stringify(ISOLATED_SUBMIT_DIR) };
    for (const InputDataConfig of [[], [{ ChannelName: 'code' }], [{ ChannelName: 'code', DataSource: { FileSystemDataSource: {} } }]]) {
      const c = clone({ EnableNetworkIsolation: true, HyperParameters: hps, InputDataConfig });
      assert.doesNotMatch(c.text, /^(source_dir|inputs):/m);
      assert.deepEqual(c.notes, ["The job's code was in its code channel, which has no S3 URI in the description: set source_dir to the folder with train.py."]);
    }
  });

  it("without network isolation, a submit directory in the code channel is that channel's archive too", () => {
    const c = clone({
      HyperParameters: { ...PROGRAM, sagemaker_submit_directory: JSON.stringify(ISOLATED_SUBMIT_DIR) },
      InputDataConfig: [
        { ChannelName: 'code', DataSource: { S3DataSource: { S3Uri: 's3://b/code/sourcedir.tar.gz' } } },
        { ChannelName: 'train', DataSource: { S3DataSource: { S3Uri: 's3://b/train' } } },
      ],
    });
    assert.match(c.text, /^source_dir: s3:\/\/b\/code\/sourcedir\.tar\.gz$/m);
    assert.match(c.text, /^inputs:\n {2}train: s3:\/\/b\/train$/m);
    assert.doesNotMatch(c.text, /enable_network_isolation/);
    assert.deepEqual(c.notes, []);
  });
});

describe('the resources', () => {
  const PREFERENCES = [
    { InstanceType: 'ml.g5.12xlarge', InstanceCount: 1 },
    { InstanceType: 'ml.g5.2xlarge', InstanceCount: 4 },
  ];
  const resources = (ResourceConfig: TrainingJobDescription['ResourceConfig'], options: JobFileCloneOptions = {}) => clone({ HyperParameters: PROGRAM, ResourceConfig }, options);

  it('writes instance_count only when it is not 1', () => {
    assert.equal(body(resources({ InstanceType: 'ml.g5.xlarge', InstanceCount: 1 })), 'entry_point: train.py\ninstance_type: ml.g5.xlarge\ndebugger_hook_config: false');
    assert.match(resources({ InstanceType: 'ml.g5.xlarge', InstanceCount: 2 }).text, /^instance_type: ml\.g5\.xlarge\ninstance_count: 2$/m);
  });

  it('keeps instance_preferences with a count per entry when every entry has one', () => {
    const c = resources({ InstancePreferences: PREFERENCES, InstanceCount: 2 });
    assert.match(
      c.text,
      /^instance_preferences:\n {2}- instance_type: ml\.g5\.12xlarge\n {4}instance_count: 1\n {2}- instance_type: ml\.g5\.2xlarge\n {4}instance_count: 4\ndebugger_hook_config: false$/m,
    );
    assert.doesNotMatch(c.text, /^instance_count/m);
    assert.deepEqual(c.notes, []);
  });

  it('keeps instance_preferences as types, with the job-wide instance_count, when some entry has no count', () => {
    const c = resources({ InstancePreferences: [{ InstanceType: 'ml.g5.12xlarge', InstanceCount: 2 }, { InstanceType: 'ml.g5.2xlarge' }], InstanceCount: 3 });
    assert.match(c.text, /^instance_preferences:\n {2}- ml\.g5\.12xlarge\n {2}- ml\.g5\.2xlarge\ninstance_count: 3\n/m);
    const one = resources({ InstancePreferences: [{ InstanceType: 'ml.g5.12xlarge' }, { InstanceType: 'ml.g5.2xlarge' }], InstanceCount: 1 });
    assert.match(one.text, /^instance_preferences:\n {2}- ml\.g5\.12xlarge\n {2}- ml\.g5\.2xlarge\ndebugger_hook_config: false$/m);
  });

  it('leaves out a preference without an instance type', () => {
    const c = resources({ InstancePreferences: [{ InstanceCount: 2 }, { InstanceType: 'ml.g5.2xlarge', InstanceCount: 4 }] });
    assert.match(c.text, /^instance_preferences:\n {2}- instance_type: ml\.g5\.2xlarge\n {4}instance_count: 4\ndebugger_hook_config: false$/m);
  });

  it('writes instance_type, not the preferences, when the job has an instance type', () => {
    const c = resources({ InstanceType: 'ml.g5.xlarge', InstanceCount: 1, InstancePreferences: PREFERENCES });
    assert.equal(body(c), 'entry_point: train.py\ninstance_type: ml.g5.xlarge\ndebugger_hook_config: false');
  });

  it('notes the type SageMaker chose from the preferences, with its count when known', () => {
    const withCount = resources({ InstancePreferences: PREFERENCES, SelectedInstanceType: 'ml.g5.2xlarge', SelectedInstanceCount: 4 });
    assert.deepEqual(withCount.notes, [
      'SageMaker ran the job on ml.g5.2xlarge × 4, chosen from instance_preferences; the clone keeps the whole list (set instance_type: ml.g5.2xlarge instead to insist on it).',
    ]);
    const withoutCount = resources({ InstancePreferences: PREFERENCES, SelectedInstanceType: 'ml.g5.2xlarge' });
    assert.deepEqual(withoutCount.notes, [
      'SageMaker ran the job on ml.g5.2xlarge, chosen from instance_preferences; the clone keeps the whole list (set instance_type: ml.g5.2xlarge instead to insist on it).',
    ]);
  });

  describe('the chosen instance (Relaunch in Warm Pool)', () => {
    const chosen = (ResourceConfig: TrainingJobDescription['ResourceConfig']) => resources(ResourceConfig, { chosenInstance: true });
    const NOTE = 'The job ran on ml.g5.2xlarge, chosen from instance_preferences; the relaunch asks for it alone, as the warm pool holds it.';

    it("writes the chosen type with the chosen count, over the preference's", () => {
      const c = chosen({ InstancePreferences: PREFERENCES, SelectedInstanceType: 'ml.g5.2xlarge', SelectedInstanceCount: 3 });
      assert.equal(body(c), 'entry_point: train.py\ninstance_type: ml.g5.2xlarge\ninstance_count: 3\ndebugger_hook_config: false');
      assert.deepEqual(c.notes, [NOTE]);
    });

    it("takes the count from the chosen type's preference when SageMaker gives none", () => {
      const c = chosen({ InstancePreferences: PREFERENCES, SelectedInstanceType: 'ml.g5.2xlarge' });
      assert.equal(body(c), 'entry_point: train.py\ninstance_type: ml.g5.2xlarge\ninstance_count: 4\ndebugger_hook_config: false');
    });

    it('takes the job-wide count when no preference names the chosen type', () => {
      const c = chosen({ SelectedInstanceType: 'ml.g5.2xlarge', InstanceCount: 2 });
      assert.equal(body(c), 'entry_point: train.py\ninstance_type: ml.g5.2xlarge\ninstance_count: 2\ndebugger_hook_config: false');
    });

    it('leaves out a count of 1', () => {
      const c = chosen({ InstancePreferences: PREFERENCES, SelectedInstanceType: 'ml.g5.2xlarge', SelectedInstanceCount: 1 });
      assert.equal(body(c), 'entry_point: train.py\ninstance_type: ml.g5.2xlarge\ndebugger_hook_config: false');
    });

    it('changes nothing for a job that has its own instance type, or nothing chosen', () => {
      const typed = chosen({ InstanceType: 'ml.g5.xlarge', InstanceCount: 2, SelectedInstanceType: 'ml.g5.2xlarge', SelectedInstanceCount: 3 });
      assert.equal(body(typed), 'entry_point: train.py\ninstance_type: ml.g5.xlarge\ninstance_count: 2\ndebugger_hook_config: false');
      assert.deepEqual(typed.notes, []);
      const groups = chosen({ InstanceGroups: [{ InstanceGroupName: 'a', InstanceType: 'ml.g5.xlarge', InstanceCount: 1 }] });
      assert.match(groups.text, /^instance_groups:\n {2}- instance_group_name: a\n/m);
      assert.doesNotMatch(groups.text, /^instance_type/m);
      assert.deepEqual(groups.notes, []);
    });
  });
});
