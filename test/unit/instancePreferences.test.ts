// instance_preferences (ResourceConfig.InstancePreferences, beyond SDK v2.257.6): the validator's rules
// with their exact ranges, the request, the estimate's ceiling, the local run, Clone as Job File, and a
// job through the real @aws-sdk client against moto. moto 5.1.1 knows nothing of InstancePreferences
// (its botocore model predates it); our lifecycle plugin (test/emulators/moto/sagemakerLifecycle.py)
// keeps the ResourceConfig as sent, refuses what the API refuses, and "chooses" the first preference,
// reported as SelectedInstanceType / SelectedInstanceCount from TrainingStartTime on.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { CreateTrainingJobCommandInput } from '@aws-sdk/client-sagemaker';
import { AwsClients } from '../../src/aws/awsClients';
import type { CliIo } from '../../src/cli/cliError';
import { costCommand } from '../../src/cli/costCommand';
import { estimateTrainingCost, renderCostEstimateText } from '../../src/core/cost/costEstimate';
import { budgetRefusal } from '../../src/core/cost/budget';
import type { JobSpec } from '../../src/core/jobFile/jobSpec';
import { validateJobFile } from '../../src/core/jobFile/validateJobFile';
import { jobFileFromDescription } from '../../src/core/jobs/jobFileFromDescription';
import type { TrainingJobDescription } from '../../src/core/jobs/trainingJobDescription';
import { trainingJobViewFromDescription } from '../../src/core/jobs/trainingJobView';
import { warmPoolMatch } from '../../src/core/jobs/warmPoolMatch';
import { buildTrainingJobPlan } from '../../src/core/training/createTrainingJobRequest';
import { buildTuningJobPlan } from '../../src/core/training/createTuningJobRequest';
import type { CreateTrainingJobRequest } from '../../src/core/training/createTrainingJobRequest';
import { encodeJobFileValues } from '../../src/core/training/pythonJson';
import { TrainingPlanError } from '../../src/core/training/trainingPlanError';
import { localJobOptionsFromSpec } from '../../src/local/localJobOptions';
import { startAwsExtras } from '../emulators/awsExtras/awsExtras';
import type { AwsExtras } from '../emulators/awsExtras/awsExtras';
import { awsTestClientConfig, motoInstallProblem, startMoto } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';
import { REPO_ROOT } from './repoRoot';
import { testQuote } from './testPrices';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const BASE = `entry_point: train.py
role: arn:aws:iam::123456789012:role/SageMakerRole
transformers_version: "4.56.2"
pytorch_version: "2.8.0"
py_version: py312
region: us-east-1
`;

interface Found {
  code: string;
  path: string;
  severity: string;
  /** line:character-line:character, 0-based. */
  at: string;
}

function problemsOf(text: string): Found[] {
  return validateJobFile(text, {}).problems.map((p) => ({
    code: p.code,
    path: p.path,
    severity: p.severity,
    at: `${p.range.start.line}:${p.range.start.character}-${p.range.end.line}:${p.range.end.character}`,
  }));
}

function only(found: Found[], code: string): Found[] {
  return found.filter((p) => p.code === code);
}

function specOf(text: string): JobSpec {
  const v = validateJobFile(text, {});
  assert.deepEqual(
    v.problems.filter((p) => p.severity === 'error'),
    [],
  );
  return v.spec!;
}

function planOf(text: string): CreateTrainingJobRequest {
  const spec = specOf(text);
  const encoded = encodeJobFileValues(text);
  return buildTrainingJobPlan({
    spec,
    hyperparameters: encoded.hyperparameters,
    context: { region: 'us-east-1', accountId: '123456789012', now: new Date('2026-12-07T04:00:00Z'), jobName: 'prefs-job' },
  }).createTrainingJob;
}

const quote = testQuote;

