// Plan, preflight and launch of a job file with a `tuning:` block (#19): the CreateHyperParameterTuningJob
// request plan shows is the one launch sends, through the real @aws-sdk clients against moto; the
// quota check counts max_parallel_jobs × instance_count (Service Quotas fake of test/emulators/awsExtras);
// the cost ceiling is max_jobs × one trial's and max_cost_usd holds for the whole tuning job.
import assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { DescribeHyperParameterTuningJobCommand } from '@aws-sdk/client-sagemaker';
import { AwsClients } from '../../src/aws/awsClients';
import { launchTrainingJob } from '../../src/aws/launch/launchTrainingJob';
import { planDocument } from '../../src/aws/launch/planPreview';
import { planTrainingJob } from '../../src/aws/launch/planTrainingJob';
import type { PlannedTrainingJob } from '../../src/aws/launch/planTrainingJob';
import { runPreflight } from '../../src/aws/preflight/runPreflight';
import type { CliIo } from '../../src/cli/cliError';
import { launchCommand } from '../../src/cli/launchCommand';
import { planCommand } from '../../src/cli/planCommand';
import { tuneCommand } from '../../src/cli/tuneCommand';
import { budgetRefusal } from '../../src/core/cost/budget';
import { estimateTrainingCost, renderCostEstimateText } from '../../src/core/cost/costEstimate';
import { BUNDLED_PRICE_TABLE, tablePrice } from '../../src/core/cost/trainingPrice';
import type { JobSpec } from '../../src/core/jobFile/jobSpec';
import { trainingQuotaName } from '../../src/core/preflight/nextSteps';
import { fakeQuotaCode, startAwsExtras } from '../emulators/awsExtras/awsExtras';
import type { AwsExtras } from '../emulators/awsExtras/awsExtras';
import { motoInstallProblem, startMoto } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';
import { REPO_ROOT } from './repoRoot';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ACCOUNT = '123456789012';
const BUCKET = `sagemaker-us-east-1-${ACCOUNT}`;
const SEED_FILE = path.join(REPO_ROOT, 'test', 'fixtures', 'launch', 'seed-local', 'seed-local.sagemaker.yaml');
const SEED_TEXT = readFileSync(SEED_FILE, 'utf8');
const NOW = new Date('2024-05-01T12:00:00.000Z');
const TYPE = 'ml.p3dn.24xlarge';
const PRICE = tablePrice(BUNDLED_PRICE_TABLE, TYPE, 'us-east-1')!;

const TUNING = `
tuning:
  objective_metric_name: eval_loss
  objective_type: Minimize
  metric_definitions:
    - Name: eval_loss
      Regex: "'eval_loss': ([0-9.eE+-]+)"
  strategy: Random
  hyperparameter_ranges:
    learning_rate: {type: continuous, min_value: 1e-5, max_value: 1e-3, scaling_type: Logarithmic}
    per_device_train_batch_size: {type: categorical, values: [4, 8]}
  max_jobs: 6
  max_parallel_jobs: 3
  random_seed: 7
`;

function captureIo(env: NodeJS.ProcessEnv = {}, cwd = REPO_ROOT): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', cwd, env, stdout: (t: string) => (io.out += t), stderr: (t: string) => (io.err += t) };
  return io;
}

/** The seed job (2 × ml.p3dn.24xlarge) with a tuning block, in a copy of its folder. */
async function tuningFolder(parent: string, name: string, extra = TUNING): Promise<{ file: string; text: string }> {
  const dir = path.join(parent, name);
  await fs.cp(path.dirname(SEED_FILE), dir, { recursive: true });
  const text = SEED_TEXT + extra;
  const file = path.join(dir, `${name}.sagemaker.yaml`);
  await fs.writeFile(file, text);
  return { file, text };
}

function spec(extra: Partial<JobSpec> = {}, tuning: Partial<NonNullable<JobSpec['tuning']>> = {}): JobSpec {
  return {
    entry_point: 'train.py',
    instance_type: TYPE,
    instance_count: 2,
    role: 'SageMakerRole',
    max_run: 3600,
    tuning: {
      objective_metric_name: 'eval_loss',
      hyperparameter_ranges: { learning_rate: { type: 'continuous', min_value: 1e-5, max_value: 1e-3 } },
      max_jobs: 10,
      max_parallel_jobs: 3,
      ...tuning,
    },
    ...extra,
  } as JobSpec;
}

