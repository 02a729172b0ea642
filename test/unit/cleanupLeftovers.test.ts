// What `cleanup` offers to delete, in plain node (no moto, a fraction of a second): the S3 URIs it reads
// (and the ones it refuses), the prefix of each kind a job left (output paths with and without a trailing
// slash or at a bucket's root, the code archive from the submit directory or the code channel, debugger
// and rule output), a location listed once, which pairs of locations overlap (so one is kept as shared),
// and the monthly price of what is left. cleanup.test.ts runs the same through the CLI against moto.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanupCandidates, jobLeftovers, monthlyStorageUsd, overlaps, parseS3Uri } from '../../src/core/cost/cleanup';
import type { S3Location } from '../../src/core/cost/cleanup';
import type { TrainingJobDescription } from '../../src/core/jobs/trainingJobDescription';

const B = 'ml-bucket';

/** A job with nothing but a name and what `extra` gives it. */
const job = (extra: Partial<TrainingJobDescription> = {}, name = 'j'): TrainingJobDescription => ({ TrainingJobName: name, ...extra });
const kindsAndUris = (d: TrainingJobDescription) => jobLeftovers(d).map((l) => [l.kind, l.uri]);
const codeChannel = (uri: string) => [{ ChannelName: 'code', DataSource: { S3DataSource: { S3Uri: uri } } }];
const prefix = (key: string, bucket = B): S3Location => ({ bucket, key, exact: false });
const object = (key: string, bucket = B): S3Location => ({ bucket, key, exact: true });

describe('parseS3Uri', () => {
  it('takes the bucket and the key, with or without a slash after the bucket', () => {
    assert.deepEqual(parseS3Uri(`s3://${B}/out/run-1/`), { bucket: B, key: 'out/run-1/' });
    assert.deepEqual(parseS3Uri(`s3://${B}/`), { bucket: B, key: '' });
    assert.deepEqual(parseS3Uri(`s3://${B}`), { bucket: B, key: '' });
  });

  it('refuses what is not one s3:// URI: nothing, another scheme, s3:// inside a longer text, a second line', () => {
    assert.equal(parseS3Uri(undefined), undefined);
    assert.equal(parseS3Uri(''), undefined);
    assert.equal(parseS3Uri('/opt/ml/code'), undefined);
    assert.equal(parseS3Uri(`file:///tmp/s3://${B}/out`), undefined);
    assert.equal(parseS3Uri(`s3://${B}/ckpt\nother`), undefined, 'not the first line alone: that would be another prefix');
  });
});