describe('instance_preferences in the validator', () => {
  it('accepts a list of types, and a list with a count on every entry', () => {
    assert.deepEqual(problemsOf(`${BASE}instance_preferences:\n  - ml.g5.2xlarge\n  - ml.g6.2xlarge\n`), []);
    // Four instances without distribution: the instance_count hint, at the entry that asks for four.
    assert.deepEqual(
      problemsOf(`${BASE}instance_preferences:\n  - instance_type: ml.g5.12xlarge\n    instance_count: 1\n  - instance_type: ml.g5.2xlarge\n    instance_count: 4\n`),
      [{ code: 'distribution.none', path: 'instance_preferences[1]', severity: 'info', at: '9:4-9:32' }],
    );
  });

  it('needs exactly one of instance_type, instance_groups and instance_preferences', () => {
    assert.deepEqual(only(problemsOf(BASE), 'schema.required'), [{ code: 'schema.required', path: 'instance_type', severity: 'error', at: '0:0-0:11' }]);
    const missing = validateJobFile(BASE, {}).problems.find((p) => p.code === 'schema.required');
    for (const key of ['instance_type', 'instance_groups', 'instance_preferences']) assert.match(missing?.message ?? '', new RegExp(key), `the error names ${key}`);
    const both = problemsOf(
      `${BASE}instance_preferences:\n  - ml.g5.2xlarge\ninstance_groups:\n  - instance_group_name: a\n    instance_type: ml.g5.2xlarge\n    instance_count: 1\n`,
    );
    assert.deepEqual(
      only(both, 'instancePreferences.exclusive').map((p) => p.path),
      ['instance_groups'],
    );
  });

  it('refuses instance_type with instance_preferences, at instance_type (mutually exclusive with InstanceType)', () => {
    const found = problemsOf(`${BASE}instance_type: ml.g5.2xlarge\ninstance_preferences:\n  - ml.g6.2xlarge\n`);
    assert.deepEqual(only(found, 'instancePreferences.exclusive'), [{ code: 'instancePreferences.exclusive', path: 'instance_type', severity: 'error', at: '6:0-6:13' }]);
  });

  it('refuses use_spot_instances: true (EnableManagedSpotTraining) at its value, and instance_placement_config at its key', () => {
    const found = problemsOf(
      `${BASE}use_spot_instances: true\nmax_wait: 90000\ninstance_placement_config:\n  EnableMultipleJobs: true\ninstance_preferences:\n  - ml.g5.2xlarge\n`,
    );
    assert.deepEqual(only(found, 'instancePreferences.exclusive'), [
      { code: 'instancePreferences.exclusive', path: 'use_spot_instances', severity: 'error', at: '6:20-6:24' },
      { code: 'instancePreferences.exclusive', path: 'instance_placement_config', severity: 'error', at: '8:0-8:25' },
    ]);
  });

  it('refuses a type listed twice, at the second one', () => {
    const found = problemsOf(`${BASE}instance_preferences:\n  - ml.g5.2xlarge\n  - instance_type: ml.g5.2xlarge\n`);
    assert.deepEqual(only(found, 'instancePreferences.duplicate'), [
      { code: 'instancePreferences.duplicate', path: 'instance_preferences[1].instance_type', severity: 'error', at: '8:19-8:32' },
    ]);
  });

  it('takes 1 to 5 entries: an empty list at its value, a sixth entry at that entry', () => {
    assert.deepEqual(only(problemsOf(`${BASE}instance_preferences: []\n`), 'schema.size'), [
      { code: 'schema.size', path: 'instance_preferences', severity: 'error', at: '6:22-6:24' },
    ]);
    const six = ['ml.g5.xlarge', 'ml.g5.2xlarge', 'ml.g5.4xlarge', 'ml.g5.8xlarge', 'ml.g5.16xlarge', 'ml.g6.2xlarge'];
    const found = problemsOf(`${BASE}instance_preferences:\n${six.map((t) => `  - ${t}\n`).join('')}`);
    assert.deepEqual(only(found, 'instancePreferences.tooMany'), [{ code: 'instancePreferences.tooMany', path: 'instance_preferences[5]', severity: 'error', at: '12:4-12:17' }]);
    assert.deepEqual(
      only(
        problemsOf(
          `${BASE}instance_preferences:\n${six
            .slice(0, 5)
            .map((t) => `  - ${t}\n`)
            .join('')}`,
        ),
        'instancePreferences.tooMany',
      ),
      [],
    );
  });

  it('takes counts on every entry or on none: not on only some (each entry without one is named), not also in instance_count', () => {
    const some = problemsOf(`${BASE}instance_preferences:\n  - instance_type: ml.g5.12xlarge\n    instance_count: 1\n  - ml.g5.2xlarge\n`);
    assert.deepEqual(only(some, 'instancePreferences.countMissing'), [
      { code: 'instancePreferences.countMissing', path: 'instance_preferences[1]', severity: 'error', at: '9:4-9:17' },
    ]);
    const both = problemsOf(`${BASE}instance_count: 2\ninstance_preferences:\n  - instance_type: ml.g5.12xlarge\n    instance_count: 1\n`);
    assert.deepEqual(only(both, 'instancePreferences.countTwice'), [{ code: 'instancePreferences.countTwice', path: 'instance_count', severity: 'error', at: '6:0-6:14' }]);
    // One count for the job (instance_count, default 1) with plain entries is the API's other way.
    assert.deepEqual(
      problemsOf(`${BASE}instance_count: 2\ninstance_preferences:\n  - ml.g5.12xlarge\n  - ml.g5.2xlarge\ndistribution:\n  torch_distributed:\n    enabled: true\n`),
      [],
    );
  });

  it('checks every candidate as an instance_type: a CPU type (GPU-only images) and a type of another kind than the first, at that entry', () => {
    const found = problemsOf(`${BASE}instance_preferences:\n  - ml.g5.2xlarge\n  - ml.m5.xlarge\n`);
    assert.deepEqual(
      found.map((p) => [p.code, p.path, p.at]),
      [
        ['instance.noGpu', 'instance_preferences[1]', '8:4-8:16'],
        ['instancePreferences.mixedProcessors', 'instance_preferences[1]', '8:4-8:16'],
      ],
    );
    // With image_uri the CPU type alone is fine, but not mixed with a GPU one: the job has one image.
    const withImage = problemsOf(
      `${BASE.replace(/transformers_version.*\n|pytorch_version.*\n|py_version.*\n/g, '')}image_uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/mine:1\ninstance_preferences:\n  - ml.g5.2xlarge\n  - ml.m5.xlarge\n`,
    );
    assert.deepEqual(
      withImage.map((p) => p.code),
      ['instancePreferences.mixedProcessors'],
    );
    // An unknown type gets the instance_type warning, with its fix, at the entry.
    const typo = validateJobFile(`${BASE}instance_preferences:\n  - ml.g5.2xlarg\n`, {}).problems;
    assert.deepEqual(
      typo.map((p) => [p.code, p.path, p.fixes?.[0]?.title]),
      [['instance.unknown', 'instance_preferences[0]', 'Change to ml.g5.2xlarge']],
    );
  });

  it('applies the SDK’s per-type refusals to every candidate, at the candidate (compiler_config with a second choice of a class the compiler does not run on)', () => {
    const found = problemsOf(
      `${BASE.replace(/transformers_version.*\n|pytorch_version.*\n|py_version.*\n/g, '')}transformers_version: "4.21.1"\npytorch_version: "1.11.0"\npy_version: py38\ncompiler_config: {}\ninstance_preferences:\n  - ml.p3.2xlarge\n  - ml.g6.2xlarge\n`,
    );
    const compiler = found.filter((p) => p.code === 'compiler.instanceType');
    // ml.g6 is not a Training Compiler class, ml.p3 is: only the second entry is named.
    assert.deepEqual(
      compiler.map((p) => p.path),
      ['instance_preferences[1]'],
    );
  });
});