describe('the cost ceiling and budget of a tuning job', () => {
  it('is max_jobs × the per-trial ceiling, and says so', () => {
    const estimate = estimateTrainingCost(spec(), PRICE);
    const perTrial = Math.round(PRICE.hourlyUsd * 2 * 1e6) / 1e6;
    assert.equal(estimate.tuning?.perTrial.usd, perTrial);
    assert.equal(estimate.ceiling.usd, Math.round(perTrial * 10 * 1e6) / 1e6);
    assert.equal(estimate.tuning?.trials, 10);
    assert.match(renderCostEstimateText(estimate), /ceiling: \$[\d,.]+ — the whole tuning job: 10 trials \(max_jobs\) × \$[\d,.]+ each \(max_run 1 h × 2 instances\)/);
  });

  it('counts every grid point for Grid without max_jobs, and caps by max_runtime_in_seconds', () => {
    const grid = estimateTrainingCost(
      spec({}, { strategy: 'Grid', max_jobs: undefined, hyperparameter_ranges: { a: { type: 'categorical', values: [1, 2, 3] }, b: { type: 'categorical', values: ['x', 'y'] } } }),
      PRICE,
    );
    assert.equal(grid.tuning?.trials, 6);
    assert.equal(grid.tuning?.trialsFrom, 'grid');
    // 3 trials at once × 2 instances for 30 min is less than 10 trials × 1 h × 2 instances.
    const capped = estimateTrainingCost(spec({}, { max_runtime_in_seconds: 1800 }), PRICE);
    assert.equal(capped.ceiling.limitedBy, 'max_runtime_in_seconds');
    assert.equal(capped.ceiling.usd, Math.round(((PRICE.hourlyUsd * 6 * 1800) / 3600) * 1e6) / 1e6);
    assert.match(renderCostEstimateText(capped), /at most 6 instances \(max_parallel_jobs 3 × 2\) for max_runtime_in_seconds 30 min/);
  });

  it('holds max_cost_usd to the whole tuning job and names the max_jobs or max_run that fits', () => {
    const perTrial = PRICE.hourlyUsd * 2;
    const budget = Math.floor(perTrial * 4 * 100) / 100 + 0.01; // four trials fit, five do not
    const s = spec({ max_cost_usd: budget });
    const refusal = budgetRefusal(s, estimateTrainingCost(s, PRICE));
    assert.ok(refusal);
    assert.equal(refusal.fittingMaxJobs, 4);
    assert.equal(refusal.fittingMaxRun, Math.floor(budget / ((PRICE.hourlyUsd * 2 * 10) / 3600)));
    assert.match(refusal.message, /which holds for the whole tuning job\. tuning\.max_jobs: 4 would fit at this max_run; or max_run: \d+ \(.*\) with 10 trials/);
    // A training job with the same budget fits: it is one trial.
    const single = { ...s, tuning: undefined } as JobSpec;
    assert.equal(budgetRefusal(single, estimateTrainingCost(single, PRICE)), undefined);
    // And the suggested max_jobs does fit.
    const fitted = spec({ max_cost_usd: budget }, { max_jobs: 4 });
    assert.equal(budgetRefusal(fitted, estimateTrainingCost(fitted, PRICE)), undefined);
  });
});