describe('jobLeftovers', () => {
  it('a job that wrote nothing to S3 left nothing (no output, checkpoint, hyperparameter, channel or profiler config)', () => {
    assert.deepEqual(jobLeftovers(job()), []);
  });

  it('model output is <output_path>/<job>/output/, whether output_path ends in a slash, several, or none, or is a bucket root', () => {
    for (const path of [`s3://${B}/out`, `s3://${B}/out/`, `s3://${B}/out//`])
      assert.deepEqual(kindsAndUris(job({ OutputDataConfig: { S3OutputPath: path } })), [['model output', `s3://${B}/out/j/output/`]], path);
    for (const path of [`s3://${B}`, `s3://${B}/`])
      assert.deepEqual(kindsAndUris(job({ OutputDataConfig: { S3OutputPath: path } })), [['model output', `s3://${B}/j/output/`]], path);
  });

  it('checkpoints are the checkpoint folder itself, ending in one slash', () => {
    for (const uri of [`s3://${B}/ckpt/j`, `s3://${B}/ckpt/j/`, `s3://${B}/ckpt/j//`])
      assert.deepEqual(kindsAndUris(job({ CheckpointConfig: { S3Uri: uri } })), [['checkpoints', `s3://${B}/ckpt/j/`]], uri);
  });

  it('the code archive is one object (deleted alone, not as a prefix), from the submit directory, quoted or not', () => {
    const archive = { bucket: B, key: 'j/source/sourcedir.tar.gz', exact: true, job: 'j', kind: 'source', uri: `s3://${B}/j/source/sourcedir.tar.gz` };
    assert.deepEqual(jobLeftovers(job({ HyperParameters: { sagemaker_submit_directory: JSON.stringify(archive.uri) } })), [archive]);
    // A job created outside the SDK may store the URI without JSON quotes.
    assert.deepEqual(jobLeftovers(job({ HyperParameters: { sagemaker_submit_directory: archive.uri } })), [archive]);
  });

  it('without an S3 submit directory, the code archive comes from the "code" channel; a prefix is no archive', () => {
    const uri = `s3://${B}/code/j/sourcedir.tar.gz`;
    assert.deepEqual(kindsAndUris(job({ InputDataConfig: codeChannel(uri) })), [['source', uri]], 'no hyperparameters');
    assert.deepEqual(kindsAndUris(job({ HyperParameters: { epochs: '3' }, InputDataConfig: codeChannel(uri) })), [['source', uri]], 'no submit directory');
    for (const local of ['/opt/ml/input/data/code', JSON.stringify('/opt/ml/input/data/code'), '5'])
      assert.deepEqual(kindsAndUris(job({ HyperParameters: { sagemaker_submit_directory: local }, InputDataConfig: codeChannel(uri) })), [['source', uri]], local);
    assert.deepEqual(kindsAndUris(job({ InputDataConfig: codeChannel(`s3://${B}/code/j/`) })), [], 'a code folder is not one archive');
    assert.deepEqual(kindsAndUris(job({ InputDataConfig: codeChannel(`s3://${B}/code/j/train.py`) })), [], 'nor is a script');
  });

  it('only the channel named "code" holds the archive; channels without an S3 source are passed over', () => {
    const train = { ChannelName: 'train', DataSource: { S3DataSource: { S3Uri: `s3://${B}/data/train.tar.gz` } } };
    assert.deepEqual(kindsAndUris(job({ InputDataConfig: [train] })), []);
    assert.deepEqual(kindsAndUris(job({ InputDataConfig: [{ ChannelName: 'code' }] })), []);
    assert.deepEqual(kindsAndUris(job({ InputDataConfig: [{ ChannelName: 'code', DataSource: { FileSystemDataSource: {} } }] })), []);
    assert.deepEqual(kindsAndUris(job({ InputDataConfig: [train, ...codeChannel(`s3://${B}/code/j.tar.gz`)] })), [['source', `s3://${B}/code/j.tar.gz`]]);
  });

  it('debugger output is <DebugHookConfig path>/<job>/debug-output/; profiler output <ProfilerConfig path>/<job>/profiler-output/', () => {
    assert.deepEqual(kindsAndUris(job({ DebugHookConfig: { S3OutputPath: `s3://${B}/dbg` } })), [['profiler/debug output', `s3://${B}/dbg/j/debug-output/`]]);
    assert.deepEqual(kindsAndUris(job({ ProfilerConfig: { S3OutputPath: `s3://${B}/prof` } })), [['profiler/debug output', `s3://${B}/prof/j/profiler-output/`]]);
  });

  it('rule output (<profiler path, else output_path>/<job>/rule-output/) only when the job has debugger or profiler rules', () => {
    const rule = [{ RuleConfigurationName: 'LossNotDecreasing' }];
    const out = { OutputDataConfig: { S3OutputPath: `s3://${B}/out` } };
    const modelOutput = ['model output', `s3://${B}/out/j/output/`];
    assert.deepEqual(kindsAndUris(job({ ...out, DebugRuleConfigurations: [], ProfilerRuleConfigurations: [] })), [modelOutput], 'no rules');
    for (const rules of [{ DebugRuleConfigurations: rule }, { ProfilerRuleConfigurations: rule }, { DebugRuleConfigurations: rule, ProfilerRuleConfigurations: rule }])
      assert.deepEqual(kindsAndUris(job({ ...out, ...rules })), [modelOutput, ['profiler/debug output', `s3://${B}/out/j/rule-output/`]], Object.keys(rules).join(' and '));
    assert.deepEqual(kindsAndUris(job({ ...out, ProfilerConfig: { S3OutputPath: `s3://${B}/prof` }, ProfilerRuleConfigurations: rule })), [
      modelOutput,
      ['profiler/debug output', `s3://${B}/prof/j/profiler-output/`],
      ['profiler/debug output', `s3://${B}/prof/j/rule-output/`],
    ]);
    assert.deepEqual(kindsAndUris(job({ DebugRuleConfigurations: rule })), [], 'rules, but neither path: nothing to name');
  });

  it('lists a location once, by its first kind; the same key in another bucket is another location', () => {
    const out = { OutputDataConfig: { S3OutputPath: `s3://${B}/out` } };
    assert.deepEqual(kindsAndUris(job({ ...out, CheckpointConfig: { S3Uri: `s3://${B}/out/j/output` } })), [['model output', `s3://${B}/out/j/output/`]]);
    assert.deepEqual(kindsAndUris(job({ ...out, CheckpointConfig: { S3Uri: `s3://other-bucket/out/j/output` } })), [
      ['model output', `s3://${B}/out/j/output/`],
      ['checkpoints', `s3://other-bucket/out/j/output/`],
    ]);
  });
});