describe('instance_preferences in the request', () => {
  it('sends ResourceConfig.InstancePreferences with one InstanceCount for the job, and no InstanceType', () => {
    const r = planOf(`${BASE}instance_count: 2\ninstance_preferences:\n  - ml.g5.12xlarge\n  - ml.g6.12xlarge\ndistribution:\n  torch_distributed:\n    enabled: true\n`);
    assert.deepEqual(r.ResourceConfig, { VolumeSizeInGB: 30, InstanceCount: 2, InstancePreferences: [{ InstanceType: 'ml.g5.12xlarge' }, { InstanceType: 'ml.g6.12xlarge' }] });
    assert.equal(r.EnableManagedSpotTraining, undefined);
    // The toolkit's instance-type hyperparameter names the first preference (all share one kind).
    assert.equal(r.HyperParameters?.sagemaker_instance_type, '"ml.g5.12xlarge"');
  });

  it('sends a count on every preference and none in ResourceConfig when each entry has its own', () => {
    const r = planOf(`${BASE}instance_preferences:\n  - instance_type: ml.g5.12xlarge\n    instance_count: 1\n  - instance_type: ml.g5.2xlarge\n    instance_count: 4\n`);
    assert.deepEqual(r.ResourceConfig, {
      VolumeSizeInGB: 30,
      InstancePreferences: [
        { InstanceType: 'ml.g5.12xlarge', InstanceCount: 1 },
        { InstanceType: 'ml.g5.2xlarge', InstanceCount: 4 },
      ],
    });
  });

  it('keeps instance_type jobs as the SDK sends them', () => {
    const r = planOf(`${BASE}instance_type: ml.g5.2xlarge\n`);
    assert.deepEqual(r.ResourceConfig, { VolumeSizeInGB: 30, InstanceCount: 1, InstanceType: 'ml.g5.2xlarge' });
  });

  it('refuses to plan what the API refuses (the plan does not trust that validation ran)', () => {
    const spec = { ...specOf(`${BASE}instance_preferences:\n  - ml.g5.2xlarge\n`), use_spot_instances: true };
    assert.throws(
      () => buildTrainingJobPlan({ spec, hyperparameters: {}, context: { region: 'us-east-1', accountId: '123456789012', now: new Date() } }),
      (e: unknown) => e instanceof TrainingPlanError && e.code === 'instancePreferences.exclusive' && e.context.path === 'use_spot_instances',
    );
    const neither = { ...spec, use_spot_instances: false, instance_preferences: undefined } as JobSpec;
    assert.throws(
      () => buildTrainingJobPlan({ spec: neither, hyperparameters: {}, context: { region: 'us-east-1', accountId: '123456789012', now: new Date() } }),
      (e: unknown) =>
        e instanceof TrainingPlanError &&
        e.code === 'instanceGroups.missing' &&
        /instance_type/.test(e.message) &&
        /instance_groups/.test(e.message) &&
        /instance_preferences/.test(e.message),
    );
    const withGroups = { ...spec, use_spot_instances: false, instance_groups: [{ instance_group_name: 'a', instance_type: 'ml.g5.2xlarge', instance_count: 1 }] } as JobSpec;
    assert.throws(
      () => buildTrainingJobPlan({ spec: withGroups, hyperparameters: {}, context: { region: 'us-east-1', accountId: '123456789012', now: new Date() } }),
      (e: unknown) => e instanceof TrainingPlanError && e.code === 'instancePreferences.exclusive' && e.context.path === 'instance_groups',
    );
  });

  it('refuses a tuning job from instance_preferences: the tuning API has no InstancePreferences', () => {
    const text = `${BASE}instance_preferences:\n  - ml.g5.2xlarge\n  - ml.g6.2xlarge\ntuning:\n  objective_metric_name: eval_loss\n  metric_definitions:\n    - Name: eval_loss\n      Regex: "eval_loss: ([0-9.]+)"\n  max_jobs: 2\n  hyperparameter_ranges:\n    learning_rate: {type: continuous, min_value: 1e-5, max_value: 1e-3}\n`;
    const found = validateJobFile(text, {});
    assert.deepEqual(
      found.problems.filter((p) => p.severity === 'error').map((p) => [p.code, p.path]),
      [['tuning.instancePreferences', 'instance_preferences']],
    );
    const encoded = encodeJobFileValues(text);
    assert.throws(
      () =>
        buildTuningJobPlan({
          spec: found.spec!,
          hyperparameters: encoded.hyperparameters,
          ...(encoded.tuning !== undefined ? { tuningValues: encoded.tuning } : {}),
          context: { region: 'us-east-1', accountId: '123456789012', now: new Date() },
        }),
      (e: unknown) => e instanceof TrainingPlanError && e.code === 'tuning.instancePreferences' && /has no InstancePreferences/.test(e.message),
    );
  });
});

