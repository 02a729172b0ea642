import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { buildTrainingJobPlan, parseS3Url, s3PathJoin } from '../../src/core/training/createTrainingJobRequest';
import type { TrainingJobPlanInput, TrainingPlanContext } from '../../src/core/training/createTrainingJobRequest';
import { baseFromName, baseNameFromImage, freshJobName, JOB_NAME_MAX_LENGTH, nameFromBase, sagemakerTimestamp, trainingJobName } from '../../src/core/training/jobName';
import { encodeJobFileValues } from '../../src/core/training/pythonJson';
import { TrainingPlanError } from '../../src/core/training/trainingPlanError';
import type { JobSpec } from '../../src/core/jobFile/jobSpec';
import { encodeSpecHyperparameters } from '../../src/local/localJobOptions';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'requests');

interface FixtureContext extends Omit<TrainingPlanContext, 'now'> {
  now: string;
}

/** A job file with its context, read the way the extension reads one: YAML 1.2 core, values encoded from the nodes. */
function planInput(name: string): TrainingJobPlanInput {
  const text = readFileSync(path.join(FIXTURES, `${name}.sagemaker.yaml`), 'utf8');
  const doc = parseDocument(text, { uniqueKeys: true, strict: true });
  assert.deepEqual(doc.errors, [], `${name}: YAML errors`);
  const context = JSON.parse(readFileSync(path.join(FIXTURES, `${name}.context.json`), 'utf8')) as FixtureContext;
  const encoded = encodeJobFileValues(text);
  return {
    spec: doc.toJS() as JobSpec,
    hyperparameters: encoded.hyperparameters,
    ...(encoded.modelParallelParameters !== undefined ? { modelParallelParameters: encoded.modelParallelParameters } : {}),
    ...(encoded.tagValues !== undefined ? { tagValues: encoded.tagValues } : {}),
    ...(encoded.ruleParameterValues !== undefined ? { ruleParameterValues: encoded.ruleParameterValues } : {}),
    context: { ...context, now: new Date(context.now) },
  };
}

// A job file with a `tuning:` block is HyperparameterTuner's: test/unit/tuningRequest.test.ts compares those.
const fixtureNames = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.sagemaker.yaml'))
  .map((f) => f.slice(0, -'.sagemaker.yaml'.length))
  .filter((name) => !parseDocument(readFileSync(path.join(FIXTURES, `${name}.sagemaker.yaml`), 'utf8')).has('tuning'))
  .sort();

interface SdkGolden {
  sdk: { version: string; commit: string };
  request?: unknown;
  uploads?: Array<{ bucket: string; key: string; extra_args: unknown }>;
  error?: string;
}

/**
 * Each fixture's NAME.sdk.json was written by scripts/sdk-goldens.mjs from what SageMaker Python SDK
 * v2.257.6 itself sent (or refused) for the same job file. NAME.error.json, where present, is our
 * refusal; `differsFromSdk` in NAME.context.json says why we deliberately do not do what the SDK does.
 */