describe('the quota check of a tuning job', { skip: motoInstallProblem() ?? false }, () => {
  let moto: MotoServer;
  let extras: AwsExtras;
  let clients: AwsClients;

  before(async () => {
    moto = await startMoto({ maxLifetimeSeconds: 300 });
    extras = await startAwsExtras({ s3Upstream: moto.endpoint, trainingOffer: { 'us-east-1': [TYPE] }, maxLifetimeMs: 300_000 });
    clients = new AwsClients({
      region: 'us-east-1',
      endpoints: { sts: moto.endpoint, iam: moto.endpoint, s3: extras.endpoint, serviceQuotas: extras.endpoint, pricing: extras.endpoint },
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });

  after(async () => {
    clients?.destroy();
    await extras?.stop();
    await moto?.stop();
  });

  it('counts max_parallel_jobs × instance_count instances and asks for that many', async () => {
    const quotaName = trainingQuotaName(TYPE, false);
    extras.setQuotaValue('us-east-1', quotaName, 4);
    const short = await runPreflight({ clients, spec: spec() });
    const quota = short.items.find((i) => i.id === 'quota')!;
    assert.equal(quota.status, 'failed');
    assert.equal(quota.title, `Quota "${quotaName}" ≥ 6`);
    assert.match(quota.detail, /is 4 instances; this tuning job needs 6 at once \(max_parallel_jobs 3 × instance_count 2\)/);
    assert.match(quota.nextStep?.command ?? '', new RegExp(`--quota-code ${fakeQuotaCode(quotaName)} --desired-value 6 `));
    // The same file as one training job needs 2, which the quota covers.
    const single = await runPreflight({ clients, spec: { ...spec(), tuning: undefined } as JobSpec });
    assert.equal(single.items.find((i) => i.id === 'quota')?.status, 'passed');
  });
});

describe('plan and launch of a tuning job against moto', { skip: motoInstallProblem() ?? false }, () => {
  let moto: MotoServer;
  let clients: AwsClients;
  let tmp: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    moto = await startMoto({ simSeconds: 2, maxLifetimeSeconds: 300 });
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'tuning-launch-'));
    clients = new AwsClients({
      region: 'us-east-1',
      endpoints: { sagemaker: moto.endpoint, s3: moto.endpoint, sts: moto.endpoint, iam: moto.endpoint, logs: moto.endpoint },
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await clients.iam().send(new CreateRoleCommand({ RoleName: 'SageMakerRole', Path: '/service-role/', AssumeRolePolicyDocument: '{}' }));
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    env = { AWS_ENDPOINT_URL: moto.endpoint };
  });

  after(async () => {
    clients?.destroy();
    await moto?.stop();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  async function planned(file: string, text: string, jobName?: string): Promise<PlannedTrainingJob> {
    const outcome = await planTrainingJob({ jobFilePath: file, text, clients, now: NOW, ...(jobName ? { jobName } : {}) });
    assert.equal(outcome.kind, 'planned', JSON.stringify(outcome));
    return outcome as PlannedTrainingJob;
  }

  it('plan shows the tuning request, launch sends it: SageMaker holds what was previewed', async () => {
    const { file, text } = await tuningFolder(tmp, 'sweep');
    const plan = await planned(file, text);
    const previewed = JSON.parse(JSON.stringify(planDocument(plan))) as ReturnType<typeof planDocument>;
    assert.equal(previewed.createTrainingJob, undefined);
    const request = previewed.createHyperParameterTuningJob!;
    assert.equal(request.HyperParameterTuningJobName, 'huggingface-pytorch--240501-1200');
    assert.deepEqual(request.HyperParameterTuningJobConfig.ParameterRanges.CategoricalParameterRanges, [{ Name: 'per_device_train_batch_size', Values: ['"4"', '"8"'] }]);
    // The bare role name was resolved by IAM, once, for the estimator: the definition carries that ARN.
    assert.equal(request.TrainingJobDefinition.RoleArn, `arn:aws:iam::${ACCOUNT}:role/service-role/SageMakerRole`);
    assert.equal(request.TrainingJobDefinition.StaticHyperParameters.learning_rate, undefined, 'a ranged hyperparameter is not static');
    assert.equal(request.TrainingJobDefinition.StaticHyperParameters.sagemaker_distributed_dataparallel_enabled, 'true');
    assert.deepEqual(
      previewed.notSentUnderTuning?.map((n) => n.path),
      ['metric_definitions'],
    );

    const steps: string[] = [];
    const job = await launchTrainingJob({ clients, planned: plan, currentText: () => text, onProgress: (p) => steps.push(p.message) });
    assert.equal(job.jobName, request.HyperParameterTuningJobName);
    assert.deepEqual(job.tuningRequest, plan.tuning?.createHyperParameterTuningJob);
    assert.match(job.consoleUrl, /#\/hyper-tuning-jobs\/huggingface-pytorch--240501-1200$/);
    assert.ok(steps.includes('Creating hyperparameter tuning job huggingface-pytorch--240501-1200…'), steps.join('\n'));

    const stored = await clients.sagemaker().send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: job.jobName }));
    assert.equal(stored.HyperParameterTuningJobArn, job.jobArn);
    assert.deepEqual(stored.HyperParameterTuningJobConfig?.ParameterRanges, request.HyperParameterTuningJobConfig.ParameterRanges);
    assert.deepEqual(stored.HyperParameterTuningJobConfig?.ResourceLimits, { MaxNumberOfTrainingJobs: 6, MaxParallelTrainingJobs: 3 });
    assert.equal(stored.HyperParameterTuningJobConfig?.Strategy, 'Random');
    assert.equal(stored.HyperParameterTuningJobConfig?.RandomSeed, 7);
    assert.deepEqual(stored.TrainingJobDefinition?.StaticHyperParameters, request.TrainingJobDefinition.StaticHyperParameters);
    assert.deepEqual(stored.TrainingJobDefinition?.AlgorithmSpecification?.MetricDefinitions, request.TrainingJobDefinition.AlgorithmSpecification.MetricDefinitions);
    // The code is where the static sagemaker_submit_directory says, uploaded as the estimator's fit() uploads it.
    const submit = JSON.parse(request.TrainingJobDefinition.StaticHyperParameters.sagemaker_submit_directory!) as string;
    assert.deepEqual(
      job.uploads.map((u) => u.to),
      [submit],
    );
    await clients.s3().send(new HeadObjectCommand({ Bucket: BUCKET, Key: submit.slice(`s3://${BUCKET}/`.length) }));
  });

  it('a second tuning job in the same minute is refused by name, saying what to do', async () => {
    const { file, text } = await tuningFolder(tmp, 'sweep-again');
    const plan = await planned(file, text);
    await assert.rejects(launchTrainingJob({ clients, planned: plan, currentText: () => text }), (err: unknown) => {
      assert.equal((err as { code?: string }).code, 'jobName.taken');
      assert.match((err as Error).message, /hyperparameter tuning job named huggingface-pytorch--240501-1200 already exists.*launch again in a minute, or choose a name/);
      return true;
    });
  });

  it('sagemaker-hf plan --json prints {createHyperParameterTuningJob, uploads, …} offline', async () => {
    const { file } = await tuningFolder(tmp, 'cli-plan');
    const io = captureIo({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1' });
    assert.equal(await planCommand([file, '--json', '--account', ACCOUNT, '--time', NOW.toISOString()], io), 0, io.err);
    const printed = JSON.parse(io.out) as Record<string, unknown>;
    assert.deepEqual(Object.keys(printed).slice(0, 2), ['createHyperParameterTuningJob', 'uploads']);
    assert.equal((printed.createHyperParameterTuningJob as { HyperParameterTuningJobName: string }).HyperParameterTuningJobName, 'huggingface-pytorch--240501-1200');
    const text = captureIo({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1' });
    assert.equal(await planCommand([file, '--account', ACCOUNT, '--time', NOW.toISOString()], text), 0, text.err);
    assert.match(text.out, /^Tuning job {7}huggingface-pytorch--240501-1200 \(CreateHyperParameterTuningJob\)\nStrategy {9}Random, 6 trials, 3 at a time, early stopping Off\n/);
    assert.match(text.out, /the whole tuning job: 6 trials \(max_jobs\)/);
  });

  it('plan refuses a tuning job whose ceiling exceeds max_cost_usd, naming the max_jobs that fits', async () => {
    const perTrial = PRICE.hourlyUsd * 2 * 24; // max_run defaults to 24 h
    const { file } = await tuningFolder(tmp, 'cli-budget', `max_cost_usd: ${Math.ceil(perTrial * 2)}\n${TUNING}`);
    const io = captureIo({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1' });
    assert.equal(await planCommand([file, '--json', '--account', ACCOUNT, '--time', NOW.toISOString()], io), 1);
    assert.equal(io.out, '');
    assert.match(io.err, /refused: The tuning job's cost ceiling .* exceeds max_cost_usd .*, which holds for the whole tuning job\. tuning\.max_jobs: 2 would fit/);
  });

  it('sagemaker-hf tune FILE creates the tuning job; launch on it does the same; tune refuses what it cannot do', async () => {
    const { file } = await tuningFolder(tmp, 'cli-tune');
    const io = captureIo(env);
    assert.equal(await tuneCommand([file, '--job-name', 'cli-tune-1'], io), 0, io.err);
    assert.equal(io.out, `cli-tune-1\narn:aws:sagemaker:us-east-1:${ACCOUNT}:hyper-parameter-tuning-job/cli-tune-1\n`);
    const viaLaunch = captureIo(env);
    assert.equal(await launchCommand([file, '--job-name', 'cli-tune-2'], viaLaunch), 0, viaLaunch.err);
    const stored = await clients.sagemaker().send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'cli-tune-2' }));
    assert.equal(stored.HyperParameterTuningJobConfig?.HyperParameterTuningJobObjective?.MetricName, 'eval_loss');

    const waiting = captureIo(env);
    assert.equal(await launchCommand([file, '--job-name', 'cli-tune-3', '--wait'], waiting), 2);
    assert.match(waiting.err, /not launched: --wait follows one training job.*up to 6 trials/);
    await assert.rejects(clients.sagemaker().send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'cli-tune-3' })));

    // --local goes to local tuning (cli/localTune.ts), which runs Random and Grid only: a Bayesian file is refused there.
    const bayesian = await tuningFolder(tmp, 'cli-tune-bayesian', TUNING.replace('  strategy: Random\n', ''));
    const local = captureIo(env);
    assert.equal(await tuneCommand([bayesian.file, '--local', '--root', path.join(tmp, 'local-jobs')], local), 1);
    assert.match(local.err, /sagemaker-hf tune --local: strategy Bayesian \(the SDK's default\)/);
    const plain = captureIo(env);
    assert.equal(await tuneCommand([SEED_FILE], plain), 1);
    assert.match(plain.err, /has no tuning: block.*sagemaker-hf launch/);
  });
});