describe('instance_preferences in the estimate and the local run', () => {
  const text = `${BASE}max_run: 3600\nmax_cost_usd: 20\ninstance_preferences:\n  - instance_type: ml.g5.12xlarge\n    instance_count: 1\n  - instance_type: ml.g5.2xlarge\n    instance_count: 4\n  - instance_type: ml.g6.2xlarge\n    instance_count: 4\n`;
  const prices: Record<string, number> = { 'ml.g5.12xlarge': 7.09, 'ml.g5.2xlarge': 1.515 };

  it('takes the ceiling at the most expensive candidate (price × its count), lists every candidate, and says which has no price', () => {
    const spec = specOf(text);
    // One quote per candidate that has a price (what resolveJobPrices gives): ml.g6.2xlarge has none.
    const estimate = estimateTrainingCost(
      spec,
      Object.entries(prices).map(([t, p]) => quote(t, p)),
    );
    assert.ok(estimate);
    assert.equal(estimate.instanceType, 'ml.g5.12xlarge', '7.09 × 1 is more than 1.515 × 4');
    assert.equal(estimate.instanceCount, 1);
    assert.equal(estimate.ceiling.usd, 7.09);
    assert.deepEqual(estimate.candidates, [
      { instanceType: 'ml.g5.12xlarge', instanceCount: 1, hourlyUsd: 7.09, ceilingUsd: 7.09 },
      { instanceType: 'ml.g5.2xlarge', instanceCount: 4, hourlyUsd: 1.515, ceilingUsd: 6.06 },
      { instanceType: 'ml.g6.2xlarge', instanceCount: 4 },
    ]);
    const rendered = renderCostEstimateText(estimate);
    assert.match(rendered, /candidate: 4 × ml\.g6\.2xlarge, no price known/);
    assert.match(rendered, /No price is known for ml\.g6\.2xlarge in us-east-1/);
    // The dearer the worst candidate, the higher the ceiling the budget holds the job to.
    const dearer = estimateTrainingCost(spec, [...Object.entries(prices).map(([t, p]) => quote(t, p)), quote('ml.g6.2xlarge', 6)]);
    assert.equal(dearer?.instanceType, 'ml.g6.2xlarge');
    assert.equal(dearer?.ceiling.usd, 24);
    assert.match(budgetRefusal(spec, dearer!)?.message ?? '', /ceiling \$24\.00 .*4 × ml\.g6\.2xlarge/);
  });

  it('runs a local job on the first preference, with its count', () => {
    const options = localJobOptionsFromSpec({ spec: specOf(text), jobFileDir: REPO_ROOT, jobName: 'j', root: os.tmpdir() });
    assert.equal(options.instanceType, 'ml.g5.12xlarge');
    assert.equal(options.instanceCount, 1);
  });
});