describe('buildTrainingJobPlan fixtures (goldens made by SDK v2.257.6 itself)', () => {
  it('has fixtures, each with a context and an SDK golden of the pinned revision', () => {
    assert.ok(fixtureNames.length >= 60, `found ${fixtureNames.length}`);
    for (const name of fixtureNames) {
      assert.ok(existsSync(path.join(FIXTURES, `${name}.context.json`)), `${name}.context.json`);
      const golden = JSON.parse(readFileSync(path.join(FIXTURES, `${name}.sdk.json`), 'utf8')) as SdkGolden;
      assert.deepEqual(golden.sdk, { version: '2.257.6', commit: 'fc582aaa46faf7b7e16ab1e13840869712174cd0' }, name);
      assert.ok((golden.request === undefined) !== (golden.error === undefined), `${name}: a request or an error`);
    }
  });

  for (const name of fixtureNames) {
    const golden = (): SdkGolden => JSON.parse(readFileSync(path.join(FIXTURES, `${name}.sdk.json`), 'utf8')) as SdkGolden;
    const errorFile = path.join(FIXTURES, `${name}.error.json`);
    const differs = (): string | undefined => (JSON.parse(readFileSync(path.join(FIXTURES, `${name}.context.json`), 'utf8')) as { differsFromSdk?: string }).differsFromSdk;
    if (existsSync(errorFile)) {
      it(`${name}: refused${golden().error !== undefined ? ' as the SDK refuses it' : ' (the SDK sends it; see differsFromSdk)'}`, () => {
        if (golden().error === undefined) assert.ok(differs(), `${name}: we refuse what the SDK sends, so the context must say why`);
        const expected = JSON.parse(readFileSync(errorFile, 'utf8')) as { code: string; path?: string };
        assert.throws(
          () => buildTrainingJobPlan(planInput(name)),
          (e: unknown) => {
            assert.ok(e instanceof TrainingPlanError, String(e));
            assert.equal(e.code, expected.code);
            if (expected.path !== undefined) assert.equal(e.context.path, expected.path);
            return true;
          },
        );
      });
    } else if (golden().error !== undefined) {
      it(`${name}: planned although the SDK refuses it (see differsFromSdk)`, () => {
        assert.ok(differs(), `${name}: the SDK refuses (${golden().error}); plan must too, or the context must say why not`);
        assert.doesNotThrow(() => buildTrainingJobPlan(planInput(name)));
      });
    } else {
      it(`${name}: the request and uploads the SDK sent, field for field and in its order`, () => {
        const expected = golden();
        const input = planInput(name);
        const plan = buildTrainingJobPlan(input);
        // Text comparison checks key order too, so a dump diffs cleanly with boto3's debug log.
        assert.equal(JSON.stringify(plan.createTrainingJob, null, 2), JSON.stringify(expected.request, null, 2));
        const uploads = plan.uploads.map((u) => ({ bucket: u.bucket, key: u.key, extra_args: u.extraArgs }));
        assert.equal(JSON.stringify(uploads, null, 2), JSON.stringify(expected.uploads, null, 2));
        for (const upload of plan.uploads) {
          assert.equal(upload.to, `s3://${upload.bucket}/${upload.key}`);
          assert.equal(upload.from, input.spec.source_dir ?? input.spec.entry_point);
          assert.equal(upload.fromKind, input.spec.source_dir === undefined ? 'file' : 'directory');
          assert.deepEqual(upload.dependencies, input.spec.dependencies ?? []);
        }
        assert.equal(plan.defaultBucket, input.spec.output_path === undefined ? `sagemaker-${input.context.region}-${input.context.accountId}` : undefined);
      });
    }
  }
});

describe('container_log_level', () => {
  it('sends a level name as its logging number, the same for a plan and a local run', () => {
    for (const [name, number] of [
      ['DEBUG', '10'],
      ['INFO', '20'],
      ['WARNING', '30'],
      ['ERROR', '40'],
      ['CRITICAL', '50'],
    ] as const) {
      const input = planInput('seed-bart-samsum');
      input.spec.container_log_level = name;
      assert.equal(buildTrainingJobPlan(input).createTrainingJob.HyperParameters?.sagemaker_container_log_level, number, name);
      assert.equal(encodeSpecHyperparameters(input.spec).sagemaker_container_log_level, number, name);
    }
    const input = planInput('seed-bart-samsum');
    input.spec.container_log_level = 'LOUD';
    assert.throws(
      () => buildTrainingJobPlan(input),
      (e: unknown) => e instanceof TrainingPlanError && e.code === 'containerLogLevel.unknown',
    );
  });
});

describe('buildTrainingJobPlan context', () => {
  it('uses the ARN IAM resolved for a bare role name', () => {
    const input = planInput('role-bare-cn-north-1');
    input.context.roleArn = 'arn:aws-cn:iam::111122223333:role/service-role/SageMakerRole';
    assert.equal(buildTrainingJobPlan(input).createTrainingJob.RoleArn, 'arn:aws-cn:iam::111122223333:role/service-role/SageMakerRole');
  });

  it('takes an explicit job name as is, everywhere the name appears', () => {
    const input = planInput('seed-bart-samsum');
    input.context.jobName = 'bart-samsum-run-7';
    const plan = buildTrainingJobPlan(input);
    assert.equal(plan.createTrainingJob.TrainingJobName, 'bart-samsum-run-7');
    assert.equal(plan.createTrainingJob.HyperParameters?.sagemaker_job_name, '"bart-samsum-run-7"');
    assert.equal(plan.uploads[0]?.key, 'bart-samsum-run-7/source/sourcedir.tar.gz');
  });

  it('archives from the git clone once it exists', () => {
    const input = planInput('seed-bart-samsum');
    input.context.sourceDirIsGit = { repo: '/tmp/clones/transformers' };
    const upload = buildTrainingJobPlan(input).uploads[0]!;
    assert.equal(upload.from, path.join('/tmp/clones/transformers', 'examples/seq2seq'));
    assert.equal(upload.git, undefined);
  });

  it('resolves local paths against the job file folder when given', () => {
    const input = planInput('dependencies-local');
    input.context.baseDir = '/work/project';
    const upload = buildTrainingJobPlan(input).uploads[0]!;
    assert.equal(upload.from, path.resolve('/work/project', 'scripts'));
    assert.deepEqual(upload.dependencies, [path.resolve('/work/project', 'lib/common'), path.resolve('/work/project', '../shared')]);
  });

  it('never puts git credentials in the plan', () => {
    const input = planInput('seed-bart-samsum');
    input.spec.git_config = { repo: 'https://someone:hunter2@github.com/philschmid/transformers.git', branch: 'master', password: 'hunter2', token: 'ghp_secret' };
    const text = JSON.stringify(buildTrainingJobPlan(input));
    assert.ok(!text.includes('hunter2') && !text.includes('ghp_secret'), text);
    assert.ok(text.includes('https://github.com/philschmid/transformers.git'));
  });

  it('refuses a hyperparameter that carries a token, without repeating it', () => {
    const input = planInput('seed-bart-samsum');
    input.hyperparameters.hub_token = '"hf_abcdefghijklmnopqrstuvwxyzABCDEFGH"';
    assert.throws(
      () => buildTrainingJobPlan(input),
      (e: unknown) => e instanceof TrainingPlanError && e.code === 'hyperparameters.secret' && e.context.path === 'hyperparameters.hub_token' && !e.message.includes('hf_abc'),
    );
    input.hyperparameters.hub_token = '"<pad>"';
    assert.doesNotThrow(() => buildTrainingJobPlan(input));
  });

  it('refuses a region that is not one', () => {
    const input = planInput('seed-bart-samsum');
    input.context.region = 'moon-base-1';
    assert.throws(
      () => buildTrainingJobPlan(input),
      (e: unknown) => e instanceof TrainingPlanError && e.code === 'region.unknown',
    );
  });
});