describe('overlaps', () => {
  it('a prefix and what is within it overlap, whichever comes first; a sibling whose name extends it does not', () => {
    assert.equal(overlaps(prefix('ckpt/'), prefix('ckpt/a/')), true);
    assert.equal(overlaps(prefix('ckpt/a/'), prefix('ckpt/')), true);
    assert.equal(overlaps(prefix('ckpt/a/'), prefix('ckpt/a/')), true);
    assert.equal(overlaps(prefix('train/'), prefix('train-2/')), false);
    assert.equal(overlaps(prefix('a/ckpt/'), prefix('b/a/ckpt/')), false, 'one key ending the other is not within it');
    assert.equal(overlaps(object('j/source/sourcedir.tar.gz'), prefix('j/')), true);
    assert.equal(overlaps(prefix('j/'), object('j/source/sourcedir.tar.gz')), true);
  });

  it('one archive overlaps only itself', () => {
    assert.equal(overlaps(object('code/a.tar.gz'), object('code/a.tar.gz')), true);
    assert.equal(overlaps(object('code/a.tar.gz'), object('code/a.tar.gz.1')), false);
  });

  it('nothing in one bucket overlaps anything in another', () => {
    assert.equal(overlaps(prefix('ckpt/'), prefix('ckpt/', 'other-bucket')), false);
    assert.equal(overlaps(object('code/a.tar.gz'), object('code/a.tar.gz', 'other-bucket')), false);
  });
});

describe('cleanupCandidates', () => {
  it('keeps a code archive the other trials of a tuning job share, and names the first of them', () => {
    const shared = { HyperParameters: { sagemaker_submit_directory: JSON.stringify(`s3://${B}/tuning-1/source/sourcedir.tar.gz`) } };
    const [t1, t2, t3] = ['tuning-1-001', 'tuning-1-002', 'tuning-1-003'].map((name) => job(shared, name));
    const candidates = cleanupCandidates([t1!], [t1!, t2!, t3!]);
    assert.deepEqual(
      candidates.map((c) => [c.job, c.kind, c.uri, c.sharedWith]),
      [['tuning-1-001', 'source', `s3://${B}/tuning-1/source/sourcedir.tar.gz`, 'tuning-1-002']],
    );
  });

  it('keeps checkpoints another job writes within, and not those of a job in another bucket', () => {
    const mine = job({ CheckpointConfig: { S3Uri: `s3://${B}/ckpt` } }, 'a');
    const nested = job({ CheckpointConfig: { S3Uri: `s3://${B}/ckpt/b` } }, 'b');
    const elsewhere = job({ CheckpointConfig: { S3Uri: `s3://other-bucket/ckpt` } }, 'c');
    assert.equal(cleanupCandidates([mine], [mine, nested])[0]?.sharedWith, 'b');
    assert.equal(cleanupCandidates([nested], [mine, nested])[0]?.sharedWith, 'a');
    assert.equal(cleanupCandidates([mine], [mine, elsewhere])[0]?.sharedWith, undefined);
  });
});

describe('monthlyStorageUsd', () => {
  it('prices a GB-month as S3 bills it, 2^30 bytes at $0.023, to the millionth of a dollar', () => {
    assert.equal(monthlyStorageUsd(0), 0);
    assert.equal(monthlyStorageUsd(2 ** 30), 0.023);
    assert.equal(monthlyStorageUsd(100 * 2 ** 30), 2.3);
    assert.equal(monthlyStorageUsd(10 * 2 ** 40), 235.52, '10 TiB');
    // 123,456,789 bytes: 0.114978… GiB × $0.023 = $0.0026444…
    assert.equal(monthlyStorageUsd(123_456_789), 0.002644);
    assert.equal(monthlyStorageUsd(1000), 0, 'a few bytes round to nothing');
  });
});