describe('Clone as Job File and the tree for a job with instance_preferences', () => {
  const described: TrainingJobDescription = {
    TrainingJobName: 'prefs-job',
    TrainingJobArn: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/prefs-job',
    TrainingJobStatus: 'InProgress',
    RoleArn: 'arn:aws:iam::123456789012:role/SageMakerRole',
    AlgorithmSpecification: {
      TrainingImage: '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.8.0-transformers4.56.2-gpu-py312-cu129-ubuntu22.04',
      TrainingInputMode: 'File',
    },
    ResourceConfig: {
      VolumeSizeInGB: 30,
      InstancePreferences: [
        { InstanceType: 'ml.g5.12xlarge', InstanceCount: 1 },
        { InstanceType: 'ml.g5.2xlarge', InstanceCount: 4 },
      ],
    },
  };

  it('shows the candidates until SageMaker chooses, then the chosen type and count', () => {
    const now = new Date('2026-12-07T04:00:00Z');
    assert.equal(trainingJobViewFromDescription(described, now).resources, 'one of ml.g5.12xlarge × 1, ml.g5.2xlarge × 4 (not chosen yet)');
    const chosen = trainingJobViewFromDescription(
      { ...described, ResourceConfig: { ...described.ResourceConfig, SelectedInstanceType: 'ml.g5.2xlarge', SelectedInstanceCount: 4 } },
      now,
    );
    assert.equal(chosen.instanceType, 'ml.g5.2xlarge');
    assert.equal(chosen.instanceCount, 4);
    assert.equal(chosen.resources, 'ml.g5.2xlarge × 4 (chosen from instance_preferences)');
  });

  it('clones the list (not the chosen type), which validates and plans back to the same ResourceConfig', () => {
    const clone = jobFileFromDescription({ ...described, ResourceConfig: { ...described.ResourceConfig, SelectedInstanceType: 'ml.g5.2xlarge', SelectedInstanceCount: 4 } });
    assert.match(clone.text, /instance_preferences:\n {2}- instance_type: ml\.g5\.12xlarge\n {4}instance_count: 1\n/);
    assert.doesNotMatch(clone.text, /^instance_type:/m);
    assert.ok(clone.notes.some((n) => /SageMaker ran the job on ml\.g5\.2xlarge × 4, chosen from instance_preferences/.test(n)));
    const text = clone.text.replace(/^entry_point:.*$/m, 'entry_point: train.py');
    const r = planOf(/^entry_point:/m.test(text) ? text : `entry_point: train.py\n${text}`);
    assert.deepEqual(r.ResourceConfig, described.ResourceConfig);
  });

  it('for Relaunch in Warm Pool, names the chosen type and count (the pool holds those), which then match the pool', () => {
    const ran: TrainingJobDescription = {
      ...described,
      TrainingJobStatus: 'Completed',
      ResourceConfig: { ...described.ResourceConfig, SelectedInstanceType: 'ml.g5.2xlarge', SelectedInstanceCount: 4, KeepAlivePeriodInSeconds: 600 },
      WarmPoolStatus: { Status: 'Available' },
    };
    const clone = jobFileFromDescription(ran, { chosenInstance: true });
    assert.match(clone.text, /^instance_type: ml\.g5\.2xlarge\ninstance_count: 4\n/m);
    assert.doesNotMatch(clone.text, /^instance_preferences:/m);
    const text = /^entry_point:/m.test(clone.text) ? clone.text : `entry_point: train.py\n${clone.text}`;
    assert.equal(warmPoolMatch(ran, planOf(text)).matches, true);
  });
});