describe('job names', () => {
  const now = new Date('2026-11-26T08:00:00.123Z');

  it('formats the SDK timestamp in UTC with zero-padded milliseconds', () => {
    assert.equal(sagemakerTimestamp(now), '2026-11-26-08-00-00-123');
    assert.equal(sagemakerTimestamp(new Date('2027-01-02T03:04:05.007Z')), '2027-01-02-03-04-05-007');
  });

  it('takes the repository of the image as the base', () => {
    assert.equal(
      baseNameFromImage('763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:1.6.0-transformers4.4.2-gpu-py36-cu110-ubuntu18.04'),
      'huggingface-pytorch-training',
    );
    assert.equal(baseNameFromImage('localhost:5000/team/my-trainer:latest'), 'my-trainer');
    assert.equal(baseNameFromImage('my-trainer'), 'my-trainer');
  });

  it('cuts the base so the name is at most 63 characters', () => {
    const name = nameFromBase('a'.repeat(80), now);
    assert.equal(name.length, JOB_NAME_MAX_LENGTH);
    assert.equal(name, `${'a'.repeat(39)}-2026-11-26-08-00-00-123`);
  });

  it('passes an explicit name through and otherwise prefers base_job_name', () => {
    assert.equal(trainingJobName({ jobName: 'mine', image: 'x/y:z', now }), 'mine');
    assert.equal(trainingJobName({ baseJobName: 'bart', image: 'x/y:z', now }), 'bart-2026-11-26-08-00-00-123');
    assert.equal(trainingJobName({ image: 'x/y:z', now }), 'y-2026-11-26-08-00-00-123');
  });

  it('finds a different name on collision, even within the same millisecond', () => {
    const taken = 'huggingface-pytorch-training-2026-11-26-08-00-00-123';
    assert.equal(baseFromName(taken), 'huggingface-pytorch-training');
    assert.equal(freshJobName(taken, now), 'huggingface-pytorch-training-2026-11-26-08-00-00-124');
    assert.equal(freshJobName(taken, new Date('2026-11-26T08:00:02.500Z')), 'huggingface-pytorch-training-2026-11-26-08-00-02-500');
    assert.equal(freshJobName('my-explicit-name', now), 'my-explicit-name-2026-11-26-08-00-00-123');
  });
});

describe('S3 paths', () => {
  it('joins like s3_path_join', () => {
    assert.equal(s3PathJoin(['s3://', 'bucket'], true), 's3://bucket/');
    assert.equal(s3PathJoin(['', 'job', 'source']), 'job/source');
    assert.equal(s3PathJoin(['prefix/', '/job', 'source']), 'prefix/job/source');
    assert.equal(s3PathJoin(['s3://', '//foo/', '/bar///baz']), 's3://foo/bar/baz');
    assert.equal(s3PathJoin(['/foo', 'bar/']), 'foo/bar');
  });

  it('splits bucket and prefix like parse_s3_url', () => {
    assert.deepEqual(parseS3Url('s3://bucket/a/b/', 'x'), { bucket: 'bucket', prefix: 'a/b/' });
    assert.deepEqual(parseS3Url('s3://bucket', 'x'), { bucket: 'bucket', prefix: '' });
    assert.throws(
      () => parseS3Url('https://bucket/a', 'output_path'),
      (e: unknown) => e instanceof TrainingPlanError && e.code === 's3.notS3Uri',
    );
  });
});