const installProblem = motoInstallProblem();

describe('a job with instance_preferences on moto (lifecycle plugin) and the Price List fake', { skip: installProblem ?? false }, () => {
  let moto: MotoServer;
  let extras: AwsExtras;
  let sagemaker: SageMakerClient;
  let clients: AwsClients;
  let cacheHome: string;

  before(async () => {
    moto = await startMoto({ simSeconds: 0.5 });
    extras = await startAwsExtras({
      prices: [
        { region: 'us-east-1', instanceType: 'ml.g5.12xlarge', usd: 7.09, publicationDate: '2026-10-15T18:00:00Z' },
        { region: 'us-east-1', instanceType: 'ml.g5.2xlarge', usd: 1.515, publicationDate: '2026-10-15T18:00:00Z' },
      ],
      maxLifetimeMs: 120_000,
    });
    sagemaker = new SageMakerClient(awsTestClientConfig(moto.endpoint));
    clients = new AwsClients({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      endpoints: { sagemaker: moto.endpoint, pricing: extras.endpoint },
    });
    cacheHome = mkdtempSync(path.join(os.tmpdir(), 'sagemaker-hf-prefs-'));
  });

  after(async () => {
    sagemaker?.destroy();
    clients?.destroy();
    await moto?.stop();
    await extras?.stop();
    rmSync(cacheHome, { recursive: true, force: true });
  });

  it('sends the planned request through the real client; Describe reports the chosen type, and the cost uses it', async () => {
    const request = planOf(
      `${BASE}output_path: s3://bucket/out/\ninstance_preferences:\n  - instance_type: ml.g5.2xlarge\n    instance_count: 2\n  - instance_type: ml.g5.12xlarge\n    instance_count: 1\n`,
    );
    await sagemaker.send(new CreateTrainingJobCommand(request as unknown as CreateTrainingJobCommandInput));
    let d = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: request.TrainingJobName }));
    for (let i = 0; i < 200 && d.TrainingJobStatus !== 'Completed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      d = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: request.TrainingJobName }));
    }
    assert.equal(d.TrainingJobStatus, 'Completed');
    assert.deepEqual(d.ResourceConfig?.InstancePreferences, request.ResourceConfig.InstancePreferences, 'the list comes back as sent');
    assert.equal(d.ResourceConfig?.InstanceType, undefined);
    assert.equal(d.ResourceConfig?.SelectedInstanceType, 'ml.g5.2xlarge');
    assert.equal(d.ResourceConfig?.SelectedInstanceCount, 2);

    let out = '';
    const io: CliIo = { stdout: (t) => (out += t), stderr: () => undefined, cwd: REPO_ROOT, env: { XDG_CACHE_HOME: cacheHome } };
    assert.equal(await costCommand([request.TrainingJobName, '--json'], io, { clients }), 0);
    const json = JSON.parse(out) as Record<string, unknown>;
    assert.equal(json['instanceType'], 'ml.g5.2xlarge');
    assert.equal(json['instanceCount'], 2);
    assert.equal(json['usdPerHour'], 1.515);
    assert.equal(json['usd'], Math.round(((2 * (json['billableSeconds'] as number) * 1.515) / 3600) * 1e6) / 1e6);
  });

  it('is refused as SageMaker refuses it: InstancePreferences with InstanceType', async () => {
    const request = planOf(`${BASE}output_path: s3://bucket/out/\ninstance_preferences:\n  - ml.g5.2xlarge\n`);
    const both = { ...request, TrainingJobName: 'prefs-and-type', ResourceConfig: { ...request.ResourceConfig, InstanceType: 'ml.g5.2xlarge' } };
    await assert.rejects(sagemaker.send(new CreateTrainingJobCommand(both as unknown as CreateTrainingJobCommandInput)), /mutually exclusive with InstanceType/);
  });
});
